"""Importers: real exports (AD, Intune, Defender, Entra, CrowdStrike, Lansweeper, IT Glue,
FortiManager, a generic CSV) read into the native inventory model. See docs/importers.md.

The seams, one module each: :mod:`.csvfile` reads an export (encoding, preamble,
delimiter, nulls, headers), :mod:`.dates` reads its dates, one module per source holds
its :class:`~.profile.Profile`, :mod:`.registry` tells the source from the headers,
:mod:`.profile` declares the fields a column can feed and the rows a profile works on,
:mod:`.mapping` maps columns to fields (kinds from :mod:`.kinds`, OS names cleaned by
:mod:`.osclean`), :mod:`.merge` merges files by host,
:func:`tma_audit.inventory.columns.build_assets` builds the model, :mod:`.convert` writes
a native YAML inventory, :mod:`.saved_report` the human summaries, and :mod:`.api` holds
the entry points. Pure: no printing, no clock.

This module itself stays light (the native CSV path asks :func:`is_native_csv` first and
should not pay for loading every importer).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tma_audit.errors import InventoryError
from tma_audit.inventory.importers.csvfile import decode
from tma_audit.inventory.native import csv_columns

__all__ = ["is_native_csv"]

_NATIVE_COLUMNS = frozenset(
    {*csv_columns(), *(c.replace(".", "_") for c in csv_columns()), "software"}
)


def is_native_csv(path: Path) -> bool:
    """Whether a CSV is the native asset CSV (its header names native fields).

    Native when it has both `hostname` and `kind`, or when at least half of its named
    columns are native fields (the native loader then explains any stray column).
    """
    if not path.is_file():
        return True  # not a regular file (a FIFO would block): the native loader refuses it
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return True  # let the native loader report it
    try:
        text, _, _ = decode(head, str(path))
    except InventoryError:
        return False
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    if first.lower().startswith(("#type", "sep=")):
        return False
    from tma_audit.inventory.native import native_delimiter

    try:
        header = next(csv.reader(io.StringIO(first), delimiter=native_delimiter(first)), [])
    except csv.Error:
        return False
    names = [cell.strip().lower() for cell in header if cell.strip()]
    if not names:
        return True
    if "hostname" in names and "kind" in names:
        return True
    return sum(name in _NATIVE_COLUMNS for name in names) * 2 >= len(names)
