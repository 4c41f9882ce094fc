"""Limits on numbers and dates in every input, and date arithmetic that cannot overflow.

One place for each limit (README, "Bad input", says what they are):

- a whole number has at most MAX_INT_DIGITS digits (Python refuses to convert more
  than 4,300, and no count, day or hour figure needs more than 15);
- a number of days in a ruleset parameter is at most MAX_DAYS, of months MAX_MONTHS;
- the audit date lies between AUDIT_DATE_MIN and AUDIT_DATE_MAX, so that the audit
  date plus or minus any parameter stays a date.

Dates in inventories and waiver registers are not limited (`9999-12-31` is a common
"never expires"); arithmetic on them saturates at the first or last date instead.
"""

from __future__ import annotations

import datetime as dt

MAX_INT_DIGITS = 15
#: 100 years
MAX_DAYS = 36_500
MAX_MONTHS = 1_200
#: most hours a ruleset may estimate for fixing one finding
MAX_EFFORT_HOURS = 100_000.0
AUDIT_DATE_MIN = dt.date(1900, 1, 1)
AUDIT_DATE_MAX = dt.date(9000, 12, 31)


def audit_date_problem(day: dt.date) -> str | None:
    """Why `day` cannot be an audit date (or an expiry given with one), or None."""
    if AUDIT_DATE_MIN <= day <= AUDIT_DATE_MAX:
        return None
    return (
        f"{day.isoformat()} is out of range "
        f"({AUDIT_DATE_MIN.isoformat()} to {AUDIT_DATE_MAX.isoformat()})"
    )


def add_days(day: dt.date, days: int) -> dt.date:
    """`day` plus `days` (negative: minus), saturating at date.min and date.max."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min
