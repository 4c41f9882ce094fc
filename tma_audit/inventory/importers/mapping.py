"""Mapping one export table to native fields: :func:`map_table`.

It applies a :class:`~.profile.Profile` (and `--map`) to a :class:`Table` column by
column, converting each distinct cell once, and returns a :class:`Batch`: the kept rows
as columns of native values, and a :class:`~.profile.FileReport` of what was mapped,
unused, guessed.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from tma_audit.errors import InputError, InventoryError
from tma_audit.inventory.fields import CONTROL, Where, convert_text, has_control, suggest
from tma_audit.inventory.importers.csvfile import NULL, Table
from tma_audit.inventory.importers.dates import DateDecision, DateOrder, parse_date_column
from tma_audit.inventory.importers.kinds import (
    STATED,
    TypeKind,
    kind_from_type,
    notebooks_from_models,
)
from tma_audit.inventory.importers.osclean import clean_os_names, count_missing_os
from tma_audit.inventory.importers.profile import NATIVE_FIELDS, FileReport, Profile, Rows
from tma_audit.inventory.schema import FieldSpec
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import KIND_ALIASES, AssetKind


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
        count_missing_os(rows, table.columns[table.keys.index(chosen["os.name"])])
    if rows.has("os.name"):
        clean_os_names(rows)
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
    if not _needs_strip(values, joined):
        if len(values) == len(distinct):  # no null and no "": the cells as they are
            return list(cells)
        return [cell if cell and cell != NULL else None for cell in cells]
    cache = {cell: cell.strip() or None for cell in values}
    return list(map(cache.get, cells))  # null and "" are not in the cache: None


_FIRST, _LAST = operator.itemgetter(0), operator.itemgetter(-1)


#: the ASCII characters str.isspace() (and so str.strip()) counts as white space, but "\n"
_ASCII_SPACES = " \t\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _needs_strip(values: set[str], joined: str) -> bool:
    """Whether any of the (non-empty) values starts or ends with white space.

    ``joined`` is the values joined by line breaks. ASCII text whose only white space
    is those line breaks has none to strip: a few substring searches, ten times faster
    than looking at both ends of 100,000 distinct host names one by one.
    """
    if (
        joined.isascii()
        and joined.count("\n") == len(values) - 1
        and not any(char in joined for char in _ASCII_SPACES)
    ):
        return False
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


def _names_from_fqdns(
    rows: Rows, names: list[str | None], fqdns: list[str | None], lines: list[int]
) -> None:
    """An empty host name is the row's FQDN; with neither, the row is an error."""
    header = rows.headers.get("hostname") or rows.headers.get("fqdn", "hostname")
    for j, name in enumerate(names):
        if name is None:
            if fqdns[j] is None:
                raise InventoryError(
                    "the host name is empty", file=rows.table.file, line=lines[j], field=header
                )
            names[j] = fqdns[j]


def _split_hosts(hosts: list[str]) -> tuple[list[str], list[str | None] | None]:
    """Short host names and the domain each name carried (None: no name carried one)."""
    distinct = set(hosts)
    joined = "\n".join(distinct)
    if "." not in joined and "$" not in joined:
        return hosts, None
    split = {name: split_host(name) for name in distinct}
    return [split[name][0] for name in hosts], [split[name][1] for name in hosts]


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
        _names_from_fqdns(rows, names, fqdns, lines)
    hosts = cast(list[str], names)  # no None left
    hosts, name_domains = _split_hosts(hosts)
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
