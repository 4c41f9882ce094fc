"""Telling an unterminated quote in a CSV file from a value that spans lines.

Python's csv module, not in strict mode, reads everything after a quote that is never
closed into one cell (the user then hears about the fields that went missing), and in
strict mode reports "unexpected end of data" at the record's start.
"""

from __future__ import annotations

import csv
import io


def unterminated_quote_line(text: str, last_cell: str, delimiter: str = ",") -> int | None:
    """The line of a quote that opens the file's last cell and is never closed, or None.

    `last_cell` is the last cell of the last record as csv reads `text` when not strict.
    Such a cell runs to the end of the file exactly when a quote opened it and was never
    closed: the text after that quote holds no lone quote, only doubled ones, and with
    them undone it is the cell.
    """
    lowest = max(0, len(text) - 1 - 2 * len(last_cell))  # a quote in the cell is two
    position = text.rfind('"', lowest)
    while position >= lowest and position >= 0:
        tail = text[position + 1 :]
        opens = position == 0 or text[position - 1] in (delimiter, "\n", "\r")
        if opens and '"' not in tail.replace('""', "") and tail.replace('""', '"') == last_cell:
            return text.count("\n", 0, position) + 1
        position = text.rfind('"', lowest, position)
    return None


def last_cell(text: str, delimiter: str = ",") -> str | None:
    """The last cell of the last record, read as csv does when not strict."""
    last: list[str] | None = None
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if row:
            last = row
    return last[-1] if last else None


def runaway_quote(text: str, delimiter: str = ",") -> tuple[int, int] | None:
    """A quoted value that runs over lines into the next quote: (its first line, the
    line where csv gave up), or None when strict csv reads `text`, or fails on one line.

    A quote left open in the middle of a file is closed by the next quote in it, often
    lines later, and what follows that quote is no delimiter: strict csv stops there.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        if reader.line_num > start:
            return start, reader.line_num
    return None
