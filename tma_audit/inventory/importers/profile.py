"""What an importer declares, and the rows it works on: fields, profiles, `Rows`.

A :class:`Profile` says which export columns feed which native field (``os.name``,
``warranty.expires`` …) or helper field (``fqdn``, ``last_seen``, or a raw ``_name`` the
profile reads itself), which other columns the export is known to carry, and an optional
``refine`` step for what only that source knows (Intune's build-only Windows, Defender's
onboarding filter …), working on the file's :class:`Rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from tma_audit.errors import InputError
from tma_audit.inventory.fields import suggest
from tma_audit.inventory.importers.csvfile import Table, header_key
from tma_audit.inventory.importers.dates import DateDecision
from tma_audit.inventory.importers.kinds import GUESSED, TypeKind, kind_from_type, os_kind
from tma_audit.inventory.importers.osclean import is_mobile_os
from tma_audit.inventory.native import csv_columns, field_spec
from tma_audit.inventory.schema import OS_COLUMNS
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import AssetKind

# --- fields ------------------------------------------------------------------------------


#: Native asset fields a column can feed, by their CSV names (`os.name` …).
NATIVE_FIELDS: Final = {name: field_spec(path) for name, path in csv_columns().items()}
#: Helper fields: not in the native schema, used to merge sources.
EXTRA_FIELDS: Final = {
    "fqdn": "fully qualified host name (merges hosts across sources)",
    "last_seen": "last check-in (the most recent record wins)",
}
#: Every field `--map column=field` accepts.
MAP_FIELDS: Final = (*NATIVE_FIELDS, *EXTRA_FIELDS)


def parse_map(items: Sequence[str]) -> dict[str, str]:
    """`--map column=field` options -> {column key: field}."""
    out: dict[str, str] = {}
    for item in items:
        column, sep, target = item.rpartition("=")
        target = target.strip()
        if not sep or not column.strip() or not target:
            raise InputError(f"expected COLUMN=FIELD, got {item!r}", field="--map")
        dotted = target.replace("_", ".", 1)  # os_name, patch_last_patched
        name = dotted if dotted in NATIVE_FIELDS and target not in MAP_FIELDS else target
        if name not in MAP_FIELDS:
            fields = ", ".join(MAP_FIELDS)
            raise InputError(
                f"unknown field {target!r}{suggest(target, list(MAP_FIELDS))}; fields: {fields}",
                field="--map",
            )
        key = header_key(column)
        if key in out and out[key] != name:
            raise InputError(f"column {column.strip()!r} is mapped twice", field="--map")
        out[key] = name
    return out


# --- profiles ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Profile:
    """One export format: how its columns map to fields, and how to recognise it."""

    name: str
    label: str
    #: field -> header keys that can feed it, in order of preference
    columns: Mapping[str, tuple[str, ...]]
    #: further header keys the export is known to carry (recognised, not used)
    known: frozenset[str] = frozenset()
    #: detection needs at least one of these header keys
    anchors: frozenset[str] = frozenset()
    aliases: tuple[str, ...] = ()
    #: how a helper column (`_type` …) is used, for the report
    explain: Mapping[str, str] = field(default_factory=dict)
    refine: Callable[[Rows], None] | None = None
    #: `#TYPE` first lines that name this export
    type_names: tuple[str, ...] = ()
    #: asset kinds the source lists completely (an AD export: the Windows computers)
    lists: frozenset[AssetKind] = frozenset()
    #: the source also lists completely every kind its type column names (IT Glue)
    lists_typed: bool = False
    #: facts the source vouches for on the hosts it lists (docs/importers.md, "Coverage")
    facts: tuple[str, ...] = ()

    def all_keys(self) -> frozenset[str]:
        return frozenset(k for keys in self.columns.values() for k in keys) | self.known


# --- the working rows of one file ---------------------------------------------------------


@dataclass(slots=True)
class FileReport:
    """What an import did with one file: for `inventory convert` and `inventory validate`."""

    file: str
    source: str
    source_label: str
    detection: str
    encoding: str = ""
    delimiter: str = ","
    preamble: list[str] = field(default_factory=list)
    dropped_columns: int = 0
    rows: int = 0
    kept: int = 0
    #: reason -> lines of rows left out
    skipped: dict[str, list[int]] = field(default_factory=dict)
    #: (column header, what it feeds)
    mapped: list[tuple[str, str]] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dates: list[DateDecision] = field(default_factory=list)


class Rows:
    """One file's rows while a profile maps them: columns of converted values."""

    def __init__(
        self, table: Table, profile: Profile, lifecycle: Lifecycle, report: FileReport
    ) -> None:
        self.table = table
        self.profile = profile
        self.lifecycle = lifecycle
        self.report = report
        self.n = table.rows
        self.lines = table.lines
        self.values: dict[str, list[Any]] = {}
        self.headers: dict[str, str] = {}  # field -> header that fed it
        self.kind: list[AssetKind | None] = [None] * self.n
        self.kind_level: list[int] = [0] * self.n
        self.skip: list[str | None] = [None] * self.n
        #: the client an export names (IT Glue's organization)
        self.client: str | None = None
        self._none: list[Any] = [None] * self.n

    def col(self, name: str) -> list[Any]:
        """A field's values (all None when no column feeds it)."""
        return self.values.get(name, self._none)

    def has(self, name: str) -> bool:
        return name in self.values

    def put(self, name: str, values: list[Any]) -> None:
        self.values[name] = values

    def drop(self, index: int, reason: str) -> None:
        if self.skip[index] is None:
            self.skip[index] = reason

    def set_kind(self, index: int, kind: AssetKind, level: int) -> None:
        self.kind[index] = kind
        self.kind_level[index] = level

    def kinds_from_types(self, types: list[Any], what: str) -> None:
        """Kinds from a device-type column (`Workstation`, `Firewall`, `Printer` …)."""
        decided: dict[str, TypeKind] = {}
        for i, text in enumerate(types):
            if text is None or self.skip[i] is not None or self.kind[i] is not None:
                continue
            found = decided.get(text)
            if found is None:
                found = decided[text] = kind_from_type(text)
            if found == "skip":
                self.drop(i, f"{what} {text!r}: not a device the contract governs")
            elif found is not None:
                self.set_kind(i, found[0], found[1])

    def kinds_from_os(self) -> None:
        """Kinds from the OS for rows no type column decided (and a guess when no OS)."""
        names = self.col("os.name")
        keys = list(zip(*map(self.col, OS_COLUMNS), strict=True))
        cache = {key: os_kind(self.lifecycle, *key) for key in set(keys)}
        todo: Sequence[int]
        if self.kind.count(None) == self.n and self.skip.count(None) == self.n:
            found_all = list(map(cache.__getitem__, keys))
            self.kind = [f[0] for f in found_all]
            self.kind_level = [f[1] for f in found_all]
            todo = [i for i, f in enumerate(found_all) if f[1] == GUESSED]  # to report
        else:
            todo = [i for i in range(self.n) if self.kind[i] is None and self.skip[i] is None]
        guesses: dict[tuple[str, AssetKind], list[str | None]] = {}
        for i in todo:
            found = cache[keys[i]]
            self.kind[i], self.kind_level[i] = found
            if found[1] == GUESSED:
                why = "no OS" if names[i] is None else "an OS that does not tell"
                guesses.setdefault((why, found[0]), []).append(names[i])
        for (why, kind), seen in sorted(guesses.items()):
            examples = sorted({n for n in seen if n is not None})
            listed = f" ({', '.join(map(repr, examples[:4]))}{', …' if len(examples) > 4 else ''})"
            self.report.guessed.append(
                f"kind of {len(seen)} row(s) with {why}: {kind.value}"
                + (listed if examples else "")
            )

    def skip_mobile(self) -> None:
        """Phones and tablets: not servers, desktops or notebooks."""
        names = self.col("os.name")
        for i, name in enumerate(names):
            if name is not None and self.skip[i] is None and is_mobile_os(name):
                self.drop(i, f"a mobile device ({name}): not a device the contract governs")
