"""The known export formats, and telling which one a file is from its headers.

A profile's score is the share of the file's columns it knows (a profile scores nothing
without one of its anchor columns and one of its host name columns; PowerShell's `#TYPE`
line adds weight). The best score
wins only when it is clear: below :data:`MIN_SCORE` the file is not recognised, and when
the runner-up is within :data:`MARGIN` the importer stops and asks for `--source`.
"""

from __future__ import annotations

from tma_audit.errors import InputError, InventoryError
from tma_audit.inventory.importers import (
    ad,
    crowdstrike,
    defender,
    entra,
    fortimanager,
    generic,
    intune,
    itglue,
    lansweeper,
)
from tma_audit.inventory.importers.csvfile import Table
from tma_audit.inventory.importers.profile import Profile

PROFILES: tuple[Profile, ...] = (
    ad.PROFILE,
    intune.PROFILE,
    defender.PROFILE,
    entra.PROFILE,
    crowdstrike.PROFILE,
    lansweeper.PROFILE,
    itglue.PROFILE,
    fortimanager.PROFILE,
    generic.PROFILE,
)
GENERIC = generic.PROFILE
MIN_SCORE = 0.3
MARGIN = 0.15
_TYPE_BONUS = 0.5


def source_names() -> str:
    return ", ".join(p.name for p in PROFILES)


def get_profile(name: str) -> Profile:
    """A profile by name or alias (case-insensitive)."""
    wanted = name.strip().lower().replace("_", "-")
    for profile in PROFILES:
        if wanted == profile.name or wanted in profile.aliases:
            return profile
    raise InputError(f"unknown source {name!r}; known: {source_names()}", field="--source")


def score(profile: Profile, table: Table) -> float:
    keys = {
        k for k, h in zip(table.keys, table.headers, strict=True) if not h.startswith("column ")
    }
    names = {*profile.columns.get("hostname", ()), *profile.columns.get("fqdn", ())}
    if not keys or not keys & profile.anchors or not keys & names:
        return 0.0
    value = len(keys & profile.all_keys()) / len(keys)
    if table.type_name and any(t.lower() == table.type_name.lower() for t in profile.type_names):
        value += _TYPE_BONUS
    return min(value, 1.0)


def detect(table: Table, mapped: bool) -> tuple[Profile, str]:
    """The profile of a table, and how it was decided (for the report).

    ``mapped``: the user gave `--map`, so an unrecognised file is a generic CSV.
    """
    ranked = sorted(
        ((score(p, table), p) for p in PROFILES if p is not GENERIC),
        key=lambda pair: -pair[0],
    )
    (best, profile), (second, runner) = ranked[0], ranked[1]
    if best < MIN_SCORE:
        if mapped:
            return GENERIC, "not a known export: read as a generic CSV with --map"
        closest = f" (closest: {profile.name}, {best:.0%} of the columns)" if best else ""
        raise InventoryError(
            f"not a recognised export{closest}: give --source NAME ({source_names()}), "
            "or --map COLUMN=FIELD to read it as a generic CSV",
            file=table.file,
            line=table.header_line,
        )
    if second >= MIN_SCORE and best - second < MARGIN:
        raise InventoryError(
            f"the headers fit both {profile.label} ({best:.0%}) and {runner.label} "
            f"({second:.0%}): give --source {profile.name} or --source {runner.name}",
            file=table.file,
            line=table.header_line,
        )
    how = f"detected from the headers ({best:.0%} known"
    how += f", next best {runner.name} {second:.0%})" if second else ")"
    return profile, how
