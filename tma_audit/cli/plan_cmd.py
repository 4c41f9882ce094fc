"""`tma-audit plan INVENTORY`: the remediation plan, as PSA-importable CSV or a table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tma_audit.cli.options import (
    AllowStaleOption,
    AsOfOption,
    CacheDirOption,
    DataOption,
    DateOrderOption,
    MapOption,
    QuietOption,
    RulesetOption,
    SourceOption,
    VerboseOption,
    WaiversOption,
)
from tma_audit.reports import PlanFormat

if TYPE_CHECKING:
    from tma_audit.model import AuditResult


def plan(
    inventory: Annotated[
        Path,
        typer.Argument(help="Inventory file (as for `tma-audit audit`).", show_default=False),
    ],
    fmt: Annotated[
        PlanFormat,
        typer.Option(
            "--format",
            "-f",
            help="csv: one row per work item for a PSA ticket import (summary, description, "
            "priority, due date, company, site, configuration item); table: for people.",
            case_sensitive=False,
        ),
    ] = PlanFormat.CSV,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output ('-')."),
    ] = None,
    ruleset: RulesetOption = None,
    as_of: AsOfOption = None,
    data: DataOption = None,
    cache_dir: CacheDirOption = None,
    allow_stale: AllowStaleOption = False,
    waivers: WaiversOption = None,
    source: SourceOption = None,
    mapping: MapOption = None,
    date_order: DateOrderOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Export the remediation plan: findings grouped into work items with Schedule D
    priority, due dates from the audit date, who pays and effort; totals per client."""
    from tma_audit.cli.common import Voice, data_choice, parse_as_of, say, tell_inputs
    from tma_audit.fileio import is_stdout_name
    from tma_audit.inventory import load_inventory
    from tma_audit.pipeline import run_configured_audit
    from tma_audit.plan import analyse
    from tma_audit.reports.summary import plan_line, verdict_line
    from tma_audit.rules import load_ruleset

    audit_date = parse_as_of(as_of)
    rules = load_ruleset(ruleset)
    voice = Voice(quiet=quiet, verbose=verbose)
    loaded = load_inventory(
        inventory, source=source, mapping=mapping or (), date_order=date_order, notify=voice.notify
    )
    data_in_use = data_choice(data, cache_dir, allow_stale)
    result = run_configured_audit(
        loaded, rules, audit_date, data_in_use, waivers=waivers, warn=voice.warn
    )
    tell_inputs(voice, loaded, result)
    if quiet and (output is None or is_stdout_name(output)):
        # the verdict and the plan's totals instead of the plan
        say(f"{verdict_line(result)}\n{plan_line(analyse(result))}\n")
        return
    _write_plan(result, fmt, output)


def _write_plan(result: AuditResult, fmt: PlanFormat, output: Path | None) -> None:
    """Render the plan; write it to the file, or to standard output ('-' or none)."""
    import sys

    from tma_audit import __version__
    from tma_audit.cli.common import terminal_width, use_color
    from tma_audit.fileio import is_stdout_name, write_file, write_stdout
    from tma_audit.reports import REPORT_WIDTH, RenderOptions, get_plan_renderer

    if output is not None and is_stdout_name(output):
        output = None
    to_terminal = output is None and sys.stdout.isatty()
    options = RenderOptions(
        width=terminal_width() if output is None else REPORT_WIDTH,
        color=fmt == PlanFormat.TABLE and use_color(to_terminal),
        tool_version=__version__,
    )
    content = get_plan_renderer(fmt)(result, options)
    if output is not None:
        write_file(output, content)
    else:
        if to_terminal and fmt != PlanFormat.TABLE:
            from tma_audit.safetext import for_terminal

            content = for_terminal(content)  # a CSV read on a terminal
        write_stdout(content)
