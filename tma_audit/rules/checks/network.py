"""MS-6 / SC-1 (firewalls) and SC-2 (router and switch warranty)."""

from __future__ import annotations

import datetime as dt

from tma_audit.lifecycle import SupportStatus
from tma_audit.model import (
    Asset,
    AssetKind,
    FormFactor,
    Inventory,
    Role,
    Site,
    SubjectType,
    Verdict,
)
from tma_audit.rules.checks.support import (
    FAIL,
    NA,
    PASS,
    UNKNOWN,
    Dates,
    ahead,
    fail_or_unknown,
    iso,
    join_warnings,
)
from tma_audit.rules.coverage import coverage_gap, site_coverage
from tma_audit.rules.registry import Context, EvidenceWanted, ParamSpec, asset_key, check

# --- MS-6 / SC-1: firewalls ---------------------------------------------------------------


def _firewalls(inventory: Inventory) -> list[Asset]:
    """The inventory's firewalls: MS-6 judges each site, and the scan of every asset is the
    same for all of them (built once per audit, `Context.shared`)."""
    return [a for a in inventory.assets if a.kind is AssetKind.FIREWALL]


def _firewalls_at(site: Site | None, ctx: Context) -> list[Asset]:
    firewalls = ctx.shared(_firewalls)
    if site is None:
        return firewalls
    single = len(ctx.inventory.client.sites) <= 1
    return [a for a in firewalls if a.site == site.name or (a.site is None and single)]


@check("hardware_firewall", subjects={SubjectType.SITE}, evidence=EvidenceWanted("firewall-facts"))
def hardware_firewall(site: Site, ctx: Context) -> Verdict:
    """A licensed, vendor-supported hardware firewall guards the site's internet access."""
    if not site.internet:
        return Verdict(NA, f"site {site.name} has no internet access")
    firewalls = _firewalls_at(site, ctx)
    if not firewalls:
        gap = coverage_gap(ctx, (AssetKind.FIREWALL,), site.name)
        return gap or Verdict(FAIL, f"no firewall listed at site {site.name}")
    verdicts = [_firewall_verdict(fw, ctx) for fw in firewalls]
    return min(verdicts, key=lambda v: {PASS: 0, UNKNOWN: 1, FAIL: 2}[v.outcome])


def _licence_date(fw: Asset) -> dt.date | None:
    """A firewall's licence runs out with the first of its licence and subscription."""
    days = [d for d in (fw.license_expires, fw.subscription_expires) if d is not None]
    return min(days) if days else None


def _firewall_verdict(fw: Asset, ctx: Context) -> Verdict:
    fails: list[str] = []
    unknowns: list[str] = []
    warnings: list[str | None] = []
    evidence: list[tuple[str, str]] = [("firewall", fw.hostname)]
    if fw.form is None:
        unknowns.append("hardware or virtual not stated")
    elif fw.form.value != "hardware":
        fails.append(f"a {fw.form.value} firewall, not a hardware firewall")
    if fw.licensed is False:
        fails.append("not licensed")
    licence = _licence_date(fw)
    if licence is not None:
        evidence.append(("license_expires", iso(licence)))
        if licence < ctx.as_of:
            fails.append(f"licence expired {iso(licence)}")
        else:
            warnings.append(ahead("firewall licence", licence, ctx))
    elif fw.licensed is None:
        unknowns.append("licence not stated")
    support_known = False
    if fw.support_expires is not None:
        support_known = True
        evidence.append(("support_expires", iso(fw.support_expires)))
        if fw.support_expires < ctx.as_of:
            fails.append(f"vendor support expired {iso(fw.support_expires)}")
        else:
            warnings.append(ahead("firewall support", fw.support_expires, ctx))
    if fw.os is not None:
        release = ctx.lifecycle.find_release(fw.os.name, fw.os.version)
        if release is not None:
            support_known = True
            status = ctx.lifecycle.support_status(release, ctx.as_of, False)
            evidence.append(("firmware", release.label))
            if status.status == SupportStatus.ENDED:
                fails.append(f"firmware {status.reason}")
            else:
                warnings.append(ahead(f"{release.label} support", status.until, ctx))
    if not support_known:
        unknowns.append("vendor support not stated")
    name = fw.hostname
    if fails:
        return Verdict(FAIL, f"{name}: " + "; ".join(fails), tuple(evidence))
    if unknowns:
        return Verdict(UNKNOWN, f"{name}: " + "; ".join(unknowns), tuple(evidence))
    return Verdict(
        PASS,
        f"{name}: licensed, vendor-supported hardware firewall",
        tuple(evidence),
        join_warnings(warnings),
    )


@check(
    "firewall_contracts",
    subjects={SubjectType.ASSET, SubjectType.SITE},
    params={
        "require": ParamSpec(
            "str-list",
            ["license", "support", "warranty"],
            "Which dates must be current: license, support, warranty "
            "(warranty is not required of virtual firewalls).",
        )
    },
    evidence=EvidenceWanted("firewall-facts"),
)
def firewall_contracts(fw: Asset | Site, ctx: Context) -> Verdict:
    """Firewall licence, manufacturer support and warranty are current."""
    if isinstance(fw, Site):
        return site_coverage(fw, ctx, (AssetKind.FIREWALL,), "firewalls")
    required = set(ctx.params["require"])
    dates = Dates(ctx, fw.hostname)
    if "license" in required:
        licence = _licence_date(fw)
        if fw.licensed is False:
            dates.expired.append("not licensed")  # no licence held: a fail whatever the date
            dates.evidence.append(("licensed", "false"))
        if licence is not None or fw.licensed is not False:
            dates.judge("licence", licence)
    if "support" in required:
        dates.judge("manufacturer support", fw.support_expires)
    if "warranty" in required and fw.form not in (FormFactor.VIRTUAL, FormFactor.SOFTWARE):
        dates.judge("warranty", fw.warranty_expires)
    return dates.verdict()


# --- SC-2: router and switch warranty ------------------------------------------------------

WARRANTY_RANK = {
    "24x7": 5,
    "8x5-nbd": 4,
    "next-business-day": 4,
    "8x5-2bd": 3,
    "8x5": 2,
    "depot": 1,
    "none": 0,
}


@check(
    "network_warranty",
    subjects={SubjectType.ASSET, SubjectType.SITE},
    params={
        "levels_by_role": ParamSpec(
            "str-map",
            {"core": "24x7", "edge": "8x5-nbd", "access": "8x5-nbd"},
            "Minimum warranty level per role (24x7, 8x5-nbd, 8x5-2bd, 8x5, depot).",
        )
    },
    keys={SubjectType.ASSET: asset_key("warranty_expires", "warranty_level", "role")},
    evidence=EvidenceWanted("warranty", when=(("role", "role"),)),
)
def network_warranty(device: Asset | Site, ctx: Context) -> Verdict:
    """Router and switch warranty is current at the level the device's role needs."""
    if isinstance(device, Site):
        return site_coverage(device, ctx, _NETWORK, "routers and switches")
    levels: dict[str, str] = dict(ctx.params["levels_by_role"])
    evidence: list[tuple[str, str]] = []
    fails: list[str] = []
    unknowns: list[str] = []
    current: list[str] = []
    expires, level, role = device.warranty_expires, device.warranty_level, device.role
    # the level first: a level below the role's need fails whatever the date says
    if level is None:
        unknowns.append("warranty level not stated")
    else:
        evidence.append(("warranty_level", level))
        _judge_level(level, role, levels, fails, unknowns, current)
    warning = None
    if expires is None:
        unknowns.insert(0, "warranty expiry not stated")
    else:
        evidence.insert(0, ("warranty_expires", iso(expires)))
        if expires < ctx.as_of:
            fails.insert(0, f"warranty expired {iso(expires)}")
        else:
            warning = ahead("warranty", expires, ctx)
    if not fails and unknowns and expires is not None:
        held = f"{level} warranty" if level else "warranty"
        unknowns[0] = f"{held} current to {iso(expires)}, but {unknowns[0]}"
    if fails or unknowns:
        return fail_or_unknown(fails, unknowns, evidence)
    assert level is not None and expires is not None
    detail = f" ({current[0]})" if current else ""
    return Verdict(
        PASS,
        f"{level} warranty current to {iso(expires)}{detail}",
        tuple(evidence),
        warning,
    )


def _judge_level(
    level: str,
    role: Role | None,
    levels: dict[str, str],
    fails: list[str],
    unknowns: list[str],
    current: list[str],
) -> None:
    """SC-2's warranty level against the level the role needs (any role's, without one)."""
    have = WARRANTY_RANK.get(level, 0)
    need = levels.get(role.value) if role is not None else None
    if role is None:
        needs = sorted(levels.values(), key=lambda v: WARRANTY_RANK.get(v, 0))
        if not needs or have >= WARRANTY_RANK.get(needs[-1], 0):
            current.append("meets every role's level")
        elif have < WARRANTY_RANK.get(needs[0], 0):
            fails.append(f"{level} warranty is below the {needs[0]} every role needs")
        else:
            unknowns.append("the device's role (core/edge/access) not stated")
    elif need is not None and have < WARRANTY_RANK.get(need, 0):
        fails.append(
            f"{level} warranty is below the {need} {_article(role.value)} {role.value} device needs"
        )
    elif need is not None:
        current.append(f"{_article(role.value)} {role.value} device needs {need}")


_NETWORK = (AssetKind.ROUTER, AssetKind.SWITCH)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
