"""The ruleset-level parameters every check receives (a ruleset's `parameters:`)."""

from __future__ import annotations

from tma_audit.limits import MAX_DAYS
from tma_audit.rules.registry import ParamSpec

#: Parameters every check receives (ruleset-level `parameters`).
GLOBAL_PARAMS: dict[str, ParamSpec] = {
    "look_ahead_days": ParamSpec(
        "int",
        90,
        "Warn on passing items whose support, licence or warranty ends within "
        "this many days of the audit date.",
        minimum=0,
        maximum=MAX_DAYS,
    ),
    "lifecycle_stale_warn_days": ParamSpec(
        "int",
        90,
        "Warn when the lifecycle data is more than this many days older than the audit date.",
        minimum=0,
        maximum=MAX_DAYS,
    ),
    "lifecycle_stale_error_days": ParamSpec(
        "int",
        180,
        "Refuse to audit (exit 3) on lifecycle data more than this many days older than the "
        "audit date, unless --allow-stale.",
        minimum=0,
        maximum=MAX_DAYS,
    ),
    "waiver_max_days": ParamSpec(
        "int",
        365,
        "Longest a liability waiver may run, approval date to expiry; a longer one is "
        "honoured only this long (`waivers lint` reports it).",
        minimum=1,
        maximum=MAX_DAYS,
    ),
    "waiver_warn_days": ParamSpec(
        "int",
        30,
        "Warn about waivers that expire within this many days of the audit date.",
        minimum=0,
        maximum=MAX_DAYS,
    ),
    "waiver_review_days": ParamSpec(
        "int",
        180,
        "A drafted waiver's expiry / review date: this many days after the audit date.",
        minimum=1,
        maximum=MAX_DAYS,
    ),
}
