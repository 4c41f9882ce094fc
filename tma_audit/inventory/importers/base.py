"""What every importer shares: source profiles, mapping columns to fields, host names, kinds.

A :class:`Profile` says which export columns feed which native field (``os.name``,
``warranty.expires`` …) or helper field (``fqdn``, ``last_seen``, or a raw ``_name`` the
profile reads itself), which other columns the export is known to carry, and an optional
``refine`` step for what only that source knows (Intune's build-only Windows, Defender's
onboarding filter …). :func:`map_table` applies a profile to a :class:`Table` column by
column, converting each distinct cell once, and returns a :class:`Batch`: the kept rows as
columns of native values, and a :class:`FileReport` of what was mapped, unused, guessed.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, cast

from tma_audit.errors import InputError, InventoryError
from tma_audit.inventory.fields import CONTROL, Where, convert_text, has_control, suggest
from tma_audit.inventory.importers.csvfile import NULL, Table, header_key
from tma_audit.inventory.importers.dates import DateDecision, DateOrder, parse_date_column
from tma_audit.inventory.native import csv_columns
from tma_audit.inventory.schema import ASSET, FieldSpec
from tma_audit.lifecycle import Lifecycle, OsFamily
from tma_audit.lifecycle.products import find_alias, fold
from tma_audit.model import KIND_ALIASES, AssetKind

# --- fields ------------------------------------------------------------------------------


def _native_specs() -> dict[str, FieldSpec]:
    specs: dict[str, FieldSpec] = {}
    for name, path in csv_columns().items():
        spec = ASSET.fields[path[0]]
        if len(path) == 2:
            assert spec.obj is not None
            spec = spec.obj.fields[path[1]]
        specs[name] = spec
    return specs


#: Native asset fields a column can feed, by their CSV names (`os.name` …).
NATIVE_FIELDS: Final = _native_specs()
#: Helper fields: not in the native schema, used to merge sources.
EXTRA_FIELDS: Final = {
    "fqdn": "fully qualified host name (merges hosts across sources)",
    "last_seen": "last check-in (the most recent record wins)",
}
#: Every field `--map column=field` accepts.
MAP_FIELDS: Final = (*NATIVE_FIELDS, *EXTRA_FIELDS)

STATED, DERIVED, GUESSED = 3, 2, 1
"""How sure a kind is: a type column said it, the OS implies it, or a fallback."""


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
        names, versions = self.col("os.name"), self.col("os.version")
        builds, editions = self.col("os.build"), self.col("os.edition")
        keys = list(zip(names, versions, builds, editions, strict=True))
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


# --- mapping a table -------------------------------------------------------------------------


@dataclass(slots=True)
class Batch:
    """One file's kept rows, as columns of native values, ready to merge or build."""

    file: str
    profile: Profile
    lines: list[int]
    hostnames: list[str]
    keys: list[str]
    #: the domain each host name carried (None: no name carried one)
    name_domains: list[str | None] | None
    fqdns: list[str | None]
    #: native fields (`os.name` …) and `last_seen`
    fields: dict[str, list[Any]]
    kind: list[AssetKind]
    kind_level: list[int]
    report: FileReport
    client: str | None = None

    @property
    def n(self) -> int:
        return len(self.lines)

    def listed_kinds(self) -> frozenset[AssetKind]:
        """The kinds this file lists completely (its profile's, and its typed rows')."""
        if not self.profile.lists_typed:
            return self.profile.lists
        typed = {k for k, level in zip(self.kind, self.kind_level, strict=True) if level == STATED}
        return self.profile.lists | typed

    def domains(self) -> list[str | None]:
        """Each host's DNS domain, from its name or its FQDN column (for merging)."""
        named = self.name_domains or [None] * self.n
        cache: dict[str, str | None] = {}
        out: list[str | None] = []
        for domain, fqdn in zip(named, self.fqdns, strict=True):
            if domain is None and fqdn is not None:
                if fqdn not in cache:
                    cache[fqdn] = split_host(fqdn)[1]
                out.append(cache[fqdn])
            else:
                out.append(domain)
        return out


def resolve_columns(table: Table, profile: Profile, mapping: Mapping[str, str]) -> dict[str, str]:
    """field -> header key: the profile's first present column, then `--map` overrides."""
    present = set(table.keys)
    chosen: dict[str, str] = {}
    for target, candidates in profile.columns.items():
        for key in candidates:
            if key in present:
                chosen[target] = key
                break
    for key, target in mapping.items():
        if key not in present:
            headers = ", ".join(table.headers)
            hint = suggest(key, list(table.keys))
            raise InputError(
                f"--map names column {key!r}, which the file does not have{hint}; "
                f"its columns: {headers}",
                file=table.file,
                field="--map",
            )
        for other, used in list(chosen.items()):
            if used == key:
                del chosen[other]
        chosen[target] = key
    return chosen


def map_table(
    table: Table,
    profile: Profile,
    lifecycle: Lifecycle,
    report: FileReport,
    mapping: Mapping[str, str],
    date_order: DateOrder | None,
) -> Batch:
    """Apply a profile (and `--map`) to a table: convert, refine, decide kinds, name hosts."""
    chosen = resolve_columns(table, profile, mapping)
    if "hostname" not in chosen and "fqdn" not in chosen:
        wanted = ", ".join(profile.columns.get("hostname", ())) or "hostname"
        raise InventoryError(
            f"no host name column (read as {profile.label}, which names hosts in one of: "
            f"{wanted}); give one with --map COLUMN=hostname",
            file=table.file,
            line=table.header_line,
        )
    rows = Rows(table, profile, lifecycle, report)
    report.rows = table.rows
    _convert(rows, chosen, date_order)
    _drop_blank_rows(rows)
    for target, key in chosen.items():
        header = table.header_of(key)
        rows.headers[target] = header
        report.mapped.append((header, profile.explain.get(target, target)))
    used = set(chosen.values())
    report.unused = [h for h, k in zip(table.headers, table.keys, strict=True) if k not in used]
    if "os.name" in chosen:
        _count_missing_os(rows, table.columns[table.keys.index(chosen["os.name"])])
    if rows.has("os.name"):
        _clean_os_names(rows)
    if rows.has("kind"):
        _kinds_from_column(rows)
    if profile.refine is not None:
        profile.refine(rows)
    rows.kinds_from_os()
    if rows.has("model"):
        notebooks_from_models(rows)
    return _batch(rows)


def _convert(rows: Rows, chosen: Mapping[str, str], order: DateOrder | None) -> None:
    table = rows.table
    dated: list[tuple[str, tuple[str, ...], str]] = []
    for target, key in chosen.items():
        cells = table.columns[table.keys.index(key)]
        header = table.header_of(key)
        spec = NATIVE_FIELDS.get(target)
        if target == "last_seen" or (spec is not None and spec.type == "date"):
            dated.append((target, cells, header))
        elif spec is None or spec.type == "str" or target == "kind":
            rows.put(target, text_column(cells, header, table.file, table.lines))
        else:
            rows.put(target, _typed_column(cells, spec, header, table.file, table.lines))
    decisions: dict[str, tuple[list[dt.date | None], DateDecision | None]] = {}
    for target, cells, header in dated:
        decisions[target] = parse_date_column(cells, table.lines, header, table.file, order)
    settled = next(
        ((d.order, d.column) for _, d in decisions.values() if d is not None and not d.guessed),
        None,
    )
    for target, cells, header in dated:
        values, decision = decisions[target]
        if decision is not None and decision.guessed and settled is not None:
            values, decision = parse_date_column(
                cells, table.lines, header, table.file, order, settled
            )
        if decision is not None:
            rows.report.dates.append(decision)
            if decision.guessed:
                rows.report.guessed.append(
                    f"dates in {header!r} read {decision.order.label} ({decision.reason}); "
                    "use --date-order if that is wrong"
                )
        rows.put(target, values)


def text_column(
    cells: Sequence[str], header: str, file: str, lines: Sequence[int]
) -> list[str | None]:
    """Cells as text: stripped; null and empty are None; control characters refused."""
    distinct = set(cells)
    values = distinct - {NULL, ""}
    joined = "\n".join(values)
    if has_control(joined):
        index = next(i for i, c in enumerate(cells) if c in values and CONTROL.search(c))
        raise InventoryError(
            f"contains control characters: {cells[index]!r}",
            file=file,
            line=lines[index],
            field=header,
        )
    if not _needs_strip(values):
        if len(values) == len(distinct):  # no null and no "": the cells as they are
            return list(cells)
        return [cell if cell and cell != NULL else None for cell in cells]
    cache = {cell: cell.strip() or None for cell in values}
    return list(map(cache.get, cells))  # null and "" are not in the cache: None


_FIRST, _LAST = operator.itemgetter(0), operator.itemgetter(-1)


def _needs_strip(values: set[str]) -> bool:
    """Whether any of the (non-empty) values starts or ends with white space."""
    ends = set(map(_FIRST, values)) | set(map(_LAST, values))
    return any(char.isspace() for char in ends)


def _typed_column(
    cells: Sequence[str], spec: FieldSpec, header: str, file: str, lines: Sequence[int]
) -> list[Any]:
    where = Where(file, 0)
    cache: dict[str, Any] = {}
    for cell in set(cells):
        value = cell.strip()
        if not value or cell == NULL:
            cache[cell] = None
            continue
        try:
            cache[cell] = convert_text(value, spec, header, where)
        except InventoryError as exc:
            index = cells.index(cell)
            raise InventoryError(exc.message, file=file, line=lines[index], field=header) from None
    return list(map(cache.__getitem__, cells))


def _kinds_from_column(rows: Rows) -> None:
    """A `kind` column (generic CSV, --map): native spellings first, then device types."""
    texts = rows.col("kind")
    header = rows.headers.get("kind", "kind")
    decided: dict[str, TypeKind] = {}
    for i, text in enumerate(texts):
        if text is None or rows.skip[i] is not None:
            continue
        found = decided.get(text)
        if found is None:
            native = KIND_ALIASES.get(text.strip().lower())
            found = decided[text] = (native, STATED) if native else kind_from_type(text)
        if found is None:
            choices = ", ".join(sorted({k.value for k in KIND_ALIASES.values()}))
            raise InventoryError(
                f"unknown kind {text!r}; expected one of: {choices} (or a device type "
                "such as Workstation, Laptop, Firewall)",
                file=rows.table.file,
                line=rows.lines[i],
                field=header,
            )
        if found == "skip":
            rows.drop(i, f"kind {text!r}: not a device the contract governs")
        else:
            rows.set_kind(i, found[0], found[1])
    del rows.values["kind"]


_IP = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def split_host(name: str) -> tuple[str, str | None]:
    """`PC01.corp.example` -> (`PC01`, `corp.example`); `PC01$` -> (`PC01`, None)."""
    name = name.strip().rstrip("$").rstrip(".") or name.strip()
    if "." in name and not _IP.fullmatch(name):
        short, _, domain = name.partition(".")
        if short:
            return short, domain.lower() or None
    return name, None


_BLANK = "\x00blank"  # a row of empty cells: skipped, not reported


def _drop_blank_rows(rows: Rows) -> None:
    """Rows of empty cells (Excel pads with them) are no rows."""
    names, fqdns = rows.col("hostname"), rows.col("fqdn")
    if None not in names and rows.has("hostname"):
        return
    columns = rows.table.columns
    for i in range(rows.n):
        if names[i] is None and fqdns[i] is None and all(_empty(c[i]) for c in columns):
            rows.skip[i] = _BLANK


def _empty(cell: str) -> bool:
    return cell == NULL or not cell.strip()


def _batch(rows: Rows) -> Batch:
    table, report = rows.table, rows.report
    n = rows.n
    everything = rows.skip.count(None) == n
    keep: Sequence[int] = range(n)
    if not everything:
        keep = [i for i in range(n) if rows.skip[i] is None]
        for i, reason in enumerate(rows.skip):
            if reason is not None and reason != _BLANK:
                report.skipped.setdefault(reason, []).append(rows.lines[i])

    def kept(values: list[Any]) -> list[Any]:
        return list(values) if everything else [values[i] for i in keep]

    lines: list[int] = kept(rows.lines)
    names: list[str | None] = kept(rows.col("hostname"))
    fqdns: list[str | None] = kept(rows.col("fqdn"))
    if None in names:
        header = rows.headers.get("hostname") or rows.headers.get("fqdn", "hostname")
        for j, name in enumerate(names):
            if name is None:
                if fqdns[j] is None:
                    raise InventoryError(
                        "the host name is empty", file=table.file, line=lines[j], field=header
                    )
                names[j] = fqdns[j]
    hosts = cast(list[str], names)  # no None left
    distinct = set(hosts)
    joined = "\n".join(distinct)
    name_domains: list[str | None] | None = None
    if "." in joined or "$" in joined:
        split = {name: split_host(name) for name in distinct}
        name_domains = [split[name][1] for name in hosts]
        hosts = [split[name][0] for name in hosts]
    report.kept = len(lines)
    fields = {
        name: kept(values)
        for name, values in rows.values.items()
        if (name in NATIVE_FIELDS or name == "last_seen") and name not in ("hostname", "kind")
    }
    kinds: list[AssetKind] = kept(rows.kind)
    assert None not in kinds
    return Batch(
        file=table.file,
        profile=rows.profile,
        lines=lines,
        hostnames=hosts,
        keys=list(map(str.lower, hosts)),
        name_domains=name_domains,
        fqdns=fqdns,
        fields=fields,
        kind=kinds,
        kind_level=kept(rows.kind_level),
        report=report,
        client=rows.client,
    )


# --- OS names --------------------------------------------------------------------------------

_MARKS = re.compile(r"\s*(?:®|™|\(r\)|\(tm\))\s*", re.IGNORECASE)
_DAMAGE = re.compile(r"\?+")
_SPACES = re.compile(r"\s+")
_MICROSOFT = re.compile(r"^microsoft\s+(?=windows|hyper-v)", re.IGNORECASE)
_EDITION_WORD = re.compile(r"(?<!azure)\s+edition$", re.IGNORECASE)


def clean_os_name(name: str) -> str:
    """The OS name with export damage removed, for the native `os.name`.

    Marks (`®`, `™`, `(R)`), the `?` an ASCII export leaves in their place or for
    non-Latin letters, a leading `Microsoft`, a trailing `Edition` (not `Azure Edition`).
    What the name *means* is decided by :meth:`Lifecycle.recognise_os`, not here.
    """
    text = _MARKS.sub(" ", name)
    text = _DAMAGE.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    text = _MICROSOFT.sub("", text)
    text = _EDITION_WORD.sub("", text)
    return text or name.strip()


def _count_missing_os(rows: Rows, cells: tuple[str, ...]) -> None:
    """How many rows state no OS: unset (a null, `"X",,`) or empty (`""`)."""
    if rows.skip.count(None) != rows.n:  # leave rows of blanks out of the count
        cells = tuple(c for c, skip in zip(cells, rows.skip, strict=True) if skip is None)
    nulls, empties = cells.count(NULL), cells.count("")
    if nulls or empties:
        header = rows.headers.get("os.name", "os.name")
        rows.report.notes.append(
            f"{nulls + empties:,} row(s) state no {header} ({nulls:,} unset, {empties:,} "
            "empty); a server, desktop or notebook without an OS is audited as unknown"
        )


def _clean_os_names(rows: Rows) -> None:
    names = rows.col("os.name")
    cleaned: dict[str | None, str | None] = {None: None}
    changed: list[str] = []
    for name in set(names):
        if name is None:
            continue
        clean = clean_os_name(name)
        cleaned[name] = clean
        if clean != name:
            changed.append(name)
    if changed:
        rows.put("os.name", list(map(cleaned.__getitem__, names)))
        examples = "; ".join(f"{n!r} -> {cleaned[n]!r}" for n in sorted(changed)[:3])
        more = f" (and {len(changed) - 3} more)" if len(changed) > 3 else ""
        rows.report.notes.append(f"OS names cleaned of marks and damage: {examples}{more}")


_MOBILE = re.compile(
    r"^(?:ios|ipados|ios ipados|iphone|ipad|android\w*|tvos|watchos|visionos"
    r"|windows phone|windows mobile|blackberry)\b"
)


def is_mobile_os(name: str) -> bool:
    return bool(_MOBILE.match(fold(name)))


# --- kinds -----------------------------------------------------------------------------------

TypeKind = tuple[AssetKind, int] | Literal["skip"] | None

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TYPE_RULES: tuple[tuple[re.Pattern[str], AssetKind | None, int], ...] = tuple(
    (re.compile(pattern), kind, level)
    for pattern, kind, level in (
        (
            r"\b(?:printers?|mfp|copiers?|scanners?|(?:ip )?phones?|voip|mobile|smartphones?"
            r"|tablets?|ipad|iphone|ups|pdu|cameras?|cctv|nvr|dvr|monitors?|displays?|tv"
            r"|projectors?|iot|sensors?|thermostats?|audio|video|licen[cs]es?"
            r"|domains?(?! controllers?)"
            r"|contracts?|documents?|certificates?|ssl|websites?|pos terminal|badge)\b",
            None,
            0,
        ),
        (r"\bfirewalls?\b|\butm\b|\bfortigate\b|\bsecurity appliance\b", AssetKind.FIREWALL, 3),
        (r"\baccess ?points?\b|\bwap\b|\bwireless\b|\bwifi\b|\bap\b", AssetKind.ACCESS_POINT, 3),
        (r"\bswitch(?:es)?\b", AssetKind.SWITCH, 3),
        (r"\brouters?\b|\bgateways?\b", AssetKind.ROUTER, 3),
        (r"\blaptops?\b|\bnotebooks?\b|\bportable\b", AssetKind.NOTEBOOK, 3),
        (r"\bnas\b|\bstorage\b|\bsan\b", AssetKind.SERVER, 1),
        (
            r"\bservers?\b|\bhosts?\b|\bhypervisors?\b|\bvms?\b|\bvirtual machines?\b"
            r"|\bdomain controller\b|\besxi?\b|\bvmware\b",
            AssetKind.SERVER,
            3,
        ),
        (r"\bdesktops?\b|\bthin clients?\b|\ball in one\b|\btower\b", AssetKind.DESKTOP, 3),
        # a client computer, desktop or notebook: a notebook's model still makes a notebook
        (r"\bworkstations?\b|\bpcs?\b|\bcomputers?\b|\bclients?\b", AssetKind.DESKTOP, 2),
    )
)


def kind_from_type(text: str) -> TypeKind:
    """A device-type text -> (kind, how sure), "skip" (a printer, a phone …), or None."""
    folded = fold(_CAMEL.sub(" ", text)).replace("-", " ")
    if not folded:
        return None
    for pattern, kind, level in _TYPE_RULES:
        if pattern.search(folded):
            return "skip" if kind is None else (kind, level)
    return None


_FIREWALL_OS = frozenset(
    {"FortiOS", "PAN-OS", "Stormshield SNS", "OPNsense", "pfSense", "SonicOS"}
    | {"WatchGuard Fireware", "Cisco Meraki"}
)
_FAMILY_KIND: dict[OsFamily, tuple[AssetKind, int]] = {
    OsFamily.WINDOWS_SERVER: (AssetKind.SERVER, DERIVED),
    OsFamily.WINDOWS_CLIENT: (AssetKind.DESKTOP, DERIVED),
    OsFamily.WINDOWS_OTHER: (AssetKind.DESKTOP, DERIVED),
    OsFamily.MACOS: (AssetKind.DESKTOP, DERIVED),
    OsFamily.HYPERVISOR: (AssetKind.SERVER, DERIVED),
    # Linux could be either; an appliance (NetApp, F5, Cisco ISE) is no kind the model
    # has: closest is a server (MS-1 and the update rules are then not-applicable).
    OsFamily.LINUX: (AssetKind.SERVER, GUESSED),
    OsFamily.APPLIANCE: (AssetKind.SERVER, GUESSED),
    OsFamily.UNKNOWN: (AssetKind.DESKTOP, GUESSED),
}


def os_kind(
    lifecycle: Lifecycle,
    name: str | None,
    version: str | None,
    build: str | None,
    edition: str | None,
) -> tuple[AssetKind, int]:
    """The kind an OS implies: `Server` in a Windows name decides server vs workstation."""
    if name is None:
        return AssetKind.DESKTOP, GUESSED
    family = lifecycle.recognise_os(name, version, build, edition, False).family
    if family is OsFamily.NETWORK:
        found = find_alias(fold(name))
        if found is not None and found[0].name in _FIREWALL_OS:
            return AssetKind.FIREWALL, DERIVED
        return AssetKind.SWITCH, GUESSED
    return _FAMILY_KIND[family]


_NOTEBOOK_MODELS = re.compile(
    r"\b(?:latitude|thinkpad|elitebook|probook|zbook|macbook|surface (?:laptop|pro|book|go)"
    r"|xps 1[3-7]|yoga|ideapad|vivobook|zenbook|expertbook|spectre|travelmate|lifebook"
    r"|toughbook|dynabook|galaxy book|chromebook|notebook|laptop)\b"
)


def notebook_model(model: str) -> bool:
    """Whether a model name is a notebook's (Latitude, ThinkPad, MacBook, Surface Pro …)."""
    return bool(_NOTEBOOK_MODELS.search(fold(model)))


def notebooks_from_models(rows: Rows) -> None:
    """Workstations whose model is a notebook's are notebooks."""
    models = rows.col("model")
    verdicts: dict[str, bool] = {}
    for i, model in enumerate(models):
        if model is None or rows.kind[i] not in (None, AssetKind.DESKTOP):
            continue
        hit = verdicts.get(model)
        if hit is None:
            hit = verdicts[model] = notebook_model(model)
        if hit and rows.kind_level[i] <= DERIVED:
            rows.set_kind(i, AssetKind.NOTEBOOK, DERIVED)


def windows_build(version: str) -> bool:
    """Whether a version text is a full Windows build (`10.0.19045.6456`, `6.3.9600.1`)."""
    return bool(_WINDOWS_BUILD.fullmatch(version.strip()))


_WINDOWS_BUILD = re.compile(r"(?:10\.0|6\.[0-3]|5\.[0-2])\.\d{4,5}(?:\.\d+)?")


def camel_words(text: str) -> str:
    """`WindowsServer2019` -> `Windows Server 2019`; `RedHatEnterpriseLinux` likewise."""
    return re.sub(r"(?<=[a-z])(?=[A-Z0-9])|(?<=[0-9])(?=[A-Z])", " ", text)
