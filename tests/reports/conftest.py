"""Audits of the example inventories (paths relative to the repository, as CI runs them)
and helpers that turn some findings into waived ones."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import cli  # noqa: F401  (the CLI runner fixture, shared)
from tests.conftest import AUDIT_DATE, REPO
from tma_audit import __version__
from tma_audit.audit import run_audit
from tma_audit.inventory import load_inventory
from tma_audit.lifecycle import Lifecycle
from tma_audit.lifecycle.staleness import StalenessPolicy, check_for_audit
from tma_audit.model import AuditResult, Outcome, Ruleset, SubjectResult, Verdict
from tma_audit.reports import RenderOptions

GOLDEN = REPO / "tests" / "golden"
SCHEMAS = Path(__file__).parent / "schemas"
INVENTORIES = {
    "small-office": Path("inventories/small-office/inventory.yaml"),
    "midsize": Path("inventories/midsize/inventory.yaml"),
}
OPTIONS = RenderOptions(tool_version=__version__)


def audit_relative(path: Path, ruleset: Ruleset, lifecycle: Lifecycle) -> AuditResult:
    """Audit an inventory named relative to the repository, from the repository, with
    the notes about the data that the CLI adds (so goldens match the CLI's output)."""
    policy = StalenessPolicy.from_ruleset(ruleset)
    notes = check_for_audit(
        lifecycle.date, lifecycle.updates_date, AUDIT_DATE, policy, allow_stale=False
    )
    with contextlib.chdir(REPO):
        return run_audit(load_inventory(path), ruleset, lifecycle, AUDIT_DATE, notes=tuple(notes))


@pytest.fixture(scope="session")
def audits(ruleset: Ruleset, lifecycle: Lifecycle) -> dict[str, AuditResult]:
    return {name: audit_relative(path, ruleset, lifecycle) for name, path in INVENTORIES.items()}


@pytest.fixture(scope="session")
def small(audits: dict[str, AuditResult]) -> AuditResult:
    return audits["small-office"]


@pytest.fixture(scope="session")
def midsize(audits: dict[str, AuditResult]) -> AuditResult:
    return audits["midsize"]


WAIVER_EVIDENCE = (
    ("waiver", "W-2026-007"),
    ("approved_by", "Dr Amira Shah <amira@example.org>"),
    ("expires", "2027-05-31"),
    ("justification", "X-ray sensor driver not certified for Windows 11"),
)


def waive(result: AuditResult, keep: Callable[[str, str], bool]) -> AuditResult:
    """The result with the findings `keep(rule_id, subject_id)` selects waived, as the
    waiver register marks them: outcome waived, the reason kept, the waiver's details
    added to the evidence. Counts per rule follow."""
    rewritten: dict[int, Verdict] = {}
    results = []
    counts = {rule_id: dict(c) for rule_id, c in result.by_rule.items()}
    for subject, rule_ids, verdicts in result.results:
        new = []
        for rule_id, verdict in zip(rule_ids, verdicts, strict=True):
            if verdict.outcome.is_finding and keep(rule_id, subject.id):
                waived = rewritten.get(id(verdict))
                if waived is None:
                    waived = rewritten[id(verdict)] = Verdict(
                        Outcome.WAIVED,
                        f"waived by W-2026-007 until 2027-05-31: {verdict.reason}",
                        verdict.evidence + WAIVER_EVIDENCE,
                    )
                counts[rule_id][verdict.outcome] -= 1
                counts[rule_id][Outcome.WAIVED] += 1
                new.append(waived)
            else:
                new.append(verdict)
        results.append(SubjectResult(subject, rule_ids, tuple(new)))
    return dataclasses.replace(result, results=tuple(results), by_rule=counts)


@pytest.fixture(scope="session")
def small_waived(small: AuditResult) -> AuditResult:
    """The small office with HDP-XRAY01's findings waived."""
    return waive(small, lambda rule_id, subject_id: subject_id == "HDP-XRAY01")


@contextlib.contextmanager
def in_repo() -> Iterator[None]:
    with contextlib.chdir(REPO):
        yield


def check_golden(request: pytest.FixtureRequest, name: str, content: str) -> None:
    """Compare with tests/golden/NAME (byte for byte); --update-golden rewrites it."""
    golden = GOLDEN / name
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(content.encode("utf-8"))
    assert golden.exists(), f"run pytest --update-golden to create {golden.name}"
    assert content.encode("utf-8") == golden.read_bytes(), (
        f"{name} differs from the golden file; if intended, run pytest --update-golden"
    )
