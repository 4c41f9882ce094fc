"""Inventory loaders: the native YAML and CSV forms (importers for real exports come later)."""

from __future__ import annotations

from pathlib import Path

from tma_audit.errors import InventoryError
from tma_audit.inventory.native import load_csv_inventory, load_yaml_inventory
from tma_audit.model import Inventory

__all__ = ["load_inventory"]


def load_inventory(path: Path) -> Inventory:
    """Load a native inventory, choosing the form by the file's extension."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise InventoryError("file not found", file=str(path))
    if path.is_dir():
        raise InventoryError(
            "is a directory; give an inventory file (.yaml or .csv)", file=str(path)
        )
    if suffix in (".yaml", ".yml"):
        return load_yaml_inventory(path)
    if suffix == ".csv":
        return load_csv_inventory(path)
    raise InventoryError(
        f"unsupported file type {suffix or '(none)'!r}: expected .yaml, .yml or .csv",
        file=str(path),
    )
