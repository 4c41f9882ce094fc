"""Helpers shared by commands: dates, colour, width (files are written by tma_audit.fileio)."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys

from tma_audit.errors import InputError
from tma_audit.limits import audit_date_problem
from tma_audit.safetext import for_terminal


def parse_as_of(text: str | None) -> dt.date:
    """--as-of DATE, or today (the CLI is the only place that reads the clock)."""
    if text is None:
        return dt.date.today()  # noqa: DTZ011 - the audit date is the user's local day
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"bad date {text!r}: expected YYYY-MM-DD", field="--as-of") from None
    problem = audit_date_problem(day)
    if problem is not None:
        raise InputError(problem, field="--as-of")
    return day


def say(text: str) -> None:
    """Write text for people to standard output, without control characters."""
    sys.stdout.write(for_terminal(text))


def say_err(text: str) -> None:
    """Write a message for people to standard error, without control characters."""
    sys.stderr.write(for_terminal(text))


def use_color(stream_is_tty: bool) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream_is_tty


def terminal_width(default: int = 100) -> int:
    columns = os.environ.get("COLUMNS")
    if columns and re.fullmatch(r"[0-9]{1,5}", columns):  # not '²', not 5,000 digits
        return max(40, int(columns))
    if sys.stdout.isatty():
        try:
            return max(40, os.get_terminal_size().columns)
        except OSError:
            return default
    return default
