"""Helpers shared by commands: dates, messages, colour, width (files are written by
tma_audit.fileio)."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tma_audit.errors import InputError
from tma_audit.limits import audit_date_problem
from tma_audit.safetext import for_terminal

if TYPE_CHECKING:
    from tma_audit.lifecycle.in_use import DataChoice


def parse_as_of(text: str | None) -> dt.date:
    """--as-of DATE, or today (the CLI is the only place that reads the clock)."""
    if text is None:
        return dt.date.today()  # noqa: DTZ011 - the audit date is the user's local day
    return parse_date(text, "--as-of")


def parse_date(text: str, field: str) -> dt.date:
    """A date option (YYYY-MM-DD, within the dates the tool computes with)."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"bad date {text!r}: expected YYYY-MM-DD", field=field) from None
    problem = audit_date_problem(day)
    if problem is not None:
        raise InputError(problem, field=field)
    return day


def data_choice(
    data: Path | None, cache_dir: Path | None = None, allow_stale: bool = False
) -> DataChoice:
    """The lifecycle data options of a command, with today's date (read here)."""
    from tma_audit.lifecycle.in_use import DataChoice

    return DataChoice(parse_as_of(None), data, cache_dir, allow_stale)


def say(text: str) -> None:
    """Write text for people to standard output, without control characters."""
    sys.stdout.write(for_terminal(text))


def say_err(text: str) -> None:
    """Write a message for people to standard error, without control characters."""
    sys.stderr.write(for_terminal(text))


def warn(message: str) -> None:
    """A warning on standard error: `tma-audit: warning: …`."""
    say_err(f"tma-audit: warning: {message}\n")


def notify(message: str) -> None:
    """What an import tells the user while auditing (standard error)."""
    say_err(f"tma-audit: {message}\n")


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
