"""A portfolio of clients: which folders are clients, one client's summary, the book's
deadlines and the change since the last run. Pure (no printing, no clock, no writing):
the command (`cli/portfolio_cmd.py`) reads folders, runs audits and writes reports.

A client folder is a direct subfolder of the portfolio folder (hidden ones and the
output folder are skipped) holding either

- `inventory.yaml` (or `inventory.yml`): a native inventory, audited as it is; or
- `client.yaml` and one or more `*.csv` exports: the companion and the exports,
  merged as `audit EXPORTS --companion client.yaml` merges them.

A `waivers.yaml` beside them is the client's waiver register. Anything else is an error
line for that client.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tma_audit.errors import ExitCode, InputError

if TYPE_CHECKING:
    from tma_audit.model import AuditResult

NATIVE_NAMES = ("inventory.yaml", "inventory.yml")
COMPANION_NAME = "client.yaml"
WAIVERS_NAME = "waivers.yaml"
#: The summary kept in the output folder, compared with on the next run.
SUMMARY_NAME = "portfolio.json"
SUMMARY_FORMAT = "tma-audit-portfolio"
SUMMARY_VERSION = 1

#: The order of severity of client exit codes: the run exits with the worst. A bug (70)
#: is worst; a data error (3) means no client could be judged, so it ranks above a bad
#: folder (2), which ranks above findings (1).
SEVERITY = (
    ExitCode.COMPLIANT,
    ExitCode.FINDINGS,
    ExitCode.INPUT_ERROR,
    ExitCode.DATA_ERROR,
    ExitCode.INTERNAL_ERROR,
)


@dataclass(frozen=True)
class ClientFolder:
    """What a client folder holds: the files to audit and the waivers, or a problem."""

    name: str
    path: Path
    inventory: tuple[Path, ...] = ()
    companion: Path | None = None
    waivers: Path | None = None
    problem: str | None = None

    @property
    def source(self) -> str:
        if self.companion is None:
            return ", ".join(p.name for p in self.inventory)
        return f"{self.companion.name} + {len(self.inventory)} export(s)"


def client_folders(root: Path, skip: Path | None = None) -> list[ClientFolder]:
    """The client folders under `root`, by name (an input error if `root` is no folder)."""
    if not root.is_dir():
        raise InputError("not a directory", file=str(root), field="DIR")
    skipped = skip.resolve() if skip is not None else None
    folders = []
    for path in sorted(root.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or not path.is_dir():
            continue
        if skipped is not None and path.resolve() == skipped:
            continue
        folders.append(recognise(path))
    return folders


def recognise(path: Path) -> ClientFolder:
    """A native inventory, or a companion with exports, or a problem (see the module)."""
    waivers = path / WAIVERS_NAME
    register = waivers if waivers.is_file() else None
    for name in NATIVE_NAMES:
        native = path / name
        if native.is_file():
            return ClientFolder(path.name, path, (native,), waivers=register)
    companion = path / COMPANION_NAME
    exports = tuple(sorted(p for p in path.glob("*.csv") if p.is_file()))
    if companion.is_file() and exports:
        return ClientFolder(path.name, path, exports, companion, register)
    if companion.is_file():
        problem = f"{COMPANION_NAME} but no *.csv exports"
    else:
        problem = f"no {NATIVE_NAMES[0]}, nor {COMPANION_NAME} with *.csv exports"
    return ClientFolder(path.name, path, problem=problem)


@dataclass
class Deadline:
    """A passing item whose support, licence or warranty ends in the look-ahead window."""

    what: str  # "Windows Server 2016 support"
    date: str  # ISO date
    subject: str


@dataclass
class ClientSummary:
    """One line of the portfolio: a client's audit, or the error that stopped it."""

    folder: str
    exit_code: int
    source: str = ""
    client: str | None = None
    error: str | None = None
    assets: int = 0
    score: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    #: rule ID -> {"fail": n, "unknown": n, "waived": n} (only rules with any)
    by_rule: dict[str, dict[str, int]] = field(default_factory=dict)
    p1: int = 0
    p2: int = 0
    #: {"waiver": id, "expires": ISO date}: in-force waivers ending within the ruleset's
    #: waiver_warn_days (default 30)
    waivers_expiring: list[dict[str, str]] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    #: the client's HTML report, relative to the output folder (None: not written)
    report: str | None = None
    #: the change since the last run (`compare`): None for a client new to the book
    change: dict[str, Any] | None = None

    @property
    def fails(self) -> int:
        return self.counts.get("fail", 0)

    @property
    def unknowns(self) -> int:
        return self.counts.get("unknown", 0)

    @property
    def waived(self) -> int:
        return self.counts.get("waived", 0)


_ENDS = re.compile(r"^(?P<what>.+?) ends (?P<date>\d{4}-\d{2}-\d{2})")
_COUNTED = ("fail", "unknown", "waived")


def summarise(folder: ClientFolder, result: AuditResult, code: int) -> ClientSummary:
    """A client's line from its audit result (`code`: the audit's exit code)."""
    from tma_audit.model import Outcome, SubjectType
    from tma_audit.plan import analyse
    from tma_audit.reports.summary import warnings_of
    from tma_audit.waivers.expiry import WaiverPolicy

    analysis = analyse(result)
    counts = result.counts()
    by_rule = {
        rule_id: {name: n for name in _COUNTED if (n := per.get(Outcome(name), 0))}
        for rule_id, per in result.by_rule.items()
    }
    # "expiring" as `waivers lint` and the audit's notes say it: within waiver_warn_days
    policy = WaiverPolicy.from_parameters(result.ruleset.parameters)
    horizon = result.as_of + dt.timedelta(days=policy.warn_days)
    expiring: dict[str, str] = {}
    for finding in result.findings:
        if finding.outcome is not Outcome.WAIVED:
            continue
        evidence = dict(finding.evidence)
        expires = evidence.get("waiver_expires")
        if expires and dt.date.fromisoformat(expires) <= horizon:
            expiring[evidence.get("waiver", "")] = expires
    deadlines: dict[tuple[str, str, str], Deadline] = {}
    for finding in warnings_of(result):
        subject = finding.subject
        name = subject.id if subject.type is SubjectType.ASSET else subject.type.value
        for part in (finding.warning or "").split("; "):
            match = _ENDS.match(part)
            if match:
                key = (match["what"], match["date"], subject.id)
                deadlines.setdefault(key, Deadline(match["what"], match["date"], name))
    return ClientSummary(
        folder=folder.name,
        exit_code=code,
        source=folder.source,
        client=result.client.name,
        assets=sum(1 for r in result.results if r.subject.type is SubjectType.ASSET),
        score=analysis.client_score.value,
        counts={o.value: counts[o] for o in Outcome},
        by_rule={k: v for k, v in by_rule.items() if v},
        p1=analysis.by_priority.get(1, 0),
        p2=analysis.by_priority.get(2, 0),
        waivers_expiring=[
            {"waiver": w, "expires": d} for w, d in sorted(expiring.items(), key=lambda i: i[1])
        ],
        deadlines=sorted(deadlines.values(), key=lambda d: (d.date, d.what, d.subject)),
    )


def failed(folder: ClientFolder, message: str, code: int) -> ClientSummary:
    """The line of a client whose folder could not be audited."""
    return ClientSummary(folder=folder.name, exit_code=code, source=folder.source, error=message)


def worst(codes: Iterable[int]) -> int:
    """The worst exit code (`SEVERITY`); 0 for no clients."""
    rank = {int(c): i for i, c in enumerate(SEVERITY)}
    return max(codes, key=lambda c: rank.get(c, len(SEVERITY)), default=0)


@dataclass
class BookDeadline:
    """One lifecycle deadline across the book: how many items, at which clients."""

    what: str
    date: str
    items: int
    clients: list[str]


def book_deadlines(clients: Sequence[ClientSummary]) -> list[BookDeadline]:
    """The deadlines of every client, grouped by (date, what), soonest first."""
    grouped: dict[tuple[str, str], BookDeadline] = {}
    for client in clients:
        for d in client.deadlines:
            entry = grouped.setdefault((d.date, d.what), BookDeadline(d.what, d.date, 0, []))
            entry.items += 1
            if client.folder not in entry.clients:
                entry.clients.append(client.folder)
    return [grouped[key] for key in sorted(grouped)]


def compare(clients: Sequence[ClientSummary], previous: Mapping[str, Any] | None) -> list[str]:
    """Fill each client's `change` from the previous summary; the clients that left the
    book. A client that was an error line before, or is one now, gets no deltas."""
    before: dict[str, Any] = {}
    if previous is not None:
        for entry in previous.get("clients", []):
            if isinstance(entry, dict) and isinstance(entry.get("folder"), str):
                before[entry["folder"]] = entry
    for client in clients:
        old = before.get(client.folder)
        if old is None:
            client.change = None if previous is None else {"status": "new"}
            continue
        change: dict[str, Any] = {"status": "seen", "previous_date": previous_date(previous)}
        old_counts = old.get("counts") if isinstance(old.get("counts"), dict) else {}
        if client.error is None and old.get("error") is None:
            old_score = old.get("score")
            if isinstance(old_score, int | float) and client.score is not None:
                change["score"] = round(client.score - old_score, 1)
            for name in _COUNTED:
                value = old_counts.get(name)
                if isinstance(value, int):
                    change[name] = client.counts.get(name, 0) - value
        elif client.error is None:
            change["status"] = "fixed"
        elif old.get("error") is None:
            change["status"] = "broken"
        client.change = change
    current = {c.folder for c in clients}
    return sorted(name for name in before if name not in current)


def previous_date(previous: Mapping[str, Any] | None) -> str | None:
    value = None if previous is None else previous.get("audit_date")
    return value if isinstance(value, str) else None


@dataclass
class Portfolio:
    """The whole run: every client's line, the book's deadlines, the change."""

    root: str
    as_of: dt.date
    look_ahead_days: int
    clients: list[ClientSummary]
    removed: list[str] = field(default_factory=list)
    previous_date: str | None = None

    @property
    def exit_code(self) -> int:
        return worst(c.exit_code for c in self.clients)

    @property
    def deadlines(self) -> list[BookDeadline]:
        return book_deadlines(self.clients)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": SUMMARY_FORMAT,
            "format_version": SUMMARY_VERSION,
            "portfolio": self.root,
            "audit_date": self.as_of.isoformat(),
            "look_ahead_days": self.look_ahead_days,
            "exit_code": self.exit_code,
            "previous_date": self.previous_date,
            "removed_clients": self.removed,
            "clients": [asdict(c) for c in self.clients],
            "deadlines": [asdict(d) for d in self.deadlines],
        }
