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
    from tma_audit.model import AuditResult, Inventory


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


class Voice:
    """How much a command says besides its report: `--quiet` (errors only, and the
    verdict line), the default (what the import noticed, warnings), `--verbose` (also
    what was read and used)."""

    def __init__(self, *, quiet: bool = False, verbose: bool = False) -> None:
        if quiet and verbose:
            raise InputError("give --quiet or --verbose, not both", field="--quiet")
        self.quiet = quiet
        self.verbose = verbose
        #: warnings that the report on this terminal shows too (set by the command)
        self.warnings_in_report = False

    def notify(self, message: str) -> None:
        if not self.quiet:
            notify(message)

    def warn(self, message: str) -> None:
        if not (self.quiet or self.warnings_in_report):
            warn(message)

    def detail(self, message: str) -> None:
        """A `--verbose` line on standard error."""
        if self.verbose:
            notify(message)


def same_terminal() -> bool:
    """Standard output and standard error are one terminal: what the report prints,
    the user sees there already."""
    try:
        if not (sys.stdout.isatty() and sys.stderr.isatty()):
            return False
        return os.fstat(sys.stdout.fileno()).st_rdev == os.fstat(sys.stderr.fileno()).st_rdev
    except (OSError, ValueError):
        return False


def notify(message: str) -> None:
    """What an import tells the user while auditing (standard error)."""
    say_err(f"tma-audit: {message}\n")


def use_color(stream_is_tty: bool) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream_is_tty


def terminal_width() -> int:
    """`COLUMNS` if set, else the terminal's width, else (a pipe, a file) REPORT_WIDTH."""
    from tma_audit.reports import REPORT_WIDTH as default

    columns = os.environ.get("COLUMNS")
    if columns and re.fullmatch(r"[0-9]{1,5}", columns):  # not '²', not 5,000 digits
        return max(40, int(columns))
    if sys.stdout.isatty():
        try:
            return max(40, os.get_terminal_size().columns)
        except OSError:
            return default
    return default


def tell_inputs(voice: Voice, inventory: Inventory, result: AuditResult) -> None:
    """`--verbose`: what the audit read and used, on standard error."""
    from collections import Counter

    from tma_audit.model import ALL_KINDS

    if not voice.verbose:
        return
    kinds = Counter(a.kind.value if a.kind is not None else "(no kind)" for a in inventory.assets)
    voice.detail(
        f"read {', '.join(inventory.sources) or '(no file)'}: {len(inventory.assets):,} "
        f"assets ({', '.join(f'{n:,} {k}' for k, n in sorted(kinds.items()))}), "
        f"client {inventory.client.name!r}, {len(inventory.client.sites)} site(s)"
    )
    coverage = inventory.coverage
    if coverage.facts or coverage.kinds != ALL_KINDS:
        listed = ", ".join(sorted(k.value for k in coverage.kinds)) or "none"
        voice.detail(f"sources list completely: {listed}")
        for fact, labels in coverage.facts:
            voice.detail(f"  {fact}: vouched for by {', '.join(labels)}")
    ruleset = result.ruleset
    enabled = sum(1 for rule in ruleset.rules if rule.enabled)
    voice.detail(f"ruleset {ruleset.id} {ruleset.version}: {enabled} rules enabled")
    data = result.data
    updates = data.updates_date.isoformat() if data.updates_date else "none"
    voice.detail(
        f"lifecycle data {data.date.isoformat()} ({data.origin}); Windows updates to {updates}"
    )
    for source, day in data.sources:
        voice.detail(f"  {day}: {source}")
    if result.baseline is not None:
        voice.detail(f"baseline: {len(result.baseline):,} known findings")
    voice.detail(f"audit date {result.as_of.isoformat()}")
