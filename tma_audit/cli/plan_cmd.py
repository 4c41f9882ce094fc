"""`tma-audit plan INVENTORY`: the remediation plan, as PSA-importable CSV or a table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tma_audit.cli.data_cmd import AllowStaleOption, CacheDirOption, DataOption
from tma_audit.cli.inventory_cmd import DateOrderOption, MapOption, SourceOption, notify
from tma_audit.reports import PlanFormat


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
    ruleset: Annotated[
        Path | None,
        typer.Option("--ruleset", "-r", help="A ruleset file. Default: the shipped ruleset."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Audit (and count due dates from) this date, YYYY-MM-DD. Default: today.",
            metavar="DATE",
        ),
    ] = None,
    data: DataOption = None,
    cache_dir: CacheDirOption = None,
    allow_stale: AllowStaleOption = False,
    waivers: Annotated[
        Path | None,
        typer.Option(
            "--waivers",
            help="A waiver register: waived findings need no work and are left out.",
            metavar="FILE",
        ),
    ] = None,
    source: SourceOption = None,
    mapping: MapOption = None,
    date_order: DateOrderOption = None,
) -> None:
    """Export the remediation plan: findings grouped into work items with Schedule D
    priority, due dates from the audit date, who pays and effort; totals per client."""
    import sys

    from tma_audit import __version__
    from tma_audit.audit import run_audit
    from tma_audit.cli.common import parse_as_of, terminal_width, use_color
    from tma_audit.cli.data_cmd import load_for_audit
    from tma_audit.fileio import is_stdout_name, write_file, write_stdout
    from tma_audit.inventory import load_inventory
    from tma_audit.reports import RenderOptions, get_plan_renderer
    from tma_audit.rules import load_ruleset

    audit_date = parse_as_of(as_of)
    rules = load_ruleset(ruleset)
    loaded = load_inventory(
        inventory, source=source, mapping=mapping or (), date_order=date_order, notify=notify
    )
    lifecycle, data_notes = load_for_audit(
        data, cache_dir, rules, audit_date, allow_stale=allow_stale
    )
    register = None
    if waivers is not None:
        from tma_audit.waivers.register_file import load_register

        register = load_register(waivers)
    result = run_audit(loaded, rules, lifecycle, audit_date, waivers=register, notes=data_notes)
    if output is not None and is_stdout_name(output):
        output = None
    to_terminal = output is None and sys.stdout.isatty()
    options = RenderOptions(
        width=terminal_width() if output is None else 100,
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
