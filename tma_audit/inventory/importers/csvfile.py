"""Reading a real export: encoding, preamble lines, delimiter, nulls, headers.

Exports arrive as Windows tools write them: a BOM (UTF-8 or UTF-16), or none and the
Windows code page; a ``#TYPE`` line (PowerShell 5.1) or a ``sep=;`` line (Excel); ``,``,
``;`` or tab; CRLF; every value quoted except nulls (``"X",,"Y"``); headers in any case,
sometimes twice, and rows padded with unnamed empty columns. :func:`read_table` turns all
of that into a :class:`Table`: columns of text cells, with :data:`NULL` marking an
unquoted empty cell (a null) as distinct from a quoted empty one (``""``).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

from tma_audit.errors import InventoryError
from tma_audit.inventory.csvquote import last_cell, runaway_quote, unterminated_quote_line

#: An unquoted empty cell: PowerShell's `$null` (`"X",,"Y"`), as opposed to `""`.
NULL = "\x00"

_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_KEY = re.compile(r"[^0-9a-z]+")


def header_key(name: str) -> str:
    """A header as matched: case and punctuation ignored (`OS version` -> `osversion`)."""
    return _KEY.sub("", name.lower())


def header_keys(names: str) -> frozenset[str]:
    """Matching keys of space-separated header names (`"Name DNSHostName"`)."""
    return frozenset(header_key(name) for name in names.split())


def delimiter_name(delimiter: str) -> str:
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


@dataclass(slots=True)
class Table:
    """One export as columns of text cells; :data:`NULL` marks an unquoted empty cell."""

    file: str
    encoding: str
    delimiter: str
    #: header names as written (a repeated name gets " (2)", " (3)" …)
    headers: list[str]
    #: matching keys of the headers: lower-case, letters and digits only, unique
    keys: list[str]
    columns: list[tuple[str, ...]]
    #: the 1-based line each row starts on
    lines: list[int]
    #: lines dropped before the header: `#TYPE …`, `sep=;`
    preamble: list[str] = field(default_factory=list)
    #: the line of the header row
    header_line: int = 1
    #: the type PowerShell named on a `#TYPE` line
    type_name: str | None = None
    #: unnamed, empty columns dropped (Excel pads rows with them)
    dropped_columns: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.lines)

    def column(self, key: str) -> tuple[str, ...] | None:
        try:
            return self.columns[self.keys.index(key)]
        except ValueError:
            return None

    def header_of(self, key: str) -> str:
        return self.headers[self.keys.index(key)]


def read_table(path: Path, file: str | None = None) -> Table:
    """Read an export file into a :class:`Table` (errors name the file and the line)."""
    from tma_audit.fileio import read_input

    display = file or str(path)
    raw = read_input(path, error=InventoryError, display=display)
    return parse_table(raw, display)


def decode(raw: bytes, file: str) -> tuple[str, str, list[str]]:
    """Text, a name for its encoding, and warnings.

    A BOM decides (UTF-8, UTF-16LE/BE); else UTF-16 without a BOM (every other byte
    zero); else strict UTF-8; else Windows-1252, with a warning.
    """
    warnings: list[str] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        return _strict(raw[3:], "utf-8", "UTF-8 with BOM", file), "UTF-8 with BOM", warnings
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if raw.startswith(b"\xff\xfe") else "utf-16-be"
        name = "UTF-16LE with BOM" if codec == "utf-16-le" else "UTF-16BE with BOM"
        return _strict(raw[2:], codec, name, file), name, warnings
    head = raw[:512]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):  # text has no NUL; UTF-16 has many
        codec = "utf-16-le" if head[1] == 0 else "utf-16-be"
        name = "UTF-16LE" if codec == "utf-16-le" else "UTF-16BE"
        return _strict(raw, codec, name, file), name, warnings
    try:
        return raw.decode("utf-8"), "UTF-8", warnings
    except UnicodeDecodeError:
        pass
    text = raw.decode("cp1252", errors="replace")
    warnings.append(
        "not UTF-8: read as Windows-1252 (cp1252); check accented names "
        "(export with -Encoding UTF8 to be sure)"
    )
    return text, "Windows-1252", warnings


def _strict(raw: bytes, codec: str, name: str, file: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        newline = "\n".encode(codec)
        line = raw[: exc.start].count(newline) + 1
        raise InventoryError(f"not valid {name} text", file=file, line=line) from None


def parse_table(raw: bytes, file: str) -> Table:
    text, encoding, warnings = decode(raw, file)
    if NULL in text:
        line = text[: text.index(NULL)].count("\n") + 1
        raise InventoryError(
            "contains NUL characters: not a text CSV file", file=file, line=line
        ) from None
    text = text.removeprefix("\ufeff")
    # Lines before the header: PowerShell's "#TYPE …", Excel's "sep=;".
    preamble: list[str] = []
    type_name: str | None = None
    delimiter: str | None = None
    offset = 0
    while text:
        end = text.find("\n")
        first = (text if end < 0 else text[:end]).rstrip("\r")
        low = first.strip().lower()
        if not low:
            pass  # a blank line before the header
        elif low.startswith("#type"):
            type_name = first.strip()[5:].strip() or None
        elif low.startswith("sep=") and len(first.lstrip()) <= 5:
            delimiter = first.lstrip()[4:5] or None
        else:
            break
        if low:
            preamble.append(first)
        offset += 1
        text = "" if end < 0 else text[end + 1 :]
    if not text.strip():
        raise InventoryError("the file has no header row (it is empty)", file=file, line=offset + 1)
    header_end = text.find("\n")
    header_line = text if header_end < 0 else text[:header_end]
    if delimiter is None:
        delimiter = sniff_delimiter(header_line)
    rows = _parse_rows(text, delimiter, file, offset)
    header = [cell.strip().strip("\ufeff") for cell in rows[0][0]]
    body, lines = rows[0][1:], rows[1]
    table = _columns(header, body, lines, delimiter, file, offset)
    table.encoding = encoding
    table.preamble = preamble
    table.type_name = type_name
    table.header_line = offset + 1
    table.warnings.extend(warnings)
    return table


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a header line: the most frequent of `,` `;` tab `|` outside quotes."""
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: outside.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _mark_nulls(text: str, d: str) -> str:
    """Put NULL in every unquoted empty cell, so that csv keeps it apart from `""`.

    A text replacement, so it may also reach inside a quoted value (`"a,,b"`);
    :func:`_parse_rows` notices that and parses again without marks.
    """
    # the line ending the file uses (searching 8 MB for a missing one is not free)
    end = "\r\n" if "\r\n" in text else "\n" if "\n" in text else "\r"
    # a delimiter followed by another or by the line end ends an empty cell: one pass
    # of a pattern that starts with a plain character (twice the speed of replacing
    # pairs, then runs of three, then line ends)
    text = _empty_cell_pattern(d, end).sub(d + NULL, text)
    if end + d in text:
        text = text.replace(end + d, end + NULL + d)
    if text.startswith(d):
        text = NULL + text
    if text.endswith(d):
        text += NULL
    return text


@functools.cache
def _empty_cell_pattern(d: str, end: str) -> re.Pattern[str]:
    return re.compile(f"{re.escape(d)}(?={re.escape(d)}|{re.escape(end)})")


def _parse_rows(
    text: str, delimiter: str, file: str, offset: int
) -> tuple[list[list[str]], list[int]]:
    """All records (header first) and the line each body row starts on."""
    marked = _mark_nulls(text, delimiter)
    records, starts = _read_records(marked, delimiter, file, offset)
    inserted = marked.count(NULL)
    if inserted and sum(map(list.count, records, repeat(NULL))) != inserted:
        # A mark landed inside a quoted value: read the plain text (empty cells lose
        # the null-versus-empty distinction, nothing else changes).
        records, starts = _read_records(text, delimiter, file, offset)
    return records, starts


def _read_records(
    text: str, delimiter: str, file: str, offset: int
) -> tuple[list[list[str]], list[int]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        cell = last_cell(text, delimiter)
        opened = unterminated_quote_line(text, cell, delimiter) if cell is not None else None
        if opened is not None:
            raise InventoryError(
                f"unterminated quote opened at line {opened + offset}",
                file=file,
                line=opened + offset,
            ) from None
        runaway = runaway_quote(text, delimiter)
        if runaway is not None:
            start, end = (line + offset for line in runaway)
            raise InventoryError(
                f"unterminated quote opened at line {start}: the quoted value runs to line {end}",
                file=file,
                line=start,
            ) from None
        # Find the record that failed: parse again row by row.
        line = _failing_line(text, delimiter) + offset
        raise InventoryError(f"malformed CSV: {exc}", file=file, line=line) from None
    if reader.line_num == len(records):  # one line per record: no multi-line values
        starts = list(range(offset + 2, offset + 1 + len(records)))
    else:
        starts = _record_starts(text, delimiter, offset)
    # blank lines are no records
    if any(not row for row in records):
        kept = [(row, line) for row, line in zip(records[1:], starts, strict=True) if row]
        header = records[0] if records and records[0] else []
        records = [header, *(row for row, _ in kept)]
        starts = [line for _, line in kept]
    return records, starts


def _record_starts(text: str, delimiter: str, offset: int) -> list[int]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    next(reader, None)
    starts: list[int] = []
    line = reader.line_num + 1
    for _ in reader:
        starts.append(line + offset)
        line = reader.line_num + 1
    return starts


def _failing_line(text: str, delimiter: str) -> int:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for _ in reader:
            line = reader.line_num + 1
    except csv.Error:
        return line
    return line  # pragma: no cover - the error happened in the first pass only


def _columns(
    header: list[str],
    body: list[list[str]],
    lines: list[int],
    delimiter: str,
    file: str,
    offset: int,
) -> Table:
    header = ["" if cell == NULL else cell for cell in header]
    width = len(header)
    widths = set(map(len, body))
    if widths - {width}:
        body = [_fit(row, width, file, line) for row, line in zip(body, lines, strict=True)]
    columns: list[tuple[str, ...]] = list(zip(*body, strict=True)) if body else [() for _ in header]
    # Unnamed empty columns at the end (Excel's padding) are dropped; an unnamed column
    # that holds data is kept as "column N".
    dropped = 0
    while header and not header[-1] and not _has_text(columns[-1]):
        header.pop()
        columns.pop()
        dropped += 1
    headers: list[str] = []
    keys: list[str] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        label = name or f"column {index + 1}"
        key = header_key(label) or f"column{index + 1}"
        count = seen.get(key, 0) + 1
        seen[key] = count
        if count > 1:
            label, key = f"{label} ({count})", f"{key}{count}"
        headers.append(label)
        keys.append(key)
    return Table(
        file=file,
        encoding="",
        delimiter=delimiter,
        headers=headers,
        keys=keys,
        columns=columns,
        lines=lines,
        dropped_columns=dropped,
    )


def _has_text(cells: tuple[str, ...]) -> bool:
    return any(cell.strip() and cell != NULL for cell in set(cells))


def _fit(row: list[str], width: int, file: str, line: int) -> list[str]:
    """Pad a short row with nulls; trim empty cells beyond the header, else refuse."""
    if len(row) < width:
        return row + [NULL] * (width - len(row))
    extra = row[width:]
    if any(cell.strip() and cell != NULL for cell in extra):
        column = width + next(i for i, c in enumerate(extra) if c.strip() and c != NULL) + 1
        raise InventoryError(
            f"row has {len(row)} cells but the header has {width}",
            file=file,
            line=line,
            field=f"column {column}",
        )
    return row[:width]
