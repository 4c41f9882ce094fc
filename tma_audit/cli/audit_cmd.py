"""`tma-audit audit INVENTORY`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tma_audit.cli.options import (
    AllowStaleOption,
    AsOfOption,
    BaselineOption,
    CacheDirOption,
    CompanionOption,
    DataOption,
    DateOrderOption,
    MapOption,
    OutputsOption,
    QuietOption,
    RulesetOption,
    SourceOption,
    VerboseOption,
    WaiversOption,
)
from tma_audit.cli.outputs import FORMAT_HELP, OUTPUT_DIR_HELP
from tma_audit.reports import Format, GroupBy


def audit(
    inventory: Annotated[
        list[Path],
        typer.Argument(
            help="Inventory file: native YAML (.yaml/.yml) or asset CSV (.csv); or exports "
            "(.csv) from AD, Intune, Defender, Entra ID, CrowdStrike, Lansweeper, IT Glue or "
            "FortiManager, one or several of one client (merged by host, as `inventory "
            "convert` merges them).",
            show_default=False,
        ),
    ],
    companion: CompanionOption = None,
    ruleset: RulesetOption = None,
    as_of: AsOfOption = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=FORMAT_HELP, metavar="FORMAT[,FORMAT…]")
    ] = Format.TABLE.value,
    output: OutputsOption = None,
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", help=OUTPUT_DIR_HELP, metavar="DIR")
    ] = None,
    exit_zero: Annotated[
        bool,
        typer.Option("--exit-zero", help="Exit 0 even with findings (reports are still written)."),
    ] = False,
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
            "threshold 'low'/'medium'/'high', a priority threshold 'p1'..'p4' (p2: "
            "priorities 1 and 2), and/or rule IDs, comma-separated.",
        ),
    ] = "any",
    data: DataOption = None,
    cache_dir: CacheDirOption = None,
    allow_stale: AllowStaleOption = False,
    source: SourceOption = None,
    mapping: MapOption = None,
    date_order: DateOrderOption = None,
    waivers: WaiversOption = None,
    baseline: BaselineOption = None,
    no_waivers: Annotated[
        bool,
        typer.Option("--no-waivers", help="Ignore every waiver (overrides --waivers)."),
    ] = False,
    sarif_root: Annotated[
        Path | None,
        typer.Option(
            "--sarif-root",
            help="SARIF: file URIs are relative to DIR (a file outside it keeps an absolute "
            "URI). Default: the repository root above the inventory (a folder with .git), "
            "else the working directory.",
            metavar="DIR",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Audit an inventory against the ruleset; print a report; exit 0 (compliant) or 1."""
    from tma_audit.cli.common import data_choice, parse_as_of, say, tell_inputs
    from tma_audit.cli.outputs import (
        Progress,
        find_sarif_root,
        parse_formats,
        report_targets,
        report_voice,
        write_reports,
    )
    from tma_audit.gate import exit_code, parse_fail_on
    from tma_audit.inventory import load_inventories
    from tma_audit.pipeline import run_configured_audit
    from tma_audit.reports.summary import baseline_line, verdict_line
    from tma_audit.rules import load_ruleset

    audit_date = parse_as_of(as_of)
    rules = load_ruleset(ruleset)
    gate = parse_fail_on(fail_on, rules)
    targets = report_targets(parse_formats(fmt), output, output_dir)
    voice = report_voice(targets, quiet=quiet, verbose=verbose)
    progress = Progress() if quiet else Progress.for_inventory(inventory[0])
    progress.step("Reading the inventory")
    loaded = load_inventories(
        inventory,
        companion=companion,
        source=source,
        mapping=mapping or (),
        date_order=date_order,
        notify=voice.notify,
    )
    progress.step(f"Auditing {len(loaded.assets):,} assets", assets=len(loaded.assets))
    data_in_use = data_choice(data, cache_dir, allow_stale)
    register = None if no_waivers else waivers
    result = run_configured_audit(
        loaded, rules, audit_date, data_in_use, waivers=register, baseline=baseline, warn=voice.warn
    )
    tell_inputs(voice, loaded, result)
    code = exit_code(result, gate)
    root = sarif_root.absolute() if sarif_root else find_sarif_root(inventory[0])
    write_reports(
        result,
        targets,
        output_dir=output_dir,
        group_by=group_by,
        progress=progress,
        sarif_root=root,
    )
    if quiet and None not in targets.values():  # nothing else on standard output
        say(verdict_line(result) + "\n")
        if result.baseline is not None:  # why a run with findings may still pass
            say(baseline_line(result) + "\n")
    raise typer.Exit(0 if exit_zero else int(code))
