"""Dates as exports write them: formats, placeholders, and the order decided per column."""

from __future__ import annotations

import datetime as dt

import pytest

from tma_audit.errors import InventoryError
from tma_audit.inventory.importers.csvfile import NULL
from tma_audit.inventory.importers.dates import DateOrder, parse_date_column

D = dt.date


def parse(
    *cells: str, order: DateOrder | None = None, hint: tuple[DateOrder, str] | None = None
) -> list[dt.date | None]:
    return parse_date_column(cells, list(range(2, 2 + len(cells))), "When", "x.csv", order, hint)[0]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2021-12-20 11:51:06.4592278", D(2021, 12, 20)),  # Intune: 7-digit fractions
        ("2024-05-01T10:00:00Z", D(2024, 5, 1)),
        ("2024-05-01T23:30:00.123+02:00", D(2024, 5, 1)),
        ("2024-05-01", D(2024, 5, 1)),
        ("2024/05/01 10:00", D(2024, 5, 1)),
        ("30/07/2025 08:22:29", D(2025, 7, 30)),
        ("30.07.2025 08:22", D(2025, 7, 30)),
        ("30-07-2025", D(2025, 7, 30)),
        ("5/26/2025 4:27:40 PM", D(2025, 5, 26)),  # 12-hour clock
        ("5/26/25 4:27 p.m.", D(2025, 5, 26)),
        ("Jul 30, 2025", D(2025, 7, 30)),
        ("30 Jul 2025 10:00", D(2025, 7, 30)),
        ("30-Jul-2025", D(2025, 7, 30)),
        ("September 3 2025", D(2025, 9, 3)),
        ("133983601490000000", D(2025, 7, 30)),  # raw FILETIME (lastLogonTimestamp)
    ],
)
def test_formats(text: str, day: dt.date) -> None:
    assert parse(text) == [day]


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01 00:00:00.0000000",  # Intune: none
        "9999-12-31 23:59:59.9999999",  # Intune: none
        "1/1/1601 12:00:00 AM",  # FILETIME 0 as a date
        "0",  # FILETIME never
        "9223372036854775807",  # FILETIME never
        "",
        NULL,
        "never",
        "N/A",
    ],
)
def test_placeholders_mean_no_value(text: str) -> None:
    assert parse(text) == [None]


def test_order_settled_by_a_first_field_above_12() -> None:
    values, decision = parse_date_column(("05/06/2025", "30/07/2025"), [2, 3], "When", "x.csv")
    assert values == [D(2025, 6, 5), D(2025, 7, 30)]
    assert decision is not None
    assert (decision.order, decision.guessed) == (DateOrder.DMY, False)
    assert decision.reason == "settled by 30/07/2025 (line 3)"


def test_order_settled_by_a_second_field_above_12() -> None:
    assert parse("05/06/2025 10:00", "5/26/2025 10:00") == [D(2025, 5, 6), D(2025, 5, 26)]


def test_an_unsettled_column_follows_date_order_then_hint_then_guesses() -> None:
    assert parse("05/06/2025", order=DateOrder.MDY) == [D(2025, 5, 6)]
    assert parse("05/06/2025", hint=(DateOrder.MDY, "Other")) == [D(2025, 5, 6)]
    _, guess = parse_date_column(("05/06/2025 4:00 PM",), [2], "When", "x.csv")
    assert guess is not None and guess.guessed and guess.order is DateOrder.MDY
    values, guess = parse_date_column(("05/06/2025 16:00",), [2], "When", "x.csv")
    assert values == [D(2025, 6, 5)]
    assert guess is not None and guess.guessed and guess.order is DateOrder.DMY


def test_a_column_mixing_orders_is_refused() -> None:
    with pytest.raises(
        InventoryError,
        match=r"x\.csv:3: When: the column mixes day-first \(30/07/2025 \(line 2\)\) and "
        r"month-first \(5/26/2025 \(line 3\)\) dates",
    ):
        parse("30/07/2025", "5/26/2025")


def test_date_order_contradicted_by_the_data_is_refused() -> None:
    with pytest.raises(InventoryError, match=r"--date-order mdy .* 30/07/2025 \(line 2\)"):
        parse("30/07/2025", order=DateOrder.MDY)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (("2025-07-30", "soon"), r"x\.csv:3: When: bad date 'soon'"),
        (("31/02/2025",), r"x\.csv:2: When: bad date '31/02/2025': day is out of range"),
        (("2025-07-30 25:00:00",), r"bad date '2025-07-30 25:00:00'"),
        (("13/13/2025",), r"bad date '13/13/2025'"),
        (("Foo 3, 2025",), r"bad date 'Foo 3, 2025'"),
    ],
)
def test_bad_dates_name_line_and_column(cells: tuple[str, ...], message: str) -> None:
    with pytest.raises(InventoryError, match=message):
        parse(*cells)


def test_many_timestamps_are_parsed_per_distinct_day() -> None:
    cells = tuple(
        f"{d % 28 + 1:02d}/07/2025 {h:02d}:{m:02d}:00"
        for d in range(20)
        for h in range(24)
        for m in range(0, 60, 7)
    )
    values = parse(*cells)
    assert len(values) == len(cells)
    assert values[0] == D(2025, 7, 1)
