"""The importers' entry points: import, convert, describe (used by the CLI and load_inventory).

Pure: no printing, no clock; the CLI writes files and prints the reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tma_audit.errors import InputError, InventoryError
from tma_audit.inventory.claims import check_complete_claims
from tma_audit.inventory.columns import build_assets
from tma_audit.inventory.importers.convert import check_companion_sites, native_yaml
from tma_audit.inventory.importers.csvfile import Table, delimiter_name, read_table
from tma_audit.inventory.importers.dates import DATE_ORDER_ALIASES, DateOrder
from tma_audit.inventory.importers.mapping import Batch, map_table
from tma_audit.inventory.importers.merge import Conflict, Merged, merge
from tma_audit.inventory.importers.profile import FileReport, parse_map
from tma_audit.inventory.importers.registry import PROFILES, detect, get_profile
from tma_audit.inventory.importers.saved_report import (
    describe_file,
    describe_inventory,
    describe_merge,
)
from tma_audit.inventory.native import load_yaml_inventory
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import ALL_KINDS, Asset, AssetKind, Client, Coverage, Inventory, Location
from tma_audit.yamlio import read_yaml_file

__all__ = [
    "PROFILES",
    "Conflict",
    "Conversion",
    "DateOrder",
    "FileReport",
    "ImportOptions",
    "ImportResult",
    "convert_exports",
    "describe_import",
    "import_files",
    "notices",
    "parse_date_order",
]


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the user said: `--source` (once for all files, or once per file), `--map`,
    `--date-order`."""

    sources: tuple[str, ...] = ()
    mapping: tuple[str, ...] = ()
    date_order: str | None = None


@dataclass(slots=True)
class ImportResult:
    inventory: Inventory
    files: list[FileReport]
    merged: Merged
    #: the assets in inventory order, each with the records behind it
    assets: list[Asset]


def parse_date_order(text: str | None) -> DateOrder | None:
    if text is None:
        return None
    order = DATE_ORDER_ALIASES.get(text.strip().lower())
    if order is None:
        raise InputError(
            f"unknown date order {text!r}: expected dmy (day first) or mdy (month first)",
            field="--date-order",
        )
    return order


def import_files(
    paths: Sequence[Path],
    lifecycle: Lifecycle,
    options: ImportOptions = ImportOptions(),
) -> ImportResult:
    """Read exports, map them to native fields and merge them by host."""
    if not paths:
        raise InputError("no export files given")
    sources = options.sources
    if len(sources) not in (0, 1, len(paths)):
        raise InputError(
            f"{len(sources)} --source options for {len(paths)} files: give one for all "
            "files or one per file, in order",
            field="--source",
        )
    mapping = parse_map(options.mapping)
    order = parse_date_order(options.date_order)
    batches: list[Batch] = []
    tables = [read_table(path) for path in paths]
    if len(tables) > 1:  # a --map column need only be in some of the files
        for key in mapping:
            if not any(key in table.keys for table in tables):
                raise InputError(
                    f"--map names column {key!r}, which none of the files has", field="--map"
                )
    for index, table in enumerate(tables):
        forced = sources[0] if len(sources) == 1 else sources[index] if sources else None
        mine = mapping
        if len(tables) > 1:
            mine = {k: v for k, v in mapping.items() if k in table.keys}
        batches.append(_read(table, forced, mine, order, lifecycle))
    merged = merge(batches, lifecycle)
    assets = build_assets(merged.hostnames, merged.kinds, merged.fields, merged.locations)
    first = str(paths[0])
    clients = {b.client for b in batches if b.client}
    name = clients.pop() if len(clients) == 1 else paths[0].stem
    inventory = Inventory(
        client=Client(name=name, location=Location(first, 1)),
        assets=tuple(assets),
        sources=tuple(str(p) for p in paths),
        coverage=coverage_of(batches),
    )
    return ImportResult(inventory, [b.report for b in batches], merged, assets)


def coverage_of(batches: Sequence[Batch]) -> Coverage:
    """What the exports vouch for together: the kinds they list, the facts they give."""
    kinds: frozenset[AssetKind] = frozenset().union(*(b.listed_kinds() for b in batches))
    facts: dict[str, list[str]] = {}
    for batch in batches:
        for fact in batch.profile.facts:
            labels = facts.setdefault(fact, [])
            if batch.profile.label not in labels:
                labels.append(batch.profile.label)
    return Coverage(
        kinds=kinds,
        facts=tuple((fact, tuple(labels)) for fact, labels in sorted(facts.items())),
    )


def _read(
    table: Table,
    forced: str | None,
    mapping: dict[str, str],
    order: DateOrder | None,
    lifecycle: Lifecycle,
) -> Batch:
    if forced is not None:
        profile = get_profile(forced)
        how = f"--source {forced}"
    else:
        profile, how = detect(table, bool(mapping))
    report = FileReport(
        file=table.file,
        source=profile.name,
        source_label=profile.label,
        detection=how,
        encoding=table.encoding,
        delimiter=delimiter_name(table.delimiter),
        preamble=list(table.preamble),
        dropped_columns=table.dropped_columns,
        warnings=list(table.warnings),
    )
    return map_table(table, profile, lifecycle, report, mapping, order)


def notices(result: ImportResult, limit: int = 10) -> list[str]:
    """What `audit` tells the user about an import (on standard error)."""
    out: list[str] = []
    for report in result.files:
        file = report.file
        out.append(
            f"{file}: {report.source_label} export, {report.detection}: "
            f"{report.kept:,} of {report.rows:,} rows imported"
        )
        out.extend(f"{file}: warning: {w}" for w in report.warnings)
        out.extend(f"{file}: guessed: {g}" for g in report.guessed)
        for reason, lines in report.skipped.items():
            out.append(f"{file}: left out {len(lines)} row(s): {reason} (line {lines[0]} …)")
    conflicts = result.merged.conflicts
    for conflict in conflicts[:limit]:
        out.append(f"conflict: {conflict.describe()}")
    if len(conflicts) > limit:
        out.append(
            f"… and {len(conflicts) - limit} more conflicts (tma-audit inventory validate "
            "lists them all)"
        )
    return out


def describe_import(
    result: ImportResult, lifecycle: Lifecycle, inventory: Inventory | None = None
) -> list[str]:
    """The full report of an import: each file, the merge, and what the inventory holds
    (``inventory``: the one written, when a companion completes it)."""
    out: list[str] = []
    for report in result.files:
        out.extend(describe_file(report))
        out.append("")
    merge_lines = describe_merge(result.merged, len(result.files))
    if merge_lines:
        out.extend(merge_lines)
        out.append("")
    out.extend(describe_inventory(inventory or result.inventory, lifecycle))
    return out


@dataclass(slots=True)
class Conversion:
    """A native YAML inventory made from exports, and the report of how."""

    text: str
    report: list[str]
    result: ImportResult


def convert_exports(
    paths: Sequence[Path],
    lifecycle: Lifecycle,
    options: ImportOptions,
    output: str,
    companion: Path | None = None,
) -> Conversion:
    """Import exports and write them as a native YAML inventory (text; the CLI writes it).

    ``companion``: a native YAML file with the client, environment and attestations (no
    assets), copied verbatim above the imported assets.
    """
    result = import_files(paths, lifecycle, options)
    companion_text: str | None = None
    written = result.inventory
    if companion is not None:
        companion_text, written = with_companion(companion, result)
    header = [
        "Converted by tma-audit inventory convert from:",
        *(f"  {r.file}: {r.source_label}, {r.kept:,} of {r.rows:,} rows" for r in result.files),
        "Comments below say where each asset came from, what was guessed and where the",
        "sources disagree. Complete what the exports cannot know, then audit it:",
        f"  tma-audit audit {output}",
    ]
    if companion_text is None:
        header[-1:-1] = ["(the client, environment and attestations below are a skeleton)"]
    partial = sorted(k.value for k in ALL_KINDS - written.coverage.kinds)
    text = native_yaml(
        result.inventory,
        [
            (str(loc), *map(str, result.merged.others.get(i, ())))
            for i, loc in enumerate(result.merged.locations)
        ],
        result.merged.levels,
        result.merged.conflicts,
        header,
        companion_text,
        str(companion) if companion is not None else None,
        partial,
    )
    report = describe_import(result, lifecycle, written)
    return Conversion(text, report, result)


def with_companion(path: Path, result: ImportResult) -> tuple[str, Inventory]:
    """The companion's text, and the inventory of the exports completed by it.

    The companion covers what the exports cover and the kinds it marks `complete:`.
    """
    file = str(path)
    root = read_yaml_file(path, InventoryError)
    keys = root.mapping if root is not None and root.mapping is not None else {}
    for key in ("assets", "assets_from"):
        if key in keys:
            assert root is not None and root.key_lines is not None
            raise InventoryError(
                f"a companion holds the client, environment and attestations; its `{key}` "
                "would clash with the imported assets (move them to an export or a CSV "
                "given to convert)",
                file=file,
                line=root.key_lines[key],
                field=key,
            )
    if "partial" in keys:
        assert root is not None and root.key_lines is not None
        raise InventoryError(
            "a companion covers only the kinds the exports list and those it marks "
            "`complete:`; `partial` is for a hand-written inventory",
            file=file,
            line=root.key_lines["partial"],
            field="partial",
        )
    companion = load_yaml_inventory(path, companion=True)
    top = root.key_lines.get("complete", 1) if root is not None and root.key_lines else 1
    claimed = companion.coverage.kinds  # a companion covers nothing else by itself
    check_complete_claims(companion, claimed, result.assets, result.merged.repeated, file, top)
    check_companion_sites(companion, result.assets, file)
    exported = result.inventory.coverage
    coverage = replace(
        companion.coverage, kinds=companion.coverage.kinds | exported.kinds, facts=exported.facts
    )
    combined = replace(
        companion,
        assets=result.inventory.assets,
        sources=(*result.inventory.sources, file),
        coverage=coverage,
    )
    from tma_audit.fileio import read_input

    return read_input(path, error=InventoryError).decode("utf-8-sig"), combined
