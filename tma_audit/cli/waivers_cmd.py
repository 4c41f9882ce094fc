"""`tma-audit waivers draft | list | lint`: liability waivers for signature, and the register.

What to draft and what it says is `tma_audit.waivers.drafts`; the listing is
`tma_audit.waivers.listing`; this module reads the options, writes the files and prints.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tma_audit.cli.options import (
    AllowStaleOption,
    AsOfOption,
    CacheDirOption,
    DataOption,
    RulesetOption,
    WaiversOption,
)
from tma_audit.waivers.waiver import Grouping

if TYPE_CHECKING:
    from tma_audit.cli.progress import Steps
    from tma_audit.model import AuditResult
    from tma_audit.waivers.drafts import AssetInfo, DraftDocument
    from tma_audit.waivers.settings import DraftSettings
    from tma_audit.waivers.waiver import WaiverRegister

app = typer.Typer(
    help="Liability waivers: draft them for signature (PDF), list and check the register "
    "that audits honour (`audit --waivers FILE`).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

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
    form_fields: Annotated[
        bool,
        typer.Option(
            "--form-fields",
            help="Add fillable PDF form fields (AcroForm) for the signatories' names, "
            "titles, signatures and dates, and the compensating controls.",
        ),
    ] = False,
    waivers: WaiversOption = None,
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
    from tma_audit.cli.common import parse_date, say
    from tma_audit.cli.progress import Steps
    from tma_audit.waivers.drafts import (
        DraftOptions,
        check_expiry,
        clean_controls,
        default_expiry,
        drafted_summary,
        nothing_to_waive,
        plan_drafts,
        rule_filter,
    )
    from tma_audit.waivers.register_file import load_register
    from tma_audit.waivers.settings import load_settings

    draft_settings = load_settings(settings)
    if settings is None:
        from tma_audit.cli.common import warn

        warn(
            'no --settings: the drafts name the provider "[Provider legal name]"; fill '
            "it in, or give a settings file (docs/waivers.md)"
        )
    register = load_register(waivers) if waivers is not None else None
    with Steps() as steps:
        result, details = _audited(
            source, register, ruleset, as_of, data, cache_dir, allow_stale, steps
        )
        selected = rule_filter(rules, result.ruleset)
        expiry = default_expiry(result)
        if expires is not None:
            expiry = check_expiry(parse_date(expires, "--expires"), result)
        options = DraftOptions(
            grouping=per,
            include_unknown=include_unknown,
            rules=selected,
            expires=expiry,
            controls=clean_controls(control or ()),
            version=revision,
        )
        steps.step("Planning the drafts")
        documents = plan_drafts(result, details, options)
        if documents:
            directory = _output_directory(output_dir)
            written = _write_drafts(
                directory, documents, draft_settings, steps, force=force, form_fields=form_fields
            )
            steps.step("Writing the register entries")
            register_file = _write_register(directory, documents, result, force=force)
    if not documents:
        say(nothing_to_waive(result, include_unknown, rules))
        raise typer.Exit(0)
    say(drafted_summary(documents, result, written, register_file))


@app.command("list", no_args_is_help=True)
def list_waivers(
    file: RegisterArgument,
    as_of: AsOfOption = None,
    ruleset: RulesetOption = None,
) -> None:
    """List a register's waivers: status on the date, expiry, approver, rules, scope."""
    from tma_audit.cli.common import parse_as_of, say, terminal_width
    from tma_audit.rules import load_ruleset
    from tma_audit.waivers.expiry import WaiverPolicy
    from tma_audit.waivers.listing import list_register
    from tma_audit.waivers.register_file import load_register

    register = load_register(file)
    rules = load_ruleset(ruleset)
    day = parse_as_of(as_of)
    policy = WaiverPolicy.from_parameters(rules.parameters)
    say(list_register(register, day, policy, terminal_width()))


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
        from tma_audit.cli.common import data_choice, warn
        from tma_audit.inventory import load_inventory
        from tma_audit.pipeline import run_configured_audit

        audit = run_configured_audit(
            load_inventory(inventory),
            rules,
            day,
            data_choice(data, cache_dir, allow_stale),
            warn=warn,
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


def _audited(
    source: Path,
    register: WaiverRegister | None,
    ruleset: Path | None,
    as_of: str | None,
    data: Path | None,
    cache_dir: Path | None,
    allow_stale: bool,
    steps: Steps,
) -> tuple[AuditResult, dict[str, AssetInfo]]:
    """The audit to draft from, with the register applied, and the assets' details: a
    saved JSON report's (which fixes ruleset, date and data), or the inventory's, audited
    now as `tma-audit audit` would."""
    from tma_audit.errors import InputError
    from tma_audit.reports.json_input import is_json_report, load_report
    from tma_audit.waivers.drafts import asset_details, details_from_result

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
        steps.step("Reading the saved report")
        result = load_report(source)
        if register is not None:
            from tma_audit.waivers.register import apply_waivers

            result = apply_waivers(result, register, result.as_of)
        return result, details_from_result(result)
    from tma_audit.cli.common import data_choice, parse_as_of, warn
    from tma_audit.inventory import load_inventory
    from tma_audit.pipeline import run_configured_audit
    from tma_audit.rules import load_ruleset

    steps.step("Reading the inventory")
    inventory = load_inventory(source)
    day = parse_as_of(as_of)
    rules = load_ruleset(ruleset)
    choice = data_choice(data, cache_dir, allow_stale)
    steps.step(f"Auditing {len(inventory.assets):,} assets")
    result = run_configured_audit(inventory, rules, day, choice, waivers=register, warn=warn)
    return result, asset_details(inventory)


def _write_drafts(
    directory: Path,
    documents: tuple[DraftDocument, ...],
    settings: DraftSettings,
    steps: Steps,
    *,
    force: bool,
    form_fields: bool,
) -> list[tuple[str, DraftDocument, int]]:
    """Render and write each draft: (file written, document, pages) per draft.

    With the cyclic garbage collector on: reportlab's documents are full of cycles, and
    without it 1,000 drafts keep ~350 MB (the CLI runs with it off: `batch_mode`).
    """
    from tma_audit import __version__
    from tma_audit.batch import batch_mode
    from tma_audit.cli.common import warn
    from tma_audit.waivers.drafts import items_csv
    from tma_audit.waivers.pdf import abbreviated, render_pdf

    written: list[tuple[str, DraftDocument, int]] = []
    steps.step("Rendering the drafts", total=len(documents))
    with batch_mode(collect_cycles=True):
        for document in documents:
            rendered = render_pdf(document, settings, __version__, form_fields=form_fields)
            path = _write_into(directory, document.file_name, rendered.data, force=force)
            if abbreviated(document):  # the full list beside the PDF
                listing = items_csv(document).encode("utf-8")
                _write_into(directory, document.csv_name, listing, force=force)
            for char in sorted(rendered.missing_glyphs):
                warn(
                    f"{document.document_id}: no shipped font can draw {char!r} "
                    f"(U+{ord(char):04X}); it prints as a box. Use another spelling."
                )
            written.append((str(path), document, rendered.pages))
            steps.advance()
    return written


def _write_register(
    directory: Path, documents: tuple[DraftDocument, ...], result: AuditResult, *, force: bool
) -> str:
    """Write the register entries to complete once signed; the file written."""
    from tma_audit import __version__
    from tma_audit.waivers.drafts import register_file_name, register_text

    text = register_text(documents, result, __version__)
    return str(
        _write_into(directory, register_file_name(result), text.encode("utf-8"), force=force)
    )


def _output_directory(path: Path) -> Path:
    from tma_audit.cli.outputs import make_output_dir
    from tma_audit.errors import InputError
    from tma_audit.fileio import is_stdout_name

    if is_stdout_name(path):
        raise InputError(
            "drafts go into a directory, not to standard output ('-')", field="--output-dir"
        )
    if path.exists() and not path.is_dir():
        raise InputError("exists and is not a directory", file=str(path), field="--output-dir")
    make_output_dir(path)
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
