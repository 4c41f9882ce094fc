"""`tma-audit audit INVENTORY`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tma_audit.reports import Format, GroupBy


def audit(
    inventory: Annotated[
        Path,
        typer.Argument(
            help="Inventory file: native YAML (.yaml/.yml) or asset CSV (.csv).", show_default=False
        ),
    ],
    ruleset: Annotated[
        Path | None,
        typer.Option(
            "--ruleset",
            "-r",
            help="A ruleset file (a full ruleset, or one that `extends: "
            "default`). Default: the shipped ruleset.",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Audit as of this date (YYYY-MM-DD). Default: today.", metavar="DATE"
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Report format.", case_sensitive=False)
    ] = Format.TABLE,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the report to this file instead of standard output."
        ),
    ] = None,
    group_by: Annotated[
        GroupBy,
        typer.Option(
            "--group-by",
            help="Group findings by asset or by rule (table format).",
            case_sensitive=False,
        ),
    ] = GroupBy.ASSET,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            help="Which findings fail the run (exit 1): 'any', an impact "
            "threshold 'low'/'medium'/'high', and/or rule IDs, comma-separated.",
        ),
    ] = "any",
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Use this lifecycle snapshot instead of the shipped one."),
    ] = None,
) -> None:
    """Audit an inventory against the ruleset; print a report; exit 0 (compliant) or 1."""
    from tma_audit import __version__
    from tma_audit.audit import run_audit
    from tma_audit.cli.common import parse_as_of, terminal_width, use_color, write_output
    from tma_audit.gate import exit_code, parse_fail_on
    from tma_audit.inventory import load_inventory
    from tma_audit.lifecycle import load_shipped, load_snapshot
    from tma_audit.reports import RenderOptions, get_renderer
    from tma_audit.rules import load_ruleset

    audit_date = parse_as_of(as_of)
    rules = load_ruleset(ruleset)
    gate = parse_fail_on(fail_on, rules)
    lifecycle = load_snapshot(data) if data is not None else load_shipped()
    loaded = load_inventory(inventory)
    result = run_audit(loaded, rules, lifecycle, audit_date)
    to_terminal = output is None and sys.stdout.isatty()
    options = RenderOptions(
        width=terminal_width() if output is None else 100,
        color=fmt == Format.TABLE and output is None and use_color(to_terminal),
        group_by=group_by,
        tool_version=__version__,
    )
    content = get_renderer(fmt)(result, options)
    if output is not None:
        write_output(output, content)
    else:
        sys.stdout.write(content)
        sys.stdout.flush()
    raise typer.Exit(int(exit_code(result, gate)))
