"""Building model assets from columns: the native CSV loader and the importers.

Both end with one list per field (every cell already converted) and build the Asset
tuples column by column: each distinct OS, role and form is converted once and the
rows are zipped and made into Assets in C, so 35,000 assets take milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import repeat
from typing import Any

from tma_audit.inventory.schema import ASSET_COLUMNS, OS_COLUMNS
from tma_audit.model import Asset, AssetKind, FormFactor, Location, OperatingSystem, Role, Software

_KINDS: dict[str, AssetKind] = {k.value: k for k in AssetKind}
_ROLES: dict[str | None, Role | None] = {None: None, **{r.value: r for r in Role}}
_FORMS: dict[str | None, FormFactor | None] = {None: None, **{f.value: f for f in FormFactor}}
#: Asset fields whose cells are enum values: value -> member
ENUMS: dict[str, Mapping[Any, Any]] = {"kind": _KINDS, "role": _ROLES, "form": _FORMS}


def locations(file: str, lines: Sequence[int]) -> list[Location]:
    """A Location per line of one file (built in C, like the Assets)."""
    return list(map(tuple.__new__, repeat(Location), zip(repeat(file), lines)))


def build_assets(
    hostnames: Sequence[str],
    kinds: Sequence[str | AssetKind],
    fields: Mapping[str, Sequence[Any]],
    where: Sequence[Location | None],
    software: Sequence[tuple[Software, ...]] | None = None,
) -> list[Asset]:
    """One Asset per row; equal OS statements share one OperatingSystem.

    `fields` maps native column names (`os.name`, `patch.last_patched`, …) to converted
    cells, None where empty; a column that is absent is empty throughout. Kinds, roles
    and forms are their enum values.
    """
    n = len(hostnames)
    nothing: list[Any] = [None] * n

    def col(name: str) -> Sequence[Any]:
        return fields.get(name) or nothing

    os_keys = list(zip(*map(col, OS_COLUMNS), strict=True))
    systems: dict[tuple[Any, ...], OperatingSystem | None] = {
        key: OperatingSystem(*key) if key[0] is not None else None for key in set(os_keys)
    }
    built: dict[str, Sequence[Any]] = {
        "hostname": hostnames,
        "kind": list(map(_KINDS.__getitem__, kinds)),
        "os": list(map(systems.__getitem__, os_keys)),
        "software": software if software is not None else [()] * n,
        "location": where,
    }
    columns = [
        built[name] if name in built else _column(name, col(column))
        for name, column in ASSET_COLUMNS.items()
    ]
    # Asset(...) without the NamedTuple's Python-level __new__: tuple.__new__ in C
    return list(map(tuple.__new__, repeat(Asset), zip(*columns, strict=True)))


def _column(name: str, cells: Sequence[Any]) -> Sequence[Any]:
    """A plain field's cells as the Asset holds them (enum values become enums)."""
    members = ENUMS.get(name)
    return cells if members is None else list(map(members.__getitem__, cells))
