"""`tma-audit inventory convert EXPORT… -o FILE` and `tma-audit inventory validate FILE…`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tma_audit.cli.options import (
    CompanionOption,
    DataOption,
    DateOrderOption,
    MapOption,
    SourcesOption,
)

if TYPE_CHECKING:
    from tma_audit.lifecycle import Lifecycle

app = typer.Typer(
    help="Read real exports (Active Directory, Intune, Defender, Entra ID, CrowdStrike, "
    "Lansweeper, IT Glue, FortiManager, any CSV with --map): convert them to a native "
    "inventory, or check what they hold.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("convert", no_args_is_help=True)
def convert(
    exports: Annotated[
        list[Path],
        typer.Argument(help="Export files (CSV) of one client.", show_default=False),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The native YAML inventory to write ('-': standard output; the summary then "
            "goes to standard error).",
            show_default=False,
        ),
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the output file if it exists.")
    ] = False,
    companion: CompanionOption = None,
    source: SourcesOption = None,
    mapping: MapOption = None,
    date_order: DateOrderOption = None,
    data: DataOption = None,
) -> None:
    """Convert exports to a native YAML inventory; report what was mapped, unused, guessed."""
    from tma_audit.cli.progress import Steps
    from tma_audit.errors import InputError
    from tma_audit.fileio import check_target, write_file, write_stdout
    from tma_audit.inventory.importers.api import ImportOptions, convert_exports

    target = check_target(output)
    if not target.stream and target.identity is not None and not force:
        raise InputError("exists; give --force to overwrite it", file=str(output), field="--output")
    options = ImportOptions(tuple(source or ()), tuple(mapping or ()), date_order)
    with Steps() as steps:  # on a terminal only
        steps.step(f"Converting {len(exports):,} export(s)")
        conversion = convert_exports(exports, _lifecycle(data), options, str(output), companion)
        steps.step(f"Writing {len(conversion.result.assets):,} assets")
        write_file(output, conversion.text)  # checked again: the exports are read by now
    count = len(conversion.result.assets)
    from tma_audit.safetext import for_terminal

    summary = "\n".join([*conversion.report, "", f"wrote {output}: {count:,} assets"]) + "\n"
    if target.stdout:
        sys.stderr.write(for_terminal(summary))
    else:
        write_stdout(for_terminal(summary))


@app.command("validate", no_args_is_help=True)
def validate(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="A native inventory (YAML or CSV), or export files of one client.",
            show_default=False,
        ),
    ],
    source: SourcesOption = None,
    mapping: MapOption = None,
    date_order: DateOrderOption = None,
    data: DataOption = None,
) -> None:
    """Check an inventory or exports and print what they hold, without auditing.

    Exit 0 when the files can be read, 2 when they cannot (the error names file, line and
    field).
    """
    from tma_audit.cli.common import say
    from tma_audit.errors import InputError
    from tma_audit.inventory import load_inventory
    from tma_audit.inventory.importers import is_native_csv
    from tma_audit.inventory.importers.api import ImportOptions, describe_import, import_files
    from tma_audit.inventory.importers.saved_report import describe_inventory

    lifecycle = _lifecycle(data)
    exporting = bool(source or mapping)
    native = [
        f
        for f in files
        if f.suffix.lower() in (".yaml", ".yml")
        or (f.suffix.lower() == ".csv" and not exporting and f.is_file() and is_native_csv(f))
    ]
    if native:
        if len(files) > 1:
            raise InputError(
                "validate one native inventory at a time (several files must all be exports)",
                file=str(native[0]),
            )
        inventory = load_inventory(files[0])
        lines = [f"{files[0]}: native inventory", *describe_inventory(inventory, lifecycle)]
    else:
        options = ImportOptions(tuple(source or ()), tuple(mapping or ()), date_order)
        lines = describe_import(import_files(files, lifecycle, options), lifecycle)
    say("\n".join(lines) + "\n")


def _lifecycle(data: Path | None) -> Lifecycle:
    from tma_audit.lifecycle import load_shipped, load_snapshot

    return load_snapshot(data) if data is not None else load_shipped()
