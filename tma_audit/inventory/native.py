"""The native inventory: YAML (the full form) and CSV (one row per asset)."""

from __future__ import annotations

import csv
import io
import operator
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tma_audit.errors import InventoryError
from tma_audit.fileio import RefusedReference, read_input, resolve_reference
from tma_audit.inventory.claims import check_complete_claims
from tma_audit.inventory.columns import ENUMS, build_assets, locations
from tma_audit.inventory.csvquote import runaway_quote, unterminated_quote_line
from tma_audit.inventory.fields import (
    CONTROL,
    Where,
    convert_object,
    convert_text,
    has_control,
    suggest,
)
from tma_audit.inventory.schema import ASSET, ASSET_COLUMNS, INVENTORY, OS, OS_COLUMNS, FieldSpec
from tma_audit.model import (
    ALL_KINDS,
    AntivirusProduct,
    Application,
    Asset,
    AssetKind,
    Attestations,
    BackupProduct,
    ChangeNotice,
    Client,
    ContinuityPlan,
    Coverage,
    CyberInsurance,
    EmailProtection,
    Environment,
    Inventory,
    Location,
    OperatingSystem,
    Site,
    SiteWireless,
    Software,
    WirelessNetwork,
)
from tma_audit.yamlio import Node, read_yaml_file

if TYPE_CHECKING:
    from tma_audit.lifecycle import Lifecycle


def load_yaml_inventory(
    path: Path,
    display: str | None = None,
    *,
    companion: bool = False,
    lifecycle: Lifecycle | None = None,
) -> Inventory:
    """Load a native YAML inventory (and the CSV files it names in `assets_from`).

    `assets_from` may name native asset CSVs and exports (AD, Intune …, merged by host
    as `inventory convert` merges them). A hand-written inventory speaks for every asset
    kind but those it marks `partial:`; one whose assets come from exports, or a
    `companion`, covers only what the exports list and what it marks `complete:`.
    """
    file = display or str(path)
    root = read_yaml_file(path, InventoryError)
    if root is None:
        raise InventoryError(
            "the file is empty; an inventory needs at least `client:`", file=file, line=1
        )
    where = Where(file, root.line)
    data = convert_object(root, INVENTORY, "", where)
    schema = data.get("schema")
    if schema is not None and schema != 1:
        raise InventoryError(
            f"schema version {schema} is not supported (this tool reads 1)",
            file=file,
            line=root.key_lines["schema"] if root.key_lines else 1,
            field="schema",
        )
    client = _client(data["client"], file)
    interned: dict[tuple[Any, ...], OperatingSystem] = {}
    assets = [_asset(a, file, interned) for a in data.get("assets") or ()]
    sources = [file]
    exports = _assets_from(data, root, path, file, display, assets, sources)
    exported = None
    repeated: list[str] = []
    if exports:
        from tma_audit.inventory.importers.api import import_files
        from tma_audit.lifecycle import load_shipped

        imported = import_files(exports, lifecycle or load_shipped())
        exported, repeated = imported.inventory, imported.merged.repeated
        assets.extend(exported.assets)
    environment = _environment(data.get("environment"), file)
    attestations = _attestations(data.get("attestations"), file)
    inventory = Inventory(
        client=client,
        assets=tuple(assets),
        environment=environment,
        attestations=attestations,
        sources=tuple(sources),
        coverage=declared_coverage(data, root.key_lines or {}, file, exported, companion),
    )
    if exported is not None:  # the file is the exports' companion: its claims must hold
        claimed = frozenset(AssetKind(k) for k in data.get("complete") or ())
        line = root.key_lines.get("complete", 1) if root.key_lines else 1
        check_complete_claims(inventory, claimed, inventory.assets, repeated, file, line)
    check_references(inventory)
    return inventory


def _assets_from(
    data: dict[str, Any],
    root: Node,
    path: Path,
    file: str,
    display: str | None,
    assets: list[Asset],
    sources: list[str],
) -> list[Path]:
    """Read `assets_from`: native CSVs into `assets`; the exports it names, to import.

    Every file named is appended to `sources`.
    """
    exports: list[Path] = []
    if data.get("assets_from"):  # the importers import this module: load them late
        from tma_audit.inventory.importers import is_native_csv
    for index, name in enumerate(data.get("assets_from") or ()):
        line = root.mapping["assets_from"].items[index].line if root.mapping else 1  # type: ignore[index]
        try:
            reference = resolve_reference(name, path.parent)
        except RefusedReference as exc:
            raise InventoryError(
                str(exc), file=file, line=line, field=f"assets_from[{index}]"
            ) from None
        csv_path = reference.resolve()
        if not csv_path.exists():  # a FIFO or a device exists: the reader refuses it
            raise InventoryError(
                f"CSV file {name!r} not found (looked for {csv_path})",
                file=file,
                line=line,
                field=f"assets_from[{index}]",
            )
        csv_display = str(Path(file).parent / name) if display is None else name
        if is_native_csv(csv_path):
            assets.extend(load_csv_assets(csv_path, csv_display))
        else:
            exports.append(Path(csv_display) if display is None else csv_path)
        sources.append(csv_display)
    return exports


def declared_coverage(
    data: dict[str, Any],
    key_lines: dict[str, int],
    file: str,
    exported: Inventory | None,
    companion: bool,
) -> Coverage:
    """The coverage an inventory declares: `partial:`, `complete:`, per site `complete:`.

    A hand-written inventory covers every kind; a companion, or an inventory whose
    assets come from ``exported`` exports, covers what those list (nothing, for a
    companion read alone).
    """
    partial = frozenset(AssetKind(k) for k in data.get("partial") or ())
    complete = frozenset(AssetKind(k) for k in data.get("complete") or ())
    both = partial & complete
    if both:
        raise InventoryError(
            f"{', '.join(sorted(both))} is both partial and complete",
            file=file,
            line=key_lines.get("partial", 1),
            field="partial",
        )
    sites = tuple(
        (site["name"], frozenset(AssetKind(k) for k in site["complete"]))
        for site in (data["client"].get("sites") or ())
        if site.get("complete")
    )
    if exported is not None:
        base, facts = exported.coverage.kinds, exported.coverage.facts
    else:
        base, facts = (frozenset(), ()) if companion else (ALL_KINDS, ())
    return Coverage(kinds=(base | complete) - partial, site_kinds=sites, facts=facts)


def load_csv_inventory(path: Path, display: str | None = None) -> Inventory:
    """A bare asset CSV: the client is named after the file; no products, no attestations."""
    file = display or str(path)
    assets = load_csv_assets(path, file)
    client = Client(name=path.stem, location=Location(file, 1))
    inventory = Inventory(client=client, assets=tuple(assets), sources=(file,))
    check_references(inventory)
    return inventory


# --- CSV -------------------------------------------------------------------

_SOFTWARE_COLUMN = "software"
_TEXT = FieldSpec("str", "free text")


def csv_columns() -> dict[str, tuple[str, ...]]:
    """CSV column name -> path into the asset mapping, derived from the asset spec."""
    columns: dict[str, tuple[str, ...]] = {}
    for name, spec in ASSET.fields.items():
        if spec.type == "object" and spec.obj is not None:
            for sub in spec.obj.fields:
                columns[f"{name}.{sub}"] = (name, sub)
        elif spec.type == "list":
            continue
        else:
            columns[name] = (name,)
    return columns


def field_spec(path: tuple[str, ...]) -> FieldSpec:
    spec = ASSET.fields[path[0]]
    if len(path) == 2:
        assert spec.obj is not None
        spec = spec.obj.fields[path[1]]
    return spec


def load_csv_assets(path: Path, file: str) -> list[Asset]:
    raw = read_input(path, error=InventoryError, display=file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InventoryError(
            "not valid UTF-8 text (save the CSV as UTF-8)", file=file, line=line
        ) from None
    del raw  # a large file is not held twice while it is read
    return parse_csv_assets(text, file)


#: what a native CSV's cells may be separated by: comma, or semicolon (Excel writes it
#: where the decimal separator is a comma: much of Europe), or tab
DELIMITERS = (",", ";", "\t")


def native_delimiter(header_line: str) -> str:
    """The delimiter of a native CSV, from its header line: the one whose cells are most
    often native column names (`hostname;kind;site` → `;`), comma on a tie. Quoted cells
    are read as the csv module reads them, so a `;` inside quotes does not count."""
    columns = csv_columns()
    known = {*columns, *(key.replace(".", "_") for key in columns), _SOFTWARE_COLUMN}
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        try:
            cells = next(csv.reader([header_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        score = sum(cell.strip().lower() in known for cell in cells)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def parse_csv_assets(text: str, file: str) -> list[Asset]:
    first = text.split("\n", 1)[0]
    delimiter = native_delimiter(first)
    if _plain(text) and not has_control(text):
        read = _read_in_blocks(text, file, delimiter)
        if read is not None:
            return _build_csv_assets(*read, file, Where(file, 1))
    header, lines, records = _read_records(text, file, delimiter)
    plan = _column_plan(header, file)
    where = Where(file, 1)
    width = len(header)
    if any(len(row) != width for row in records):
        records = _fit_rows(records, lines, width, where)
    # Convert column by column: cells repeat a lot (kinds, OS names, dates), so each
    # distinct text is converted once per column.
    cells_of: list[tuple[str, ...]] = (
        list(zip(*records, strict=True)) if records else [() for _ in header]
    )
    values: dict[str, list[Any]] = {}
    clean = not has_control(text)  # then no text cell needs the check
    for index, name, spec in plan:
        cells = cells_of[index]
        values[name] = _convert_column(cells, spec or _TEXT, name, where, lines, clean=clean)
    return _build_csv_assets(values, lines, file, where)


#: characters of text per block of `_read_in_blocks` (about 30,000 lines of a fleet's CSV)
BLOCK_CHARS = 4_000_000


def _plain(text: str) -> bool:
    """No quoting and plain line ends: a record is a line, cells are split at the
    delimiter (exactly as the csv module reads it, at twice its speed)."""
    return '"' not in text and text.count("\r") == text.count("\r\n")


def _read_in_blocks(
    text: str, file: str, delimiter: str
) -> tuple[dict[str, list[Any]], list[int]] | None:
    """The converted columns of a plain, clean CSV (see `_plain`; no control characters),
    read a block of lines at a time, so the cells of a large file (18 million strings
    for a million assets) are never all in memory at once.

    None when the file needs the general path: a row of another width than the header, a
    line past the csv module's size limit, or a cell that does not convert (the general
    path then reports the first bad row exactly as it always has).
    """
    if not text:
        raise _empty(file)
    limit = csv.field_size_limit()
    end = text.find("\n")
    if end < 0:
        end = len(text)
    header_line = text[:end].removesuffix("\r")
    if len(header_line) > limit:
        return None
    header = header_line.split(delimiter)
    plan = _column_plan(header, file)
    width = len(header)
    where = Where(file, 1)
    converters = [_ColumnConverter(spec or _TEXT, name, where) for _, name, spec in plan]
    values: dict[str, list[Any]] = {name: [] for _, name, _ in plan}
    rows_read = 0
    start = end + 1
    size = len(text)
    while start < size:
        stop = text.find("\n", start + BLOCK_CHARS)
        stop = size if stop < 0 else stop + 1
        block = text[start:stop].replace("\r\n", "\n").split("\n")
        start = stop
        if block[-1] == "":
            block.pop()  # the block's final line end
        if max(map(len, block), default=0) > limit:
            return None
        rows = [line.split(delimiter) for line in block]
        del block
        if any(len(row) != width for row in rows):
            return None
        columns = list(zip(*rows, strict=True))
        del rows
        try:
            for (index, name, _), convert in zip(plan, converters, strict=True):
                values[name] += convert(columns[index])
        except InventoryError:
            return None
        rows_read += len(columns[0]) if columns else 0
    return values, list(range(2, rows_read + 2))


class _ColumnConverter:
    """`_convert_column` for a column read in blocks: a distinct text is converted once
    over the whole column; a bad cell raises (without its line: the caller reads the file
    again by the general path to report it)."""

    __slots__ = ("convert", "unique")

    def __init__(self, spec: FieldSpec, name: str, where: Where) -> None:
        self.unique: bool | None = None  # text: mostly unique (host names), decided once
        if spec.type == "str":
            self.convert: _Converted = _Converted(lambda cell: cell.strip() or None)
            return

        def convert(cell: str) -> Any:
            text = cell.strip()
            return convert_text(text, spec, name, where) if text else None

        self.convert = _Converted(convert)
        self.unique = False

    def __call__(self, cells: tuple[str, ...]) -> list[Any]:
        if self.unique is None:
            self.unique = 4 * len(set(cells[:256])) > 3 * len(cells[:256])
        if self.unique:
            return [cell.strip() or None for cell in cells]
        return list(map(self.convert.__getitem__, cells))


def _column_plan(header: list[str], file: str) -> list[tuple[int, str, FieldSpec | None]]:
    """(index, column, field) of each named header cell; unknown, duplicate or missing
    required columns are errors."""
    columns = csv_columns()
    # `os_name` is accepted for `os.name`, and so on.
    aliases = {key.replace(".", "_"): key for key in columns}
    plan: list[tuple[int, str, FieldSpec | None]] = []
    seen: dict[str, int] = {}
    for index, raw_name in enumerate(header):
        name = raw_name.strip().lower()
        name = aliases.get(name, name)
        if not name:
            continue
        if name in seen:
            raise InventoryError(
                f"duplicate column {raw_name!r} (also column {seen[name] + 1})",
                file=file,
                line=1,
                field=raw_name,
            )
        seen[name] = index
        if name == _SOFTWARE_COLUMN:
            plan.append((index, name, None))
            continue
        path = columns.get(name)
        if path is None:
            hint = suggest(name, [*columns, _SOFTWARE_COLUMN])
            raise InventoryError(
                f"unknown column {raw_name!r}{hint}", file=file, line=1, field=raw_name
            )
        plan.append((index, name, field_spec(path)))
    for required in ("hostname", "kind"):
        if required not in seen:
            raise InventoryError(
                f"required column {required!r} is missing", file=file, line=1, field=required
            )
    return plan


def _fit_rows(
    records: list[list[str]], lines: list[int], width: int, where: Where
) -> list[list[str]]:
    """Rows padded (or trimmed of blank cells) to the header's width."""
    fitted = []
    for start, row in zip(lines, records, strict=True):
        if len(row) > width and "".join(row[width:]).strip():
            where.line = start
            raise where.error(
                f"row has {len(row)} cells but the header has {width}", f"column {width + 1}"
            )
        fitted.append((row + [""] * width)[:width])
    return fitted


def _read_records(
    text: str, file: str, delimiter: str = ","
) -> tuple[list[str], list[int], list[list[str]]]:
    """The header, then each record after it with the line it starts on."""
    if _plain(text):
        # a record is a line and cells are split at the delimiter, unless a line is
        # long enough for a cell to pass the csv module's size limit
        plain = text.replace("\r\n", "\n").split("\n")
        if max(map(len, plain)) <= csv.field_size_limit():
            rows = [line.split(delimiter) for line in plain]
            if rows[-1] == [""]:
                rows.pop()  # the final line end
            if not rows:
                raise _empty(file)
            return rows[0], list(range(2, len(rows) + 1)), rows[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise _empty(file) from None
    except csv.Error as exc:
        raise InventoryError(f"malformed CSV: {exc}", file=file, line=1) from None
    header_lines = reader.line_num
    try:
        records = list(reader)
    except csv.Error as exc:
        raise InventoryError(f"malformed CSV: {exc}", file=file, line=reader.line_num) from None
    last = next((row for row in reversed(records) if row), header)
    opened = unterminated_quote_line(text, last[-1], delimiter) if last else None
    if opened is not None:
        raise InventoryError(f"unterminated quote opened at line {opened}", file=file, line=opened)
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    if physical == header_lines + len(records):
        # one line per record (no quoted line breaks): line numbers by position
        return header, list(range(header_lines + 1, header_lines + 1 + len(records))), records
    runaway = runaway_quote(text, delimiter)
    if runaway is not None:
        opened, closed = runaway
        raise InventoryError(
            f"unterminated quote opened at line {opened}: the quoted value runs to line {closed}",
            file=file,
            line=opened,
        )
    return header, *_number_records(text, delimiter)


def _number_records(text: str, delimiter: str) -> tuple[list[int], list[list[str]]]:
    """Each record after the header and the line it starts on (the text is valid CSV)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader)
    lines: list[int] = []
    records: list[list[str]] = []
    line = reader.line_num + 1
    for row in reader:
        lines.append(line)
        records.append(row)
        line = reader.line_num + 1
    return lines, records


def _empty(file: str) -> InventoryError:
    return InventoryError("the CSV file is empty; it needs a header row", file=file, line=1)


def _convert_column(
    cells: tuple[str, ...],
    spec: FieldSpec,
    name: str,
    where: Where,
    lines: list[int],
    *,
    clean: bool = False,
) -> list[Any]:
    """Convert each distinct cell once; a bad cell raises for its first row.

    `clean`: the file is known to have no control characters.
    """
    if spec.type == "str":
        if not clean and CONTROL.search("".join(cells)):
            index = next(i for i, cell in enumerate(cells) if CONTROL.search(cell))
            where.line = lines[index]
            convert_text(cells[index], spec, name, where)  # raises with the line
        if 4 * len(set(cells[:256])) > 3 * len(cells[:256]):  # mostly unique (host names)
            return [cell.strip() or None for cell in cells]
        texts = _Converted(lambda cell: cell.strip() or None)
        return list(map(texts.__getitem__, cells))

    def convert(cell: str) -> Any:
        text = cell.strip()
        return convert_text(text, spec, name, where) if text else None

    values = _Converted(convert)
    try:
        # one pass in C; a cell is converted when it is first seen (row order)
        return list(map(values.__getitem__, cells))
    except InventoryError:
        where.line = lines[cells.index(values.failed)]
        convert(values.failed)  # raises again, now with its line
        raise


class _Converted(dict[str, Any]):
    """Cell text -> value: each distinct text is converted the first time it is seen."""

    __slots__ = ("convert", "failed")

    def __init__(self, convert: Callable[[str], Any]) -> None:
        super().__init__()
        self.convert = convert
        self.failed = ""

    def __missing__(self, cell: str) -> Any:
        try:
            value = self[cell] = self.convert(cell)
        except InventoryError:
            self.failed = cell
            raise
        return value


_RowError = tuple[int, int, InventoryError]  # (row, which check, the error)


def _build_csv_assets(
    values: dict[str, list[Any]], lines: list[int], file: str, where: Where
) -> list[Asset]:
    """The assets of the converted columns; rows of blanks are skipped.

    Each check runs over a whole column; a file with several mistakes gets the error
    of its first bad row (and in one row: hostname/kind, then os.*, then software).
    """
    places = locations(file, lines)
    keep, empty = _rows_to_keep(values, lines, where)
    software, bad_software = _software_column(values.get(_SOFTWARE_COLUMN), lines, places, where)
    errors = [e for e in (empty, _os_name_missing(values, lines, where), bad_software) if e]
    if errors:
        raise min(errors, key=lambda error: error[:2])[2]
    if keep is not None:
        values = {name: [column[i] for i in keep] for name, column in values.items()}
        places = [places[i] for i in keep]
        if software is not None:
            software = [software[i] for i in keep]
    return build_assets(values["hostname"], values["kind"], values, places, software)


def _rows_to_keep(
    values: dict[str, list[Any]], lines: list[int], where: Where
) -> tuple[list[int] | None, _RowError | None]:
    """The rows to keep (None: all), or the first row with an empty hostname or kind."""
    hostnames, kinds = values["hostname"], values["kind"]
    if None not in hostnames and None not in kinds:
        return None, None
    keep: list[int] = []
    for i, (hostname, kind) in enumerate(zip(hostnames, kinds, strict=True)):
        if hostname is not None and kind is not None:
            keep.append(i)
        elif any(column[i] is not None for column in values.values()):
            where.line = lines[i]
            required = "hostname" if hostname is None else "kind"
            return keep, (i, 0, where.error(f"required field {required!r} is empty", required))
        # else: a row of blanks, skipped
    return keep, None


def _os_name_missing(
    values: dict[str, list[Any]], lines: list[int], where: Where
) -> _RowError | None:
    """The first row with other os.* cells but no os.name."""
    os_name = values.get("os.name")
    others = [values[f] for f in OS_COLUMNS[1:] if f in values]
    if not others or (os_name is not None and None not in os_name):
        return None
    for i, name in enumerate(os_name or [None] * len(lines)):
        if name is None and any(column[i] is not None for column in others):
            where.line = lines[i]
            message = "os.name is empty, but other os.* cells are given"
            return i, 1, where.error(message, "os.name")
    return None


def _software_column(
    cells: list[Any] | None, lines: list[int], places: list[Location], where: Where
) -> tuple[list[tuple[Software, ...]] | None, _RowError | None]:
    """Each row's software (None: no row has any), or the first row that fails to parse."""
    if cells is None or not any(cells):
        return None, None
    software: list[tuple[Software, ...]] = [()] * len(lines)
    parsed: dict[str, list[dict[str, Any]]] = {}  # cells repeat: parse each once
    for i, cell in enumerate(cells):
        if not cell:
            continue
        items = parsed.get(cell)
        if items is None:
            where.line = lines[i]
            try:
                items = parsed[cell] = _parse_software_cell(cell, where)
            except InventoryError as exc:
                return software, (i, 2, exc)
        software[i] = tuple(
            Software(
                name=s["name"],
                version=s.get("version"),
                licensed=s.get("licensed"),
                location=places[i],
            )
            for s in items
        )
    return software, None


def _parse_software_cell(text: str, where: Where) -> list[dict[str, Any]]:
    """`Name@version[:licensed|:unlicensed]; …` -> software mappings."""
    items: list[dict[str, Any]] = []
    for raw in text.split(";"):
        part = raw.strip()
        if not part:
            continue
        entry: dict[str, Any] = {"__line__": where.line}
        if ":" in part:
            part, flag = part.rsplit(":", 1)
            flag = flag.strip().lower()
            if flag not in ("licensed", "unlicensed"):
                raise where.error(
                    f"software flag {flag!r}: expected 'licensed' or 'unlicensed'", "software"
                )
            entry["licensed"] = flag == "licensed"
        name, _, version = part.partition("@")
        if not name.strip():
            raise where.error(f"software entry {part!r} has no name", "software")
        entry["name"] = name.strip()
        if version.strip():
            entry["version"] = version.strip()
        items.append(entry)
    return items


# --- building model objects ---------------------------------------------------

_EMPTY: dict[str, Any] = {}


def _loc(file: str, data: dict[str, Any]) -> Location:
    return Location(file, int(data.get("__line__", 1)))


def _client(data: dict[str, Any], file: str) -> Client:
    sites = tuple(
        Site(name=s["name"], internet=s.get("internet", True) is not False, location=_loc(file, s))
        for s in data.get("sites") or ()
    )
    return Client(
        name=data["name"], contact=data.get("contact"), sites=sites, location=_loc(file, data)
    )


#: (key, key inside that object or "", enum value -> member or None) of each Asset
#: field, in order; `os`, `software` and `location` are then built in their places.
_STATED = tuple(
    (*column.partition(".")[::2], ENUMS.get(name)) for name, column in ASSET_COLUMNS.items()
)
_OS_AT, _SOFTWARE_AT, _LOCATION_AT = map(Asset._fields.index, ("os", "software", "location"))


def _asset(
    data: dict[str, Any], file: str, interned: dict[tuple[Any, ...], OperatingSystem]
) -> Asset:
    values: list[Any] = []
    for key, sub, members in _STATED:
        value = (data.get(key) or _EMPTY).get(sub) if sub else data.get(key)
        values.append(value if members is None else members[value or None])
    os_data, os = values[_OS_AT], None
    if os_data:
        os_key = tuple(os_data.get(sub) for sub in OS.fields)
        os = interned.get(os_key)
        if os is None:
            os = interned[os_key] = OperatingSystem(*os_key)
    values[_OS_AT] = os
    values[_SOFTWARE_AT] = tuple(
        Software(
            name=s["name"],
            version=s.get("version"),
            licensed=s.get("licensed"),
            genuine=s.get("genuine"),
            support_expires=s.get("support_expires"),
            location=_loc(file, s),
        )
        for s in values[_SOFTWARE_AT] or ()
    )
    values[_LOCATION_AT] = _loc(file, data)
    return tuple.__new__(Asset, values)  # in Asset's order: no keyword matching


_R = TypeVar("_R")


def _record(cls: Callable[..., _R], data: dict[str, Any], file: str) -> _R:
    """A record whose fields are named as its schema's keys, plus where it was defined."""
    fields = {key: value for key, value in data.items() if key != "__line__"}
    return cls(**fields, location=_loc(file, data))


def _records(
    cls: Callable[..., _R], items: list[dict[str, Any]] | None, file: str
) -> tuple[_R, ...]:
    return tuple(_record(cls, item, file) for item in items or ())


def _environment(data: dict[str, Any] | None, file: str) -> Environment:
    if not data:
        return Environment()
    return Environment(
        antivirus=_records(AntivirusProduct, data.get("antivirus"), file),
        backup=_records(BackupProduct, data.get("backup"), file),
        email_protection=_records(EmailProtection, data.get("email_protection"), file),
        stated=True,
        location=_loc(file, data),
    )


def _attestations(data: dict[str, Any] | None, file: str) -> Attestations:
    if not data:
        return Attestations()
    insurance = data.get("cyber_insurance")
    change = data.get("change_notification")
    plan = data.get("continuity_plan")
    return Attestations(
        cyber_insurance=_record(CyberInsurance, insurance, file) if insurance else None,
        change_notification=change["contact"] if change else None,
        change_notification_location=_loc(file, change) if change else None,
        continuity_plan=_record(ContinuityPlan, plan, file) if plan else None,
        wireless=tuple(
            SiteWireless(
                site=w["site"],
                networks=tuple(
                    WirelessNetwork(ssid=n["ssid"], security=n["security"])
                    for n in w.get("networks") or ()
                ),
                no_wireless=bool(w.get("no_wireless")),
                location=_loc(file, w),
            )
            for w in data.get("wireless") or ()
        ),
        applications=_records(Application, data.get("applications"), file),
        applications_stated=data.get("applications") is not None,
        changes=tuple(
            ChangeNotice(
                date=c["date"],
                reference=c["reference"],
                assets=tuple(c.get("assets") or ()),
                summary=c.get("summary"),
                location=_loc(file, c),
            )
            for c in data.get("changes") or ()
        ),
        location=_loc(file, data),
    )


def check_references(inventory: Inventory) -> None:
    """Cross-field checks: unique host names, sites that exist, wireless statements."""
    assets = inventory.assets
    hostnames = list(map(str.lower, map(_HOSTNAME, assets)))
    if len(set(hostnames)) < len(hostnames):  # find the first repeat, for its lines
        _unique(zip(hostnames, map(_LOCATION, assets), strict=True))
    _unique_sites(inventory.client.sites)
    declared = {s.name for s in inventory.client.sites}
    if declared:
        if not set(map(_SITE, assets)) <= {*declared, None}:  # find the first, for its line
            for asset in assets:
                if asset.site is not None and asset.site not in declared:
                    _raise_unknown_site(asset.site, declared, asset.location, "site")
        for statement in inventory.attestations.wireless:
            if statement.site not in declared:
                _raise_unknown_site(
                    statement.site, declared, statement.location, "attestations.wireless.site"
                )
    for statement in inventory.attestations.wireless:
        if statement.no_wireless and statement.networks:
            loc = statement.location
            raise InventoryError(
                f"site {statement.site!r} lists networks and also says no_wireless",
                file=loc.file if loc else None,
                line=loc.line if loc else None,
                field="attestations.wireless.no_wireless",
            )


_HOSTNAME, _SITE, _LOCATION = (operator.attrgetter(f) for f in ("hostname", "site", "location"))


def _raise_unknown_site(site: str, declared: set[str], loc: Location | None, field: str) -> None:
    names = ", ".join(sorted(declared))
    raise InventoryError(
        f"unknown site {site!r}; client.sites declares: {names}",
        file=loc.file if loc else None,
        line=loc.line if loc else None,
        field=field,
    )


def _unique_sites(sites: Iterable[Site]) -> None:
    """Two sites of one name (in any case): assets and statements could not say which."""
    first: dict[str, Site] = {}
    for index, site in enumerate(sites):
        key = " ".join(site.name.split()).casefold()
        if key in first:
            prev = first[key].location
            loc = site.location
            where = f" (first at line {prev.line})" if prev else ""
            raise InventoryError(
                f"duplicate site name {site.name!r}{where}",
                file=loc.file if loc else None,
                line=loc.line if loc else None,
                field=f"client.sites[{index}].name",
            )
        first[key] = site


def _unique(items: Iterable[tuple[str, Location | None]]) -> None:
    first: dict[str, Location | None] = {}
    for key, loc in items:
        if key in first:
            prev = first[key]
            where = f" (first defined at {prev})" if prev else ""
            raise InventoryError(
                f"duplicate hostname {key!r}{where}",
                file=loc.file if loc else None,
                line=loc.line if loc else None,
                field="hostname",
            )
        first[key] = loc
