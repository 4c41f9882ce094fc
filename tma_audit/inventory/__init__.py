"""Inventory loaders: the native YAML and CSV forms, and real exports (`importers/`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tma_audit.errors import InputError, InventoryError
from tma_audit.inventory.native import load_csv_inventory, load_yaml_inventory
from tma_audit.model import Inventory

if TYPE_CHECKING:
    from tma_audit.lifecycle import Lifecycle

__all__ = ["load_inventories", "load_inventory"]

_EXPORT_SUFFIXES = (".csv", ".tsv")


def load_inventory(
    path: Path,
    *,
    source: str | None = None,
    mapping: Sequence[str] = (),
    date_order: str | None = None,
    lifecycle: Lifecycle | None = None,
    notify: Callable[[str], None] | None = None,
) -> Inventory:
    """Load an inventory, choosing the form by the file's extension and header.

    A native YAML file, or a CSV whose header names native fields, loads with the
    native loader (:mod:`.native`). Any other CSV is a real export (AD,
    Intune, …) read by the importers (docs/importers.md): `source`, `mapping` and
    `date_order` are `--source`, `--map` and `--date-order`; `notify` receives what the
    import wants the user to know (the source detected, guesses, conflicts).
    """
    suffix = path.suffix.lower()
    export = bool(source or mapping)
    if not path.exists():
        raise InventoryError("file not found", file=str(path))
    if path.is_dir():
        raise InventoryError(
            "is a directory; give an inventory file (.yaml or .csv)", file=str(path)
        )
    if suffix in (".yaml", ".yml"):
        if export:
            raise InputError(
                "--source and --map apply to CSV exports, not to a YAML inventory",
                file=str(path),
            )
        return load_yaml_inventory(path)
    if suffix in _EXPORT_SUFFIXES:
        from tma_audit.inventory.importers import is_native_csv

        if suffix == ".csv" and not export and is_native_csv(path):
            return load_csv_inventory(path)
        from tma_audit.inventory.importers.api import ImportOptions, import_files, notices
        from tma_audit.lifecycle import load_shipped

        options = ImportOptions((source,) if source else (), tuple(mapping), date_order)
        result = import_files([path], lifecycle or load_shipped(), options)
        if notify is not None:
            for line in notices(result):
                notify(line)
        return result.inventory
    raise InventoryError(
        f"unsupported file type {suffix or '(none)'!r}: expected .yaml, .yml or .csv "
        "(or an export: .csv, .tsv)",
        file=str(path),
    )


def load_inventories(
    paths: Sequence[Path],
    *,
    companion: Path | None = None,
    source: str | None = None,
    mapping: Sequence[str] = (),
    date_order: str | None = None,
    lifecycle: Lifecycle | None = None,
    notify: Callable[[str], None] | None = None,
) -> Inventory:
    """One inventory from one file (as :func:`load_inventory`), or from several exports
    of one client and a companion YAML, merged as `inventory convert` merges them."""
    if len(paths) == 1 and companion is None:
        return load_inventory(
            paths[0],
            source=source,
            mapping=mapping,
            date_order=date_order,
            lifecycle=lifecycle,
            notify=notify,
        )
    if not paths:
        raise InputError("no inventory or export files given")
    for path in paths:
        if path.suffix.lower() not in _EXPORT_SUFFIXES:
            raise InventoryError(
                "several files, or a --companion, must all be exports (.csv, .tsv); "
                "audit a native YAML inventory on its own",
                file=str(path),
            )
        if not path.is_file():
            raise InventoryError("file not found", file=str(path))
    from tma_audit.inventory.importers.api import (
        ImportOptions,
        import_files,
        notices,
        with_companion,
    )
    from tma_audit.lifecycle import load_shipped

    options = ImportOptions((source,) if source else (), tuple(mapping), date_order)
    result = import_files(paths, lifecycle or load_shipped(), options)
    if notify is not None:
        for line in notices(result):
            notify(line)
    if companion is None:
        return result.inventory
    if not companion.is_file():
        raise InventoryError("file not found", file=str(companion), field="--companion")
    return with_companion(companion, result)[1]
