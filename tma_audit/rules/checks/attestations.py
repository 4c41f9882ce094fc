"""What the client attests: SC-3 insurance, SC-4 change notification, SC-9 continuity
plan, SC-8 wireless, SC-10 line-of-business applications.
"""

from __future__ import annotations

import datetime as dt
import re

from tma_audit.history import changes_since
from tma_audit.limits import MAX_MONTHS
from tma_audit.model import (
    Application,
    Client,
    Outcome,
    PreviousAudit,
    Site,
    SubjectType,
    Verdict,
)
from tma_audit.rules.checks.support import (
    FAIL,
    NA,
    PASS,
    UNKNOWN,
    ahead,
    iso,
)
from tma_audit.rules.coverage import GAP_KEY
from tma_audit.rules.registry import Context, EvidenceWanted, ParamSpec, check

# --- SC-3, SC-4, SC-9: client attestations -----------------------------------------------------


@check("cyber_insurance", subjects={SubjectType.CLIENT}, evidence=EvidenceWanted("insurance"))
def cyber_insurance(client: Client, ctx: Context) -> Verdict:
    """A cyber-security insurance policy is in force on the audit date."""
    policy = ctx.inventory.attestations.cyber_insurance
    if policy is None:
        return Verdict(UNKNOWN, "cyber insurance not stated")
    name = " ".join(p for p in (policy.carrier, policy.policy) if p) or "policy"
    if policy.expires is None:
        return Verdict(UNKNOWN, f"cyber insurance {name}: expiry not stated")
    evidence = (("expires", iso(policy.expires)),)
    if policy.expires < ctx.as_of:
        return Verdict(FAIL, f"cyber insurance {name} expired {iso(policy.expires)}", evidence)
    return Verdict(
        PASS,
        f"cyber insurance {name} in force to {iso(policy.expires)}",
        evidence,
        ahead("cyber insurance", policy.expires, ctx),
    )


@check(
    "change_notification",
    subjects={SubjectType.CLIENT},
    evidence=EvidenceWanted("change-notification"),
)
def change_notification(client: Client, ctx: Context) -> Verdict:
    """The client has a contact or process for notifying the provider of changes; with a
    previous audit (`--baseline`), every asset added, removed or with another OS since
    then has a change notice (`attestations.changes`)."""
    contact = ctx.inventory.attestations.change_notification
    previous = ctx.inventory.previous
    if previous is not None:
        verdict = _history(previous, ctx)
        if verdict is not None:
            return verdict
    if not contact:
        return Verdict(UNKNOWN, "no change-notification contact or process attested")
    return Verdict(PASS, f"changes are notified by {contact}", (("contact", contact),))


#: how many hosts a history verdict names before "and N more"
_NAMED = 5


def _history(previous: PreviousAudit, ctx: Context) -> Verdict | None:
    """SC-4 from history: a fail naming the changes no notice covers; a pass when every
    change was notified; None when nothing changed (the attestation decides)."""
    changes = changes_since(ctx.inventory, previous, ctx.as_of)
    if not changes:
        return None
    since = f"since the audit of {iso(previous.as_of)} ({previous.source})"
    silent = [c for c in changes if c.notice is None]
    evidence = (("previous_audit", iso(previous.as_of)), ("previous_report", previous.source))
    if silent:
        named = ", ".join(c.describe() for c in silent[:_NAMED])
        more = f" and {len(silent) - _NAMED} more" if len(silent) > _NAMED else ""
        return Verdict(
            FAIL,
            f"{len(silent)} of {len(changes)} asset change(s) {since} have no change notice: "
            f"{named}{more}",
            (*evidence, ("unnotified", str(len(silent))), ("changes", str(len(changes)))),
        )
    references = sorted({c.notice.reference for c in changes if c.notice is not None})
    return Verdict(
        PASS,
        f"all {len(changes)} asset change(s) {since} were notified ({', '.join(references)})",
        (*evidence, ("changes", str(len(changes)))),
    )


@check(
    "continuity_plan",
    subjects={SubjectType.CLIENT},
    params={
        "review_months": ParamSpec(
            "int",
            12,
            "Longest acceptable time since the business continuity plan was reviewed.",
            minimum=1,
            maximum=MAX_MONTHS,
        )
    },
    evidence=EvidenceWanted("continuity"),
)
def continuity_plan(client: Client, ctx: Context) -> Verdict:
    """The business continuity plan was reviewed within the review period."""
    months = int(ctx.params["review_months"])
    plan = ctx.inventory.attestations.continuity_plan
    if plan is None:
        return Verdict(UNKNOWN, "no business continuity plan stated")
    if plan.last_reviewed is None:
        return Verdict(
            UNKNOWN, "business continuity plan stated, but not when it was last reviewed"
        )
    due = _add_months(plan.last_reviewed, months)
    evidence = (("last_reviewed", iso(plan.last_reviewed)),)
    if due < ctx.as_of:
        return Verdict(
            FAIL,
            f"business continuity plan last reviewed "
            f"{iso(plan.last_reviewed)}: review was due {iso(due)} "
            f"(every {months} months)",
            evidence,
        )
    return Verdict(
        PASS,
        f"business continuity plan reviewed {iso(plan.last_reviewed)}; next review due {iso(due)}",
        evidence,
        ahead("plan review period", due, ctx),
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months, saturating at the last date there is."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


# --- SC-8: wireless --------------------------------------------------------------------------

_STRONG = re.compile(r"wpa[23]")
_WEAK_MARKERS = ("tkip", "wep", "open", "none", "unencrypted", "no security")


def classify_wireless(security: str) -> Outcome:
    """PASS for WPA2/WPA3 with AES, FAIL for open/WEP/WPA/TKIP, UNKNOWN otherwise."""
    low = security.strip().lower().replace("_", "-")
    if any(marker in low for marker in _WEAK_MARKERS):
        return FAIL
    if _STRONG.search(low):
        return PASS
    if re.search(r"\bwpa\b|wpa-", low) or low.startswith("wpa"):
        return FAIL
    return UNKNOWN


@check("wireless_encryption", subjects={SubjectType.SITE}, evidence=EvidenceWanted("wireless"))
def wireless_encryption(site: Site, ctx: Context) -> Verdict:
    """Every wireless network at the site uses WPA2 or WPA3 with AES."""
    statements = [w for w in ctx.inventory.attestations.wireless if w.site == site.name]
    if not statements:
        return Verdict(
            UNKNOWN,
            f"no source states the wireless networks at site {site.name}: add "
            "attestations.wireless for it (each network's security, or no_wireless: true)",
            ((GAP_KEY, "wireless"),),
        )
    if any(w.no_wireless for w in statements) and not any(w.networks for w in statements):
        return Verdict(PASS, f"site {site.name} attests no wireless networks")
    weak: list[str] = []
    unclear: list[str] = []
    good: list[str] = []
    for statement in statements:
        for network in statement.networks:
            outcome = classify_wireless(network.security)
            text = f"{network.ssid} ({network.security})"
            {FAIL: weak, UNKNOWN: unclear, PASS: good}[outcome].append(text)
    if weak:
        return Verdict(FAIL, "unencrypted or weakly encrypted wireless: " + ", ".join(weak))
    if unclear:
        return Verdict(UNKNOWN, "wireless security not recognisable: " + ", ".join(unclear))
    if not good:
        return Verdict(UNKNOWN, f"site {site.name}: wireless statement lists no networks")
    return Verdict(PASS, "encrypted wireless: " + ", ".join(good))


# --- SC-10: line-of-business applications ------------------------------------------------------


@check(
    "lob_support",
    subjects={SubjectType.APPLICATION, SubjectType.CLIENT},
    evidence=EvidenceWanted("applications"),
)
def lob_support(subject: Application | Client, ctx: Context) -> Verdict:
    """Each line-of-business application has current vendor support or a support contact."""
    if isinstance(subject, Client):
        att = ctx.inventory.attestations
        if not att.applications_stated:
            return Verdict(UNKNOWN, "no line-of-business applications stated")
        if not att.applications:
            return Verdict(NA, "the client attests no line-of-business applications")
        return Verdict(NA, f"{len(att.applications)} application(s) judged one by one")
    app = subject
    label = app.name + (f" ({app.vendor})" if app.vendor else "")
    if app.support_expires is not None:
        evidence = (("support_expires", iso(app.support_expires)),)
        if app.support_expires >= ctx.as_of:
            return Verdict(
                PASS,
                f"{label}: vendor support current to {iso(app.support_expires)}",
                evidence,
                ahead(f"{app.name} support", app.support_expires, ctx),
            )
        if app.support_contact:
            return Verdict(
                PASS,
                f"{label}: vendor support expired "
                f"{iso(app.support_expires)}, but supported by "
                f"{app.support_contact}",
                evidence,
            )
        return Verdict(
            FAIL, f"{label}: vendor support expired {iso(app.support_expires)}", evidence
        )
    if app.support_contact:
        return Verdict(PASS, f"{label}: supported by {app.support_contact}")
    return Verdict(UNKNOWN, f"{label}: no support contract or contact stated")
