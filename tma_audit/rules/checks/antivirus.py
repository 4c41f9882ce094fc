"""MS-4 (antivirus on every device and e-mail) and SC-5 (client-held antivirus licences)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import compress

from tma_audit.limits import MAX_DAYS
from tma_audit.model import (
    AntivirusProduct,
    Asset,
    AssetKind,
    Client,
    SubjectType,
    Verdict,
)
from tma_audit.rules.checks.support import (
    FAIL,
    NA,
    PASS,
    UNKNOWN,
    Dates,
    fail_or_unknown,
    iso,
    join_warnings,
    product_current,
)
from tma_audit.rules.registry import Context, EvidenceWanted, ParamSpec, asset_key, check

# --- MS-4: antivirus on every device and e-mail ----------------------------------------

#: MS-4 reads a device's agent and definitions date (the environment's verdict counts
#: the devices by this key too)
_antivirus_key = asset_key("antivirus", "av_definitions")


@check(
    "antivirus_coverage",
    subjects={SubjectType.ENVIRONMENT, SubjectType.ASSET},
    params={
        "definitions_max_age_days": ParamSpec(
            "int",
            7,
            "Oldest acceptable antivirus definitions on a device, in days.",
            minimum=0,
            maximum=MAX_DAYS,
        ),
    },
    keys={SubjectType.ASSET: _antivirus_key},
    evidence=EvidenceWanted(
        "environment",
        when=(
            ("states no environment products", "environment"),
            ("antivirus coverage not stated", "antivirus"),
            ("definitions date not stated", "antivirus"),
            ("date given", "product-dates"),
        ),
    ),
)
def antivirus_coverage(subject: Client | Asset, ctx: Context) -> Verdict:
    """A licensed, supported, centrally managed antivirus protects every device and e-mail."""
    if isinstance(subject, Asset):
        return _device_antivirus(subject, ctx)
    # the environment: its own products, and the devices' coverage counted. (A guard
    # that makes it unknown when no source can see antivirus belongs before this line.)
    return _with_coverage(_antivirus_solution(ctx), _device_coverage(ctx))


#: The devices MS-4's clause names: "all Servers, Desktops, Notebooks/Laptops".
_PROTECTED_KINDS = frozenset({AssetKind.SERVER, AssetKind.DESKTOP, AssetKind.NOTEBOOK})
_kind = asset_key("kind")


@dataclass(frozen=True, slots=True)
class _Coverage:
    """How the devices' own MS-4 verdicts come out, counted."""

    devices: int = 0
    unprotected: int = 0
    stale: int = 0
    not_stated: int = 0

    def fails(self) -> list[str]:
        noun = "device" if self.devices == 1 else "devices"
        parts: list[str] = []
        if self.unprotected:
            parts.append(f"{self.unprotected} of {self.devices} {noun} unprotected")
        if self.stale:
            whose = "" if parts else f" of {self.devices} {noun}"
            parts.append(f"{self.stale}{whose} with stale definitions")
        return [", ".join(parts) + ": see those devices"] if parts else []

    def unknowns(self) -> list[str]:
        if not self.not_stated:
            return []
        noun = "device" if self.devices == 1 else "devices"
        return [
            f"antivirus coverage of {self.not_stated} of {self.devices} {noun} "
            "not stated: see those devices"
        ]

    def evidence(self) -> tuple[tuple[str, str], ...]:
        counts = (
            ("devices", self.devices),
            ("devices_unprotected", self.unprotected),
            ("devices_stale_definitions", self.stale),
            ("devices_coverage_not_stated", self.not_stated),
        )
        return tuple((key, str(n)) for key, n in counts if n or key == "devices")


def _device_coverage(ctx: Context) -> _Coverage:
    """Each server, desktop and notebook judged as MS-4 judges it one by one, counted.

    Devices with the same antivirus evidence share a verdict: each distinct one is
    judged once (a 35,000-device export has a handful)."""
    assets = ctx.inventory.assets
    devices = list(compress(assets, map(_PROTECTED_KINDS.__contains__, map(_kind, assets))))
    keys = list(map(_antivirus_key, devices))
    one_each = dict(zip(keys, devices, strict=True))
    unprotected = stale = not_stated = 0
    for key, n in Counter(keys).items():
        asset = one_each[key]
        outcome = _device_antivirus(asset, ctx).outcome
        if outcome is UNKNOWN:
            not_stated += n
        elif outcome is FAIL and _unprotected(asset.antivirus):
            unprotected += n
        elif outcome is FAIL:
            stale += n
    return _Coverage(len(devices), unprotected, stale, not_stated)


def _with_coverage(own: Verdict, coverage: _Coverage) -> Verdict:
    """The environment's verdict: its own (the products) and the devices' coverage.

    A device unprotected or with stale definitions fails the environment too; a device
    whose coverage is not stated makes it unknown. The devices' findings carry that
    work, so `own_outcome` keeps the products' outcome for the plan and the score.
    """
    cover_fails, cover_unknowns = coverage.fails(), coverage.unknowns()
    if not cover_fails and not cover_unknowns:
        return own
    fails = ([own.reason] if own.outcome is FAIL else []) + cover_fails
    unknowns = ([own.reason] if own.outcome is UNKNOWN else []) + cover_unknowns
    combined = fail_or_unknown(fails, unknowns, [*own.evidence, *coverage.evidence()])
    if combined.outcome is own.outcome:
        return combined
    return Verdict(combined.outcome, combined.reason, combined.evidence, own_outcome=own.outcome)


def _antivirus_solution(ctx: Context) -> Verdict:
    """The environment's antivirus products: licensed, supported, managed, e-mail."""
    env = ctx.inventory.environment
    if not env.stated:
        return Verdict(UNKNOWN, "the inventory states no environment products (antivirus)")
    if not env.antivirus:
        return Verdict(FAIL, "no antivirus solution listed")
    best: Verdict | None = None
    for product in env.antivirus:
        verdict = _antivirus_product(product, ctx)
        rank = {PASS: 0, UNKNOWN: 1, FAIL: 2}[verdict.outcome]
        if best is None or rank < {PASS: 0, UNKNOWN: 1, FAIL: 2}[best.outcome]:
            best = verdict
    assert best is not None
    return best


def _antivirus_product(product: AntivirusProduct, ctx: Context) -> Verdict:
    label = product.product
    fails, unknowns, warnings = product_current(product, ctx, label)
    if product.centrally_managed is False:
        fails.append(f"{label} is not centrally (server-) managed")
    elif product.centrally_managed is None:
        unknowns.append(f"{label}: central management not stated")
    if product.protects_email is False or product.protects_email is None:
        email = _email_protection(ctx)
        if email is not None and email.outcome == PASS:
            pass
        elif email is not None and email.outcome == FAIL:
            fails.append(email.reason)
        elif email is not None:
            unknowns.append(email.reason)  # dates missing: it may be current
        elif product.protects_email is False:
            fails.append(
                f"e-mail is not protected ({label} does not protect e-mail and no "
                "separate e-mail protection is listed)"
            )
        else:
            unknowns.append(f"{label}: e-mail protection not stated")
    evidence = (("product", label),)
    if fails:
        return Verdict(FAIL, "; ".join(fails), evidence)
    if unknowns:
        return Verdict(UNKNOWN, "; ".join(unknowns), evidence)
    return Verdict(
        PASS,
        f"{label}: licensed, supported, centrally managed, protects e-mail",
        evidence,
        join_warnings(warnings),
    )


def _email_protection(ctx: Context) -> Verdict | None:
    products = ctx.inventory.environment.email_protection
    if not products:
        return None
    reasons: list[str] = []
    outcome = FAIL
    for product in products:
        dates = Dates(ctx, product.product)
        dates.judge("licence", product.license_expires)
        dates.judge("vendor support", product.support_expires)
        verdict = dates.verdict()
        if verdict.outcome == PASS:
            return verdict
        if verdict.outcome == UNKNOWN:
            outcome = UNKNOWN  # a product whose dates are missing may be current
        reasons.append(verdict.reason)
    return Verdict(outcome, "e-mail protection: " + "; ".join(reasons))


def _device_antivirus(asset: Asset, ctx: Context) -> Verdict:
    max_age = int(ctx.params["definitions_max_age_days"])
    agent = asset.antivirus
    if agent is None:
        return Verdict(UNKNOWN, "antivirus coverage not stated")
    if _unprotected(agent):
        return Verdict(FAIL, "no antivirus agent: the device is unprotected", (("agent", agent),))
    evidence: tuple[tuple[str, str], ...] = (("agent", agent),)
    if asset.av_definitions is None:
        return Verdict(UNKNOWN, f"{agent}: definitions date not stated", evidence)
    evidence += (("definitions", iso(asset.av_definitions)),)
    age = (ctx.as_of - asset.av_definitions).days
    if age > max_age:
        return Verdict(
            FAIL,
            f"{agent}: definitions from {iso(asset.av_definitions)} are "
            f"{age} days old (limit {max_age})",
            evidence,
        )
    return Verdict(PASS, f"{agent}: definitions from {iso(asset.av_definitions)}", evidence)


def _unprotected(agent: str | None) -> bool:
    """The agent field says there is none."""
    return agent is not None and agent.strip().lower() in ("none", "no", "-", "n/a", "missing")


# --- SC-5: antivirus licences held by the client ------------------------------------------------


@check(
    "antivirus_licence", subjects={SubjectType.ANTIVIRUS}, evidence=EvidenceWanted("product-dates")
)
def antivirus_licence(product: AntivirusProduct, ctx: Context) -> Verdict:
    """Client-held antivirus and anti-spyware licences and support are current."""
    if product.license_holder == "provider":
        return Verdict(NA, f"{product.product} is licensed by the provider")
    dates = Dates(ctx, product.product)
    dates.judge("licence", product.license_expires)
    dates.judge("vendor support", product.support_expires)
    return dates.verdict()
