"""How old lifecycle data may be for an audit. Pure: the audit date is passed in.

Two uses, two rules (issue 6, docs/data.md):

- lifecycle dates (support, ESU): older than ``lifecycle_stale_warn_days`` (90) on the
  audit date → a warning; older than ``lifecycle_stale_error_days`` (180) → a DataError
  (exit 3) unless the user allows stale data;
- latest-update revisions (MS-1U, MS-2U): the update history must show the security
  release due on the audit date (the latest Patch Tuesday before the rule's grace period).
  When it cannot, the update checks already say *unknown* per asset; here it is a warning.

The thresholds are ruleset parameters (the first two global, ``grace_days`` per rule).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from tma_audit.errors import DataError

if TYPE_CHECKING:
    from tma_audit.model import Ruleset

DEFAULT_WARN_DAYS = 90
DEFAULT_ERROR_DAYS = 180
DEFAULT_GRACE_DAYS = 14
#: The check that needs update data (MS-1U, MS-2U).
UPDATES_CHECK = "windows_updates_current"
UPDATE_COMMAND = "run `tma-audit data update`"


class StaleDataError(DataError):
    """Lifecycle data too old to audit on (exit 3)."""


class Level(StrEnum):
    FRESH = "fresh"
    WARN = "warn"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class StalenessPolicy:
    """The thresholds, from a ruleset's parameters."""

    warn_days: int = DEFAULT_WARN_DAYS
    error_days: int = DEFAULT_ERROR_DAYS
    #: the shortest grace period of the enabled update rules; None: no update rule
    update_grace_days: int | None = DEFAULT_GRACE_DAYS
    update_rules: tuple[str, ...] = ("MS-1U", "MS-2U")

    @classmethod
    def from_ruleset(cls, ruleset: Ruleset) -> StalenessPolicy:
        params = ruleset.parameters
        update_rules = [r for r in ruleset.rules if r.enabled and r.check == UPDATES_CHECK]
        graces = [int(r.params.get("grace_days", DEFAULT_GRACE_DAYS)) for r in update_rules]
        return cls(
            warn_days=int(params.get("lifecycle_stale_warn_days", DEFAULT_WARN_DAYS)),
            error_days=int(params.get("lifecycle_stale_error_days", DEFAULT_ERROR_DAYS)),
            update_grace_days=min(graces) if graces else None,
            update_rules=tuple(r.id for r in update_rules),
        )


@dataclass(frozen=True, slots=True)
class Staleness:
    """Whether data is fresh enough for one use, and a sentence that says so."""

    use: str  # "lifecycle dates" | "latest updates"
    level: Level
    message: str


def patch_tuesday(year: int, month: int) -> dt.date:
    """The second Tuesday of a month: Microsoft's monthly security release."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)


def latest_patch_tuesday(on_or_before: dt.date) -> dt.date:
    candidate = patch_tuesday(on_or_before.year, on_or_before.month)
    if candidate <= on_or_before:
        return candidate
    if on_or_before.month > 1:
        return patch_tuesday(on_or_before.year, on_or_before.month - 1)
    return patch_tuesday(on_or_before.year - 1, 12)


def due_security_release(as_of: dt.date, grace_days: int) -> dt.date:
    """The Patch Tuesday an up-to-date device must have on ``as_of`` (as MS-1U computes it)."""
    return latest_patch_tuesday(as_of - dt.timedelta(days=grace_days + 1))


def lifecycle_staleness(
    data_date: dt.date, as_of: dt.date, policy: StalenessPolicy, *, allow_stale: bool = False
) -> Staleness:
    age = (as_of - data_date).days
    if age < 0:
        what = f"lifecycle data from {data_date} is newer than the audit date {as_of}"
    else:
        what = (
            f"lifecycle data from {data_date} is {age} day{'' if age == 1 else 's'} old on {as_of}"
        )
    limits = f"warn after {policy.warn_days} days, error after {policy.error_days}"
    if age > policy.error_days:
        if allow_stale:
            return Staleness(
                "lifecycle dates",
                Level.WARN,
                f"{what}, more than {policy.error_days} days (allowed by --allow-stale): "
                f"support dates may have changed; {UPDATE_COMMAND}",
            )
        return Staleness(
            "lifecycle dates",
            Level.ERROR,
            f"{what}, more than {policy.error_days} days: support dates may have changed; "
            f"{UPDATE_COMMAND}, or pass --allow-stale to audit on it anyway",
        )
    if age > policy.warn_days:
        return Staleness(
            "lifecycle dates",
            Level.WARN,
            f"{what}, more than {policy.warn_days} days: support dates may have changed; "
            f"{UPDATE_COMMAND}",
        )
    return Staleness("lifecycle dates", Level.FRESH, f"{what} ({limits})")


def updates_staleness(
    updates_date: dt.date | None, as_of: dt.date, policy: StalenessPolicy
) -> Staleness | None:
    """None when no enabled rule needs update data."""
    grace = policy.update_grace_days
    if grace is None:
        return None
    due = due_security_release(as_of, grace)
    rules = "/".join(policy.update_rules) or "update checks"
    if updates_date is not None and updates_date >= due:
        return Staleness(
            "latest updates",
            Level.FRESH,
            f"Windows update history to {updates_date} shows the {due} security release "
            f"due on {as_of} ({rules}, {grace}-day grace)",
        )
    since = f"from {updates_date}" if updates_date else "of unknown date"
    return Staleness(
        "latest updates",
        Level.WARN,
        f"Windows update history {since} cannot show the {due} security release due on "
        f"{as_of} ({rules}, {grace}-day grace): a device at the latest revision it knows is "
        f"unknown, not pass; {UPDATE_COMMAND} or give last-patched dates",
    )


def assess(
    data_date: dt.date,
    updates_date: dt.date | None,
    as_of: dt.date,
    policy: StalenessPolicy,
    *,
    allow_stale: bool = False,
) -> tuple[Staleness, ...]:
    """Staleness per use, lifecycle dates first."""
    life = lifecycle_staleness(data_date, as_of, policy, allow_stale=allow_stale)
    updates = updates_staleness(updates_date, as_of, policy)
    return (life,) if updates is None else (life, updates)


def check_for_audit(
    data_date: dt.date,
    updates_date: dt.date | None,
    as_of: dt.date,
    policy: StalenessPolicy,
    *,
    allow_stale: bool = False,
) -> tuple[str, ...]:
    """The warnings an audit on this data must show; raises StaleDataError when too old."""
    results = assess(data_date, updates_date, as_of, policy, allow_stale=allow_stale)
    for item in results:
        if item.level is Level.ERROR:
            raise StaleDataError(item.message)
    return tuple(item.message for item in results if item.level is Level.WARN)
