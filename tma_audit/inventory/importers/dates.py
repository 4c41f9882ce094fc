"""Dates as exports write them, decided per column.

`2021-12-20 11:51:06.4592278`, `30/07/2025 08:22:29` (day first), `5/26/2025 4:27:40 PM`
(month first, 12-hour clock), `30.07.2025`, `Jul 30, 2025`, `2024-05-01T10:00:00Z`, raw
FILETIME numbers (`133694817490000000`), and the "no value" placeholders `0001-01-01`,
`1601-01-01` (FILETIME 0) and `9999-12-31`. Whether `05/06/2025` is the 5th of June or
the 6th of May is decided per column: a first field above 12 settles day-first, a second
field above 12 settles month-first; a column that has neither follows `--date-order`,
else another column of the same file, else a guess that is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tma_audit.errors import InventoryError
from tma_audit.inventory.importers.csvfile import NULL


class DateOrder(StrEnum):
    """How to read an ambiguous numeric date such as 05/06/2025."""

    DMY = "dmy"  # day first: 30/07/2025
    MDY = "mdy"  # month first: 7/30/2025

    @property
    def label(self) -> str:
        return "day-first" if self is DateOrder.DMY else "month-first"


DATE_ORDER_ALIASES = {
    "dmy": DateOrder.DMY,
    "day-first": DateOrder.DMY,
    "dayfirst": DateOrder.DMY,
    "mdy": DateOrder.MDY,
    "month-first": DateOrder.MDY,
    "monthfirst": DateOrder.MDY,
}

# A time after the date: 08:22:29, 4:27:40 PM, T10:00:00Z, 11:51:06.4592278, +02:00.
# (starts with a plain character class, which lets the regex engine skip ahead)
_TIME_TAIL = re.compile(
    r"[T ,]\s*(?:[01]?\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:[.,]\d+)?)?"
    r"\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?$",
    re.MULTILINE,
)
_AM_PM = re.compile(r"\d\s*[AaPp]\.?[Mm]\.?(?:$|\s)", re.MULTILINE)
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:T|\s*Z)?")
_YMD = re.compile(r"(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})")
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})")
_MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH = re.compile(r"(?P<d>\d{1,2})[ -](?P<mon>[A-Za-z]{3,9})\.?[-, ]\s*(?P<y>\d{4})")
_MONTH_DAY = re.compile(r"(?P<mon>[A-Za-z]{3,9})\.? (?P<d>\d{1,2}),? (?P<y>\d{4})")
_FILETIME = re.compile(r"\d{15,19}")
_FILETIME_NEVER = 0x7FFFFFFFFFFFFFFF
_FILETIME_EPOCH = dt.date(1601, 1, 1)  # FILETIME counts 100 ns ticks from 1601-01-01 UTC
#: Fewer ticks than this (1700-01-01) is no real date: 0 and small values mean "never".
_FILETIME_YEAR_1700 = 31_241_376_000_000_000
#: Placeholders that mean "no value".
_NONE_WORDS = frozenset({"", "0", "-", "--", "n/a", "na", "none", "null", "never", "unknown"})


@dataclass(frozen=True, slots=True)
class DateDecision:
    """How a column's ambiguous numeric dates were read, for the import report."""

    column: str
    order: DateOrder
    #: e.g. "settled by 30/07/2025 (line 4)", "--date-order", "guessed: …"
    reason: str
    guessed: bool


class _Bad(ValueError):
    pass


def parse_date_column(
    cells: Sequence[str],
    lines: Sequence[int],
    column: str,
    file: str,
    order: DateOrder | None = None,
    hint: tuple[DateOrder, str] | None = None,
) -> tuple[list[dt.date | None], DateDecision | None]:
    """Parse a column of date cells to dates (the time of day is checked, then dropped).

    ``order`` is the user's ``--date-order``; ``hint`` an order settled by another column
    of the same file. Returns the values (None: no value) and, when the column holds
    ambiguous numeric dates, how their order was decided. Each distinct date is parsed
    once: a column of 35,000 timestamps holds a few hundred days.
    """
    distinct = list(set(cells))
    joined = "\n".join(distinct)
    parts = _TIME_TAIL.sub("", joined).split("\n")
    if len(parts) != len(distinct):  # a cell with a line break: strip one by one
        parts = [_TIME_TAIL.sub("", text) for text in distinct]
    am_pm = ("M" in joined or "m" in joined) and bool(_AM_PM.search(joined))
    part_of = dict(zip(distinct, parts, strict=True))
    numeric: dict[str, re.Match[str]] = {}
    parsed: dict[str, dt.date | None] = {}
    bad: set[str] = set()
    for part in set(parts):
        value = part.strip()
        if value == NULL or value.lower() in _NONE_WORDS:
            parsed[part] = None
            continue
        match = _NUMERIC.fullmatch(value)
        if match is not None:
            numeric[part] = match
            continue
        try:
            parsed[part] = _parse_other(value)
        except _Bad:
            bad.add(part)
    if bad:
        first = _first(cells, {text for text in distinct if part_of[text] in bad})
        assert first is not None
        raise InventoryError(
            f"bad date {first.strip()!r}: expected a date such as 2025-07-30, "
            "30/07/2025 or 7/30/2025 4:27:40 PM",
            file=file,
            line=lines[cells.index(first)],
            field=column,
        )
    decision: DateDecision | None = None
    if numeric:
        decision = _decide(numeric, part_of, cells, lines, column, file, order, hint, am_pm)
        for part, match in numeric.items():
            try:
                parsed[part] = _numeric(match, decision.order)
            except _Bad as exc:
                text = _first(cells, {t for t in distinct if part_of[t] == part})
                assert text is not None
                raise InventoryError(
                    f"bad date {text.strip()!r}: {exc}",
                    file=file,
                    line=lines[cells.index(text)],
                    field=column,
                ) from None
    value_of = dict(zip(distinct, map(parsed.__getitem__, parts), strict=True))
    return list(map(value_of.__getitem__, cells)), decision


def _decide(
    numeric: dict[str, re.Match[str]],
    part_of: dict[str, str],
    cells: Sequence[str],
    lines: Sequence[int],
    column: str,
    file: str,
    order: DateOrder | None,
    hint: tuple[DateOrder, str] | None,
    am_pm: bool,
) -> DateDecision:
    day_parts: set[str] = set()  # date parts that can only be day-first
    month_parts: set[str] = set()
    for part, match in numeric.items():
        if match["sep"] == "." or int(match["a"]) > 12:
            day_parts.add(part)
        elif int(match["b"]) > 12:
            month_parts.add(part)
    day_first = _first_with_part(cells, part_of, day_parts)
    month_first = _first_with_part(cells, part_of, month_parts)

    def where(text: str) -> str:
        return f"{text.strip()} (line {lines[cells.index(text)]})"

    if day_first is not None and month_first is not None:
        later = max(day_first, month_first, key=cells.index)
        raise InventoryError(
            f"the column mixes day-first ({where(day_first)}) and month-first "
            f"({where(month_first)}) dates",
            file=file,
            line=lines[cells.index(later)],
            field=column,
        )
    settled = (
        (DateOrder.DMY, day_first)
        if day_first is not None
        else (DateOrder.MDY, month_first)
        if month_first is not None
        else None
    )
    if settled is not None:
        found, text = settled
        if order is not None and order != found:
            raise InventoryError(
                f"--date-order {order.value} ({order.label}), but {where(text)} "
                f"can only be {found.label}",
                file=file,
                line=lines[cells.index(text)],
                field=column,
            )
        return DateDecision(column, found, f"settled by {where(text)}", guessed=False)
    if order is not None:
        return DateDecision(column, order, "--date-order", guessed=False)
    if hint is not None:
        return DateDecision(column, hint[0], f"as column {hint[1]!r} of the same file", True)
    if am_pm:
        return DateDecision(
            column, DateOrder.MDY, "no value settles it; the 12-hour clock suggests US dates", True
        )
    return DateDecision(column, DateOrder.DMY, "no value settles it", guessed=True)


def _first_with_part(cells: Sequence[str], part_of: dict[str, str], parts: set[str]) -> str | None:
    """The first cell whose date part is one of ``parts``."""
    if not parts:
        return None
    return next(cell for cell in cells if part_of[cell] in parts)


def _first(cells: Sequence[str], texts: set[str]) -> str | None:
    """The first cell that is one of ``texts``."""
    if not texts:
        return None
    return next(cell for cell in cells if cell in texts)


def _numeric(match: re.Match[str], order: DateOrder) -> dt.date | None:
    a, b = int(match["a"]), int(match["b"])
    day, month = (a, b) if order is DateOrder.DMY else (b, a)
    year = int(match["y"])
    if len(match["y"]) == 2:
        year += 2000 if year < 80 else 1900
    return _build(year, month, day)


def _parse_other(value: str) -> dt.date | None:
    match = _ISO.fullmatch(value) or _YMD.fullmatch(value)
    if match is not None:
        return _build(int(match["y"]), int(match["m"]), int(match["d"]))
    if _FILETIME.fullmatch(value):
        ticks = int(value)
        if ticks >= _FILETIME_NEVER or ticks < _FILETIME_YEAR_1700:
            return None
        return _FILETIME_EPOCH + dt.timedelta(microseconds=ticks // 10)
    match = _DAY_MONTH.fullmatch(value) or _MONTH_DAY.fullmatch(value)
    if match is not None:
        month = _MONTHS.get(match["mon"].lower())
        if month is None:
            raise _Bad(value)
        return _build(int(match["y"]), month, int(match["d"]))
    raise _Bad(value)


def _build(year: int, month: int, day: int) -> dt.date | None:
    if year <= 1601 or year >= 9999:
        return None  # 0001-01-01, FILETIME 0 (1601-01-01), 9999-12-31: no value
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise _Bad(str(exc)) from None
