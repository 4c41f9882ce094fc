"""The lifecycle data a command uses: its settings, which snapshot, and its warnings.

- `data_settings`: options > environment > settings file > defaults (`settings.py`), for
  this process (its environment, platform and home directory);
- `DataChoice`: what the command line chose (`--data`, `--cache-dir`, `--allow-stale`)
  and today's date, read by the CLI: the pinned snapshot, else the newer of the shipped
  and the cached data (`cache.load_best`);
- `load_for_audit`: that data for an audit, with the warnings about it (a broken cache,
  stale data), given to the caller's `warn` and returned for the report's notes.

No clock (today is passed in), no printing, no network: audits never refresh.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tma_audit.lifecycle.cache import DataInUse
    from tma_audit.lifecycle.settings import DataSettings
    from tma_audit.lifecycle.store import Lifecycle
    from tma_audit.model import Ruleset


def data_settings(
    *,
    cache_dir: Path | None = None,
    endoflife_url: str | None = None,
    updates_url: str | None = None,
    timeout: float | None = None,
    retries: int | None = None,
    msrc_url: str | None = None,
    deadline: float | None = None,
) -> DataSettings:
    """The data settings: these options > environment > settings file > defaults."""
    from tma_audit.lifecycle.settings import resolve_data_settings

    try:
        home = Path.home()
    except RuntimeError:  # no home directory known: the cache goes to the current one
        home = Path.cwd()
    return resolve_data_settings(
        env=os.environ,
        platform=sys.platform,
        home=home,
        cache_dir=cache_dir,
        endoflife_url=endoflife_url,
        updates_url=updates_url,
        timeout=timeout,
        retries=retries,
        msrc_url=msrc_url,
        deadline=deadline,
        cwd=Path.cwd(),
    )


@dataclass(frozen=True, slots=True)
class DataChoice:
    """Which lifecycle data a command uses."""

    #: today (the CLI reads the clock): a cache dated later is not used
    today: dt.date
    #: `--data`: this snapshot, and no other
    pinned: Path | None = None
    #: `--cache-dir`, else the settings
    cache_dir: Path | None = None
    #: `--allow-stale`: data too old for the ruleset is a warning, not an error
    allow_stale: bool = False

    def settings(self) -> DataSettings:
        return data_settings(cache_dir=self.cache_dir)

    def load(self, settings: DataSettings | None = None) -> DataInUse:
        """The pinned snapshot, else the newer of the shipped and the cached data (the
        settings are resolved here when not given, and only then)."""
        from tma_audit.lifecycle.cache import load_best, load_pinned

        if self.pinned is not None:
            return load_pinned(self.pinned)
        cache_dir = (settings or self.settings()).cache_dir
        return load_best(cache_dir, today=self.today)


def load_for_audit(
    choice: DataChoice,
    ruleset: Ruleset,
    as_of: dt.date,
    *,
    warn: Callable[[str], None],
) -> tuple[Lifecycle, tuple[str, ...]]:
    """The lifecycle data of an audit and the warnings about it (a broken cache, stale
    data), each given to `warn` and all returned for the report's notes.

    Data too old for the ruleset's lifecycle_stale_error_days raises StaleDataError
    (exit 3) unless the choice allows stale data.
    """
    from tma_audit.lifecycle.staleness import StalenessPolicy, check_for_audit

    in_use = choice.load()
    policy = StalenessPolicy.from_ruleset(ruleset)
    info = in_use.info
    notes = (
        *in_use.warnings,
        *check_for_audit(
            info.date, info.updates_date, as_of, policy, allow_stale=choice.allow_stale
        ),
    )
    for message in notes:
        warn(message)
    return in_use.lifecycle, tuple(notes)
