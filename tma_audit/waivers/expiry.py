"""Whether a waiver is in force on a date: approval, expiry, the ruleset's cap. Pure.

Dates are inclusive: a waiver that expires on 2027-05-31 still covers its findings on
that day. The ruleset caps a waiver's length (`waiver_max_days`, approval date to
expiry): a longer waiver is honoured only up to the cap, and `waivers lint` reports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tma_audit.limits import add_days
from tma_audit.rules.parameters import GLOBAL_PARAMS
from tma_audit.waivers.waiver import Waiver

#: Fields without which a waiver covers nothing: it is not signed, or has no end.
SIGNATURE_FIELDS = ("approved_by", "approval_date", "expires")


@dataclass(frozen=True, slots=True)
class WaiverPolicy:
    """The ruleset parameters about waivers."""

    max_days: int
    warn_days: int
    review_days: int

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> WaiverPolicy:
        def get(name: str) -> int:
            value = parameters.get(name)
            return int(value if value is not None else GLOBAL_PARAMS[name].default)

        return cls(
            max_days=get("waiver_max_days"),
            warn_days=get("waiver_warn_days"),
            review_days=get("waiver_review_days"),
        )


class Status(StrEnum):
    IN_FORCE = "in force"
    EXPIRING = "expiring"  # in force, but ends within the warning window
    EXPIRED = "expired"
    NOT_YET = "not yet in force"  # approved after the audit date
    INCOMPLETE = "incomplete"  # not approved, or no expiry: covers nothing

    @property
    def covers(self) -> bool:
        return self in (Status.IN_FORCE, Status.EXPIRING)


@dataclass(frozen=True, slots=True)
class Assessment:
    status: Status
    #: the expiry, capped at approval date + waiver_max_days; None when not known
    effective_expiry: dt.date | None
    #: True when the waiver runs longer than the ruleset allows (and is cut short)
    capped: bool
    missing: tuple[str, ...]
    days_left: int | None
    max_days: int

    @property
    def warning(self) -> str | None:
        """The note a waived finding carries when its waiver ends soon."""
        if self.status is not Status.EXPIRING or self.effective_expiry is None:
            return None
        return f"waiver expires on {self.effective_expiry.isoformat()} ({_in_days(self.days_left)})"

    def note(self, waived: int, expired: int) -> str | None:
        """A report note about this waiver, or None when all is well."""
        capped = (
            f" (cut to the ruleset's maximum of {self.max_days} days after approval)"
            if self.capped
            else ""
        )
        expiry = self.effective_expiry.isoformat() if self.effective_expiry else ""
        if self.status is Status.INCOMPLETE:
            return f"covers nothing: {', '.join(self.missing)} missing (complete it once signed)"
        if self.status is Status.NOT_YET:
            return "covers nothing yet: approved after the audit date"
        if self.status is Status.EXPIRED:
            items = f"; {expired} finding(s) count again" if expired else ""
            return f"expired on {expiry}{capped}{items}"
        if self.status is Status.EXPIRING:
            return (
                f"expires on {expiry}{capped} ({_in_days(self.days_left)}): renew it or fix "
                f"the {waived} finding(s) it covers"
            )
        if self.capped:
            return f"ends on {expiry}{capped}"
        return None


def _in_days(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"


def effective_expiry(waiver: Waiver, policy: WaiverPolicy) -> tuple[dt.date | None, bool]:
    """The expiry, capped at approval date + max_days; and whether the cap applied."""
    if waiver.expires is None:
        return None, False
    if waiver.approval_date is None:
        return waiver.expires, False
    cap = add_days(waiver.approval_date, policy.max_days)
    if waiver.expires > cap:
        return cap, True
    return waiver.expires, False


def missing_signature_fields(waiver: Waiver) -> tuple[str, ...]:
    return tuple(name for name in SIGNATURE_FIELDS if getattr(waiver, name) in (None, ""))


def assess(waiver: Waiver, as_of: dt.date, policy: WaiverPolicy) -> Assessment:
    expiry, capped = effective_expiry(waiver, policy)
    missing = missing_signature_fields(waiver)
    days_left = (expiry - as_of).days if expiry is not None else None
    if missing:
        status = Status.INCOMPLETE
    elif waiver.approval_date is not None and as_of < waiver.approval_date:
        status = Status.NOT_YET
    elif days_left is not None and days_left < 0:
        status = Status.EXPIRED
    elif days_left is not None and days_left <= policy.warn_days:
        status = Status.EXPIRING
    else:
        status = Status.IN_FORCE
    return Assessment(status, expiry, capped, missing, days_left, policy.max_days)
