"""`tma-audit waivers draft | list | lint`: liability waivers for signature, and the register."""

from __future__ import annotations

import datetime as dt
import gc
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tma_audit.waivers.waiver import Grouping

if TYPE_CHECKING:
    from tma_audit.model import AuditResult, Inventory, Ruleset
    from tma_audit.waivers.waiver import WaiverRegister

app = typer.Typer(
    help="Liability waivers: draft them for signature (PDF), list and check the register "
    "that audits honour (`audit --waivers FILE`).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

RulesetOption = Annotated[
    Path | None,
    typer.Option("--ruleset", "-r", help="A ruleset file. Default: the shipped ruleset."),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="The audit date (YYYY-MM-DD). Default: today.", metavar="DATE"),
]
DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Use this lifecycle snapshot (as `audit --data`)."),
]
CacheDirOption = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Where `tma-audit data update` put the data.", metavar="DIR"),
]
AllowStaleOption = Annotated[
    bool,
    typer.Option("--allow-stale", help="Use lifecycle data older than the ruleset allows."),
]
RegisterArgument = Annotated[
    Path, typer.Argument(help="A waiver register (YAML).", metavar="FILE", show_default=False)
]

#: what a file written into the output directory may be called
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


@app.command("draft", no_args_is_help=True)
def draft(
    source: Annotated[
        Path,
        typer.Argument(
            help="An inventory (.yaml, .yml, .csv), audited now, or a saved JSON report "
            "(`audit --format json`).",
            metavar="INVENTORY|REPORT",
            show_default=False,
        ),
    ],
    output_dir: Annotated[
        Path,
        typer.Option(
            "--output-dir",
            "-o",
            help="Directory for the PDFs and the register entries (created if missing).",
            metavar="DIR",
            show_default=False,
        ),
    ],
    per: Annotated[
        Grouping,
        typer.Option(
            "--per", help="One PDF per client, site, rule or finding.", case_sensitive=False
        ),
    ] = Grouping.CLIENT,
    include_unknown: Annotated[
        bool,
        typer.Option(
            "--include-unknown",
            help="Also draft waivers for unknowns (evidence missing), not only failures.",
        ),
    ] = False,
    rules: Annotated[
        str | None,
        typer.Option("--rules", help="Only these rule IDs, comma-separated.", metavar="IDS"),
    ] = None,
    expires: Annotated[
        str | None,
        typer.Option(
            "--expires",
            help="Expiry / review date (YYYY-MM-DD). Default: the audit date plus the "
            "ruleset's waiver_review_days (180).",
            metavar="DATE",
        ),
    ] = None,
    control: Annotated[
        list[str] | None,
        typer.Option(
            "--control",
            help="A compensating control to print (repeatable). Default: blank lines.",
            metavar="TEXT",
        ),
    ] = None,
    revision: Annotated[
        int, typer.Option("--revision", help="The drafts' version number.", min=1)
    ] = 1,
    settings: Annotated[
        Path | None,
        typer.Option(
            "--settings",
            help="Provider details, page size and wording (YAML; see docs/waivers.md).",
            metavar="FILE",
        ),
    ] = None,
    waivers: Annotated[
        Path | None,
        typer.Option(
            "--waivers",
            help="Skip findings this register already waives (expired ones are drafted again).",
            metavar="FILE",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Overwrite drafts and registers of the same name in DIR (by default they "
            "are kept and the new files get a numbered name).",
        ),
    ] = False,
    ruleset: RulesetOption = None,
    as_of: AsOfOption = None,
    data: DataOption = None,
    cache_dir: CacheDirOption = None,
    allow_stale: AllowStaleOption = False,
) -> None:
    """Write liability-waiver drafts (PDF) and the register entries to complete once signed."""
    from tma_audit import __version__
    from tma_audit.cli.common import say
    from tma_audit.errors import InputError
    from tma_audit.reports.json_input import is_json_report, load_report
    from tma_audit.waivers.drafts import (
        DraftOptions,
        asset_details,
        client_code,
        default_expiry,
        details_from_result,
        plan_drafts,
        register_text,
    )
    from tma_audit.waivers.expiry import WaiverPolicy
    from tma_audit.waivers.pdf import render_pdf
    from tma_audit.waivers.register import apply_waivers
    from tma_audit.waivers.register_file import load_register
    from tma_audit.waivers.settings import load_settings

    draft_settings = load_settings(settings)
    register = load_register(waivers) if waivers is not None else None
    details = {}
    if is_json_report(source):
        given = [
            name
            for name, value in (("--ruleset", ruleset), ("--as-of", as_of), ("--data", data))
            if value is not None
        ]
        if given:
            raise InputError(
                f"{', '.join(given)}: a saved report already fixes the ruleset, audit date "
                "and data; audit the inventory again to change them",
                field=given[0],
            )
        result = load_report(source)
        if register is not None:
            result = apply_waivers(result, register, result.as_of)
        details = details_from_result(result)
    else:
        from tma_audit.inventory import load_inventory

        inventory = load_inventory(source)
        result = _audit(inventory, ruleset, as_of, data, cache_dir, allow_stale, register)
        details = asset_details(inventory)
    selected = _rule_filter(rules, result.ruleset)
    policy = WaiverPolicy.from_parameters(result.ruleset.parameters)
    expiry = default_expiry(result)
    if expires is not None:
        from tma_audit.cli.common import parse_as_of

        try:
            expiry = parse_as_of(expires)
        except InputError as exc:
            raise InputError(exc.message, field="--expires") from None
        longest = result.as_of + dt.timedelta(days=policy.max_days)
        if not result.as_of < expiry <= longest:
            raise InputError(
                f"{expiry.isoformat()} must be after the audit date {result.as_of.isoformat()} "
                f"and at most {policy.max_days} days later ({longest.isoformat()}; ruleset "
                "parameter waiver_max_days)",
                field="--expires",
            )
    options = DraftOptions(
        grouping=per,
        include_unknown=include_unknown,
        rules=selected,
        expires=expiry,
        controls=tuple(" ".join(c.split()) for c in control or () if c.strip()),
        version=revision,
    )
    documents = plan_drafts(result, details, options)
    client = result.client.name
    if not documents:
        what = "fail or unknown" if include_unknown else "fail"
        hint = "" if include_unknown else " (--include-unknown drafts unknowns too)"
        say(
            f"Nothing to waive for {client} on {result.as_of.isoformat()}: no un-waived "
            f"{what} finding{' of ' + rules if rules else ''}{hint}.\n"
        )
        raise typer.Exit(0)
    directory = _output_directory(output_dir)
    # the CLI turns the cyclic garbage collector off for audits (tma_audit/cli/__init__.py);
    # reportlab's documents are full of cycles: without it, 1,000 drafts keep ~350 MB
    gc.enable()
    written: list[str] = []
    for document in documents:
        rendered = render_pdf(document, draft_settings, __version__)
        path = _write_into(directory, document.file_name, rendered.data, force=force)
        for char in sorted(rendered.missing_glyphs):
            _warn(
                f"{document.document_id}: no shipped font can draw {char!r} "
                f"(U+{ord(char):04X}); it prints as a box. Use another spelling."
            )
        written.append(f"  {path}  ({len(document.items)} finding(s), {rendered.pages} page(s))")
    entries = sum(len(d.entries) for d in documents)
    register_name = f"waivers-draft-{client_code(client)}-{result.as_of.isoformat()}.yaml"
    register_path = _write_into(
        directory,
        register_name,
        register_text(documents, result, __version__).encode("utf-8"),
        force=force,
    )
    findings = sum(len(d.items) for d in documents)
    say(
        f"Drafted {len(documents)} waiver(s) for {client} from the audit of "
        f"{result.as_of.isoformat()}: {findings} finding(s).\n"
    )
    say("\n".join(written) + "\n")
    say(
        f"  {register_path}  ({entries} register entr{'y' if entries == 1 else 'ies'} to "
        "complete once signed)\n"
    )
    say(
        "Next: send the PDFs for signature; then complete the register entries "
        "(approved_by, approval_date, justification, compensating_controls, reference), "
        "add them to the client's waiver register, check it with `tma-audit waivers lint "
        "FILE --inventory INVENTORY`, and audit with `--waivers FILE`.\n"
    )


@app.command("list", no_args_is_help=True)
def list_waivers(
    file: RegisterArgument,
    as_of: AsOfOption = None,
    ruleset: RulesetOption = None,
) -> None:
    """List a register's waivers: status on the date, expiry, approver, rules, scope."""
    from tma_audit.cli.common import parse_as_of, say, terminal_width
    from tma_audit.rules import load_ruleset
    from tma_audit.waivers.expiry import Status, WaiverPolicy, assess
    from tma_audit.waivers.register_file import load_register

    register = load_register(file)
    rules = load_ruleset(ruleset)
    day = parse_as_of(as_of)
    policy = WaiverPolicy.from_parameters(rules.parameters)
    rows = [("ID", "status", "expires", "approved by", "rules")]
    scopes = [""]
    tally: dict[Status, int] = {}
    for waiver in register.waivers:
        assessment = assess(waiver, day, policy)
        tally[assessment.status] = tally.get(assessment.status, 0) + 1
        status = assessment.status.value
        if assessment.status.covers and assessment.days_left is not None:
            status += f" ({assessment.days_left} d left)"
        expiry = assessment.effective_expiry
        rows.append(
            (
                waiver.id,
                status,
                expiry.isoformat() if expiry else "-",
                _fit(waiver.approved_by or "-", 30),
                ", ".join(waiver.rules),
            )
        )
        scopes.append(waiver.scope.describe())
    out = [f"{register.file}: {len(register.waivers)} waiver(s) on {day.isoformat()}"]
    if register.client:
        out[0] += f", client {register.client}"
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    indent = " " * (widths[0] + 2)
    wrap = max(40, terminal_width() - len(indent))
    for row, scope in zip(rows, scopes, strict=True):
        cells = [row[i].ljust(widths[i]) for i in range(4)]
        out.append("  ".join([*cells, row[4]]).rstrip())
        if scope:
            out.extend(indent + line for line in textwrap.wrap(f"scope: {scope}", wrap))
    summary = ", ".join(f"{tally[status]} {status.value}" for status in Status if status in tally)
    out.append(summary or "no waivers")
    say("\n".join(out) + "\n")


@app.command("lint", no_args_is_help=True)
def lint(
    file: RegisterArgument,
    inventory: Annotated[
        Path | None,
        typer.Option(
            "--inventory",
            "-i",
            help="Also check the scopes against this inventory (audited without waivers).",
            metavar="FILE",
        ),
    ] = None,
    as_of: AsOfOption = None,
    ruleset: RulesetOption = None,
    data: DataOption = None,
    cache_dir: CacheDirOption = None,
    allow_stale: AllowStaleOption = False,
) -> None:
    """Check a register: exit 0 clean, 1 with errors (each with its line), 2 malformed."""
    from tma_audit.cli.common import parse_as_of, say
    from tma_audit.rules import load_ruleset
    from tma_audit.waivers.lint import Severity, lint_register
    from tma_audit.waivers.register_file import load_register

    register = load_register(file)
    rules = load_ruleset(ruleset)
    day = parse_as_of(as_of)
    audit = None
    if inventory is not None:
        from tma_audit.inventory import load_inventory

        audit = _audit(
            load_inventory(inventory), ruleset, as_of, data, cache_dir, allow_stale, None, rules
        )
    issues = lint_register(register, rules, day, audit)
    for issue in issues:
        say(issue.format(register.file) + "\n")
    errors = sum(1 for i in issues if i.severity == Severity.ERROR)
    warnings = len(issues) - errors
    if issues:
        say(
            f"{register.file}: {errors} error(s), {warnings} warning(s) in "
            f"{len(register.waivers)} waiver(s)\n"
        )
    else:
        say(f"{register.file}: {len(register.waivers)} waiver(s), no problems\n")
    raise typer.Exit(1 if errors else 0)


# --- helpers ---------------------------------------------------------------------------


def _audit(
    inventory: Inventory,
    ruleset_path: Path | None,
    as_of: str | None,
    data: Path | None,
    cache_dir: Path | None,
    allow_stale: bool,
    register: WaiverRegister | None,
    rules: Ruleset | None = None,
) -> AuditResult:
    """Audit an inventory as `tma-audit audit` does (same data selection)."""
    from tma_audit.audit import run_audit
    from tma_audit.cli.common import parse_as_of
    from tma_audit.cli.data_cmd import load_for_audit
    from tma_audit.rules import load_ruleset

    day = parse_as_of(as_of)
    ruleset = rules or load_ruleset(ruleset_path)
    lifecycle, data_notes = load_for_audit(data, cache_dir, ruleset, day, allow_stale=allow_stale)
    return run_audit(inventory, ruleset, lifecycle, day, waivers=register, notes=data_notes)


def _rule_filter(text: str | None, ruleset: Ruleset) -> frozenset[str] | None:
    from tma_audit.errors import InputError

    if text is None:
        return None
    known = {rule.id.upper() for rule in ruleset.rules}
    wanted = {item.strip().upper() for item in text.split(",") if item.strip()}
    unknown = sorted(wanted - known)
    if unknown or not wanted:
        raise InputError(
            f"unknown rule {', '.join(unknown) or '(none given)'}; ruleset {ruleset.id} has: "
            f"{', '.join(rule.id for rule in ruleset.rules)}",
            field="--rules",
        )
    return frozenset(wanted)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def _warn(message: str) -> None:
    from tma_audit.cli.common import say_err

    say_err(f"tma-audit: warning: {message}\n")


def _output_directory(path: Path) -> Path:
    from tma_audit.errors import InputError
    from tma_audit.fileio import is_stdout_name

    if is_stdout_name(path):
        raise InputError(
            "drafts go into a directory, not to standard output ('-')", field="--output-dir"
        )
    if path.exists() and not path.is_dir():
        raise InputError("exists and is not a directory", file=str(path), field="--output-dir")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the directory: {exc.strerror}", file=str(path), field="--output-dir"
        ) from None
    return path


def _write_into(directory: Path, name: str, content: bytes, *, force: bool) -> Path:
    """Write `name` inside `directory`; a name that could leave it is refused.

    Names are built from document IDs and slugs of [A-Za-z0-9-] only; this is the last
    line of defence: no separator, no '..', no absolute path, no symbolic link (a link at
    the name is never followed). An existing file is kept: the new one gets the first
    free name `NAME-2.pdf`, `NAME-3.pdf` … (deterministic), unless `force` replaces it.
    """
    from tma_audit.errors import InputError
    from tma_audit.fileio import TargetExistsError, check_target, write_file

    if not _SAFE_NAME.match(name) or ".." in name:
        raise InputError(f"refusing to write an unsafe file name {name!r}", file=str(directory))
    stem, _, suffix = name.rpartition(".")
    for number in range(1, 10_000):
        candidate = name if number == 1 else f"{stem}-{number}.{suffix}"
        target = directory / candidate
        if target.is_symlink():
            if force:
                raise InputError(
                    f"refusing to write {candidate!r}: it is a symbolic link",
                    file=str(directory),
                    field="--output-dir",
                )
            continue
        if not force and target.exists():
            continue
        checked = check_target(target, field="--output-dir")
        if checked.stream:
            raise InputError(
                f"refusing to write {candidate!r}: it is not a regular file",
                file=str(directory),
                field="--output-dir",
            )
        try:
            write_file(checked, content, field="--output-dir", exclusive=not force)
        except TargetExistsError:
            continue  # made by someone else meanwhile: the next name
        return target
    raise InputError(f"too many files named {stem}-N.{suffix}", file=str(directory))
