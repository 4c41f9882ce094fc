"""The named checks behind the default ruleset.

Each check judges one subject on the audit date and gives a human reason for every
outcome. Missing evidence is never a pass: it is `unknown`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress

from tma_audit.lifecycle import OsFamily, OsRecognition, SupportStatus, windows_generation_at_least
from tma_audit.lifecycle.staleness import latest_patch_tuesday
from tma_audit.limits import MAX_DAYS, MAX_MONTHS
from tma_audit.model import (
    AntivirusProduct,
    Application,
    Asset,
    AssetKind,
    BackupProduct,
    Client,
    FormFactor,
    Installed,
    Inventory,
    Outcome,
    Site,
    Software,
    SubjectType,
    Verdict,
)
from tma_audit.rules.coverage import GAP_KEY, coverage_gap, site_coverage
from tma_audit.rules.registry import Context, ParamSpec, asset_key, check

PASS, FAIL, UNKNOWN, NA = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN, Outcome.NOT_APPLICABLE

_GRACE = ParamSpec(
    "int",
    14,
    "Days after a cumulative update's release before a device that lacks it fails.",
    minimum=0,
    maximum=MAX_DAYS,
)


# --- small helpers -------------------------------------------------------------


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _ahead(what: str, day: dt.date | None, ctx: Context) -> str | None:
    """A look-ahead warning when `day` (an inclusive last day) is near."""
    if day is None:
        return None
    window = int(ctx.params.get("look_ahead_days", 90))
    days = (day - ctx.as_of).days
    if 0 <= days <= window:
        return f"{what} ends {_iso(day)} (in {days} days)"
    return None


def _join_warnings(warnings: Iterable[str | None]) -> str | None:
    items = [w for w in warnings if w]
    return "; ".join(items) if items else None


@dataclass(slots=True)
class _Dates:
    """Collects expiry judgements for contract-style checks (licence, support …)."""

    ctx: Context
    subject: str
    expired: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    evidence: list[tuple[str, str]] = field(default_factory=list)

    def judge(self, label: str, day: dt.date | None) -> None:
        key = label.replace(" ", "_")
        if day is None:
            self.missing.append(label)
            return
        self.evidence.append((key, _iso(day)))
        if day < self.ctx.as_of:
            self.expired.append(f"{label} expired {_iso(day)}")
        else:
            self.current.append(f"{label} current to {_iso(day)}")
            warning = _ahead(label, day, self.ctx)
            if warning:
                self.warnings.append(warning)

    def verdict(self) -> Verdict:
        """FAIL on anything expired (or a recorded fact that fails), naming the missing
        dates as further, unknown reasons; UNKNOWN on missing dates; else PASS."""
        evidence = tuple(self.evidence)
        if self.expired or self.missing:
            missing = [f"no {' or '.join(self.missing)} date given"] if self.missing else []
            return _fail_or_unknown(self.expired, missing, self.evidence, self.subject)
        return Verdict(
            PASS,
            f"{self.subject}: " + "; ".join(self.current),
            evidence,
            _join_warnings(self.warnings),
        )


def _recognise(asset: Asset, ctx: Context) -> OsRecognition | None:
    os = asset.os
    if os is None:
        return None
    return ctx.lifecycle.recognise_os(
        os.name, os.version, os.build, os.edition, asset.kind == AssetKind.SERVER
    )


def _os_label(asset: Asset) -> str:
    return asset.os.describe() if asset.os else "no OS stated"


def _looks_windows(name: str) -> bool:
    low = name.lower()
    return "windows" in low or "hyper-v" in low or low.startswith("win")


# --- verdict cache keys (everything a check reads from its subject) ---------------------
# Asset keys are `operator.itemgetter`s over the Asset tuple: built and hashed in C.

_os_key = asset_key("kind", "os")
_updates_key = asset_key("kind", "os", "missing_critical_updates", "last_patched", "esu_enrolled")
_genuine_key = asset_key("kind", "os", "genuine", "licensed", "esu_enrolled")
_antivirus_key = asset_key("antivirus", "av_definitions")
_warranty_key = asset_key("warranty_expires", "warranty_level", "role")


def _installed_key(subject: Installed) -> tuple[object, ...]:
    sw = subject.software
    return (sw.name, sw.version, sw.licensed, sw.genuine, sw.support_expires)


# --- MS-1 / MS-2: release floors ------------------------------------------------------


@check(
    "windows_release_floor",
    subjects={SubjectType.ASSET},
    params={
        "line": ParamSpec(
            "str",
            "server",
            "Product line: 'server' (Windows Server) or 'client' (Windows desktop).",
        ),
        "minimum": ParamSpec(
            "str", "2012", "Oldest acceptable release: '2012' for servers, '10' for desktops."
        ),
    },
    keys={SubjectType.ASSET: _os_key},
)
def windows_release_floor(asset: Asset, ctx: Context) -> Verdict:
    """The Windows release is the contract's minimum or later."""
    line = str(ctx.params["line"])
    minimum = str(ctx.params["minimum"])
    wanted = OsFamily.WINDOWS_SERVER if line == "server" else OsFamily.WINDOWS_CLIENT
    floor = f"Windows Server {minimum}" if line == "server" else f"Windows {minimum}"
    if asset.os is None:
        return Verdict(UNKNOWN, "no operating system stated")
    rec = _recognise(asset, ctx)
    assert rec is not None
    evidence = (("os", asset.os.describe()),)
    family = rec.family
    if family == OsFamily.UNKNOWN:
        if _looks_windows(asset.os.name):
            return Verdict(
                UNKNOWN,
                f"{asset.os.name!r}: Windows, but the release is not recognisable",
                evidence,
            )
        return Verdict(UNKNOWN, f"operating system {asset.os.name!r} is not recognisable", evidence)
    if family not in (OsFamily.WINDOWS_SERVER, OsFamily.WINDOWS_CLIENT, OsFamily.WINDOWS_OTHER):
        return Verdict(NA, f"{asset.os.name} is not Windows", evidence)
    if family == OsFamily.WINDOWS_OTHER:
        return Verdict(
            FAIL,
            f"{asset.os.name} is not a Windows release the contract "
            f"accepts (needs {floor} or later)",
            evidence,
        )
    if rec.generation is None:
        note = f" ({rec.note})" if rec.note else ""
        return Verdict(
            UNKNOWN,
            f"{asset.os.name}: Windows, but the release is not recognisable{note}",
            evidence,
        )
    name = _generation_label(family, rec.generation)
    if family != wanted:
        if wanted == OsFamily.WINDOWS_SERVER:
            return Verdict(
                FAIL,
                f"a server running a desktop release ({name}) is not {floor} or later",
                evidence,
            )
        if windows_generation_at_least(family, rec.generation, "2016"):
            return Verdict(
                PASS,
                f"{name} (a server release on a {asset.kind.value}) is at least {floor}",
                evidence,
            )
        return Verdict(FAIL, f"{name} is older than {floor}", evidence)
    if windows_generation_at_least(family, rec.generation, minimum):
        return Verdict(PASS, f"{name} meets the floor of {floor} or later", evidence)
    return Verdict(FAIL, f"{name} is older than {floor}", evidence)


def _generation_label(family: OsFamily, generation: str) -> str:
    if family == OsFamily.WINDOWS_SERVER:
        return f"Windows Server {generation}"
    return f"Windows {generation}"


# --- MS-1U / MS-2U: latest updates --------------------------------------------------


@check(
    "windows_updates_current",
    subjects={SubjectType.ASSET},
    params={"grace_days": _GRACE},
    keys={SubjectType.ASSET: _updates_key},
)
def windows_updates_current(asset: Asset, ctx: Context) -> Verdict:
    """The latest cumulative (critical/security) update is installed."""
    grace = int(ctx.params["grace_days"])
    if asset.os is None:
        return Verdict(UNKNOWN, "no operating system stated")
    rec = _recognise(asset, ctx)
    assert rec is not None
    if rec.family not in (
        OsFamily.WINDOWS_SERVER,
        OsFamily.WINDOWS_CLIENT,
        OsFamily.WINDOWS_OTHER,
        OsFamily.UNKNOWN,
    ):
        return Verdict(NA, f"{asset.os.name} is not Windows")
    if rec.family == OsFamily.UNKNOWN and not _looks_windows(asset.os.name):
        return Verdict(UNKNOWN, f"operating system {asset.os.name!r} is not recognisable")
    # an update is due once it is more than `grace` days old
    cutoff = ctx.as_of - dt.timedelta(days=grace + 1)
    # a release past its (extended) support gets no more updates: its last one is due.
    # A device with ESU evidence (as MS-3 counts it) is due every ESU update.
    esu = _esu_evidence(asset, rec)
    final = _last_update_day(rec, esu is not None)
    if final is not None and final < cutoff:
        cutoff = final
    due_tuesday = latest_patch_tuesday(cutoff)
    evidence: list[tuple[str, str]] = []
    if esu is not None and rec.release is not None and rec.release.esu_end is not None:
        evidence.append(("esu_evidence", esu))
    missing = asset.missing_critical_updates
    if missing is not None:
        evidence.append(("missing_critical_updates", str(missing)))
        if missing > 0:
            return Verdict(FAIL, f"{missing} critical update(s) missing", tuple(evidence))
    build, revision = asset.os.build_number, asset.os.revision
    server = asset.kind == AssetKind.SERVER
    data_knows = ctx.lifecycle.updates_date is not None and (
        ctx.lifecycle.updates_date >= due_tuesday
    )
    revision_current = False
    if build is not None and revision is not None:
        evidence.append(("build", f"{build}.{revision}"))
        required = ctx.lifecycle.latest_update(build, server, cutoff)
        if required is not None:
            evidence.append(
                (
                    "required",
                    f"{required.build}.{required.revision} "
                    f"({required.kb}, {_iso(required.released)})",
                )
            )
            if revision < required.revision:
                return Verdict(
                    FAIL,
                    f"build {build}.{revision} lacks {required.kb} ({build}."
                    f"{required.revision}, released {_iso(required.released)}, more than "
                    f"{grace} days before the audit date)",
                    tuple(evidence),
                )
            revision_current = True
    last = asset.last_patched
    if last is not None:
        evidence.append(("last_patched", _iso(last)))
        if last >= due_tuesday:
            return Verdict(
                PASS,
                f"patched {_iso(last)}, on or after the {_iso(due_tuesday)} security release",
                tuple(evidence),
            )
        return Verdict(
            FAIL,
            f"last patched {_iso(last)}, before the {_iso(due_tuesday)} "
            f"security release (grace {grace} days)",
            tuple(evidence),
        )
    if missing == 0:
        return Verdict(PASS, "patch scan reports no missing critical updates", tuple(evidence))
    if revision_current:
        if data_knows:
            return Verdict(
                PASS,
                f"build {build}.{revision} has the latest known cumulative update",
                tuple(evidence),
            )
        data_date = ctx.lifecycle.updates_date
        since = _iso(data_date) if data_date else "an unknown date"
        return Verdict(
            UNKNOWN,
            f"build {build}.{revision} is at the latest update known "
            f"to the data, but update data from {since} cannot show the "
            f"{_iso(due_tuesday)} release; give a last-patched date or refresh "
            "the data",
            tuple(evidence),
        )
    if build is not None and revision is not None:
        return Verdict(
            UNKNOWN,
            f"no update history for build {build} in the lifecycle data, and no last-patched date",
            tuple(evidence),
        )
    return Verdict(UNKNOWN, "no build revision, patch date or patch scan given", tuple(evidence))


def _last_update_day(rec: OsRecognition, esu: bool) -> dt.date | None:
    """The last day the release got security updates (ESU counts only with evidence)."""
    release = rec.release
    if release is None:
        return None
    if esu and release.esu_end is not None:
        return release.esu_end
    return release.support_end


def _esu_evidence(asset: Asset, rec: OsRecognition) -> str | None:
    """What shows the device gets Extended Security Updates, or None.

    One definition for MS-3/SC-7 (support) and MS-1U/MS-2U (which updates are due): the
    ESU flag, or a build revision newer than the release's last free update.
    """
    if asset.esu_enrolled:
        return "ESU enrolment stated"
    release = rec.release
    revision = asset.os.revision if asset.os is not None else None
    last_free = release.last_free_revision if release is not None else None
    if last_free is not None and revision is not None and revision > last_free:
        return f"revision {revision} is newer than the last free update ({last_free})"
    return None


# --- MS-3 / SC-7: genuine, licensed, vendor-supported ---------------------------------


@check(
    "genuine_licensed_supported",
    subjects={SubjectType.ASSET, SubjectType.SOFTWARE},
    keys={SubjectType.ASSET: _genuine_key, SubjectType.SOFTWARE: _installed_key},
)
def genuine_licensed_supported(subject: Asset | Installed, ctx: Context) -> Verdict:
    """Operating systems and software are genuine, licensed and vendor-supported."""
    if isinstance(subject, Installed):
        return _software_supported(subject.software, ctx)
    asset = subject
    if asset.os is None:
        return Verdict(UNKNOWN, "no operating system stated")
    fails: list[str] = []
    unknowns: list[str] = []
    evidence: list[tuple[str, str]] = [("os", asset.os.describe())]
    rec = _recognise(asset, ctx)
    assert rec is not None
    if asset.genuine is False:
        fails.append("not genuine")
    elif asset.genuine is None:
        unknowns.append("genuine status not stated")
    if asset.licensed is False:
        fails.append("not licensed")
    elif asset.licensed is None:
        unknowns.append("licence status not stated")
    if rec.evaluation:
        fails.append("an Evaluation edition (not licensed for production)")
    warning = None
    supported_reason = ""
    if rec.release is None:
        what = asset.os.name
        if rec.generation is not None:
            what = _generation_label(rec.family, rec.generation)
        note = f" ({rec.note})" if rec.note else ""
        unknowns.append(f"lifecycle of {what} not known{note}")
    else:
        esu = _esu_evidence(asset, rec)
        if esu is not None:
            evidence.append(("esu_evidence", esu))
        status = ctx.lifecycle.support_status(rec.release, ctx.as_of, esu is not None)
        evidence.append(("lifecycle", rec.release.label))
        if status.until:
            evidence.append(("support_until", _iso(status.until)))
        if status.status == SupportStatus.ENDED:
            fails.insert(0, status.reason)
        elif status.status == SupportStatus.UNKNOWN:
            unknowns.append(status.reason)
        else:
            label = (
                "extended security updates"
                if status.status == SupportStatus.ESU_ONLY
                else f"{rec.release.label} support"
            )
            warning = _ahead(label, status.until, ctx)
            supported_reason = status.reason
    if fails:
        return Verdict(FAIL, "; ".join(fails), tuple(evidence))
    if unknowns:
        return Verdict(UNKNOWN, "; ".join(unknowns), tuple(evidence))
    return Verdict(PASS, f"genuine, licensed; {supported_reason}", tuple(evidence), warning)


def _software_supported(software: Software, ctx: Context) -> Verdict:
    label = software.name + (f" {software.version}" if software.version else "")
    evidence: list[tuple[str, str]] = [("software", label)]
    fails: list[str] = []
    unknowns: list[str] = []
    if software.genuine is False:
        fails.append(f"{label} is not genuine")
    if software.licensed is False:
        fails.append(f"{label} is not licensed")
    elif software.licensed is None:
        unknowns.append(f"{label}: licence status not stated")
    warning = None
    supported_reason = ""
    release = ctx.lifecycle.find_release(software.name, software.version)
    if release is not None:
        status = ctx.lifecycle.support_status(release, ctx.as_of, False)
        evidence.append(("lifecycle", release.label))
        if status.status == SupportStatus.ENDED:
            fails.insert(0, status.reason)
        elif status.status == SupportStatus.UNKNOWN:
            unknowns.append(status.reason)
        else:
            supported_reason = status.reason
            warning = _ahead(f"{release.label} support", status.until, ctx)
    elif software.support_expires is not None:
        evidence.append(("support_expires", _iso(software.support_expires)))
        if software.support_expires < ctx.as_of:
            fails.insert(0, f"{label}: vendor support expired {_iso(software.support_expires)}")
        else:
            supported_reason = (
                f"{label}: vendor support current to {_iso(software.support_expires)}"
            )
            warning = _ahead(f"{label} support", software.support_expires, ctx)
    else:
        unknowns.append(f"lifecycle of {label} not known and no support date given")
    if fails:
        return Verdict(FAIL, "; ".join(fails), tuple(evidence))
    if unknowns:
        return Verdict(UNKNOWN, "; ".join(unknowns), tuple(evidence))
    return Verdict(PASS, f"licensed; {supported_reason}", tuple(evidence), warning)


# --- MS-4: antivirus ------------------------------------------------------------------------


def _product_current(
    product: AntivirusProduct | BackupProduct, ctx: Context, label: str
) -> tuple[list[str], list[str], list[str]]:
    """(failures, unknowns, look-ahead warnings) for a product's licence and support."""
    fails: list[str] = []
    unknowns: list[str] = []
    warnings: list[str] = []
    for what, day in (
        ("licence", product.license_expires),
        ("vendor support", product.support_expires),
    ):
        if day is None:
            unknowns.append(f"{label}: no {what} date given")
        elif day < ctx.as_of:
            fails.append(f"{label}: {what} expired {_iso(day)}")
        else:
            warning = _ahead(f"{label} {what}", day, ctx)
            if warning:
                warnings.append(warning)
    release = ctx.lifecycle.find_release(product.product, product.version)
    if release is not None:
        status = ctx.lifecycle.support_status(release, ctx.as_of, False)
        if status.status == SupportStatus.ENDED:
            fails.append(status.reason)
        else:
            warning = _ahead(f"{release.label} support", status.until, ctx)
            if warning:
                warnings.append(warning)
    return fails, unknowns, warnings


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
    combined = _fail_or_unknown(fails, unknowns, [*own.evidence, *coverage.evidence()])
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
    fails, unknowns, warnings = _product_current(product, ctx, label)
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
        _join_warnings(warnings),
    )


def _email_protection(ctx: Context) -> Verdict | None:
    products = ctx.inventory.environment.email_protection
    if not products:
        return None
    reasons: list[str] = []
    outcome = FAIL
    for product in products:
        dates = _Dates(ctx, product.product)
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
    evidence += (("definitions", _iso(asset.av_definitions)),)
    age = (ctx.as_of - asset.av_definitions).days
    if age > max_age:
        return Verdict(
            FAIL,
            f"{agent}: definitions from {_iso(asset.av_definitions)} are "
            f"{age} days old (limit {max_age})",
            evidence,
        )
    return Verdict(PASS, f"{agent}: definitions from {_iso(asset.av_definitions)}", evidence)


def _unprotected(agent: str | None) -> bool:
    """The agent field says there is none."""
    return agent is not None and agent.strip().lower() in ("none", "no", "-", "n/a", "missing")


# --- MS-5 / SC-6: backup -------------------------------------------------------------


@check("backup_solution", subjects={SubjectType.ENVIRONMENT})
def backup_solution(subject: Client, ctx: Context) -> Verdict:
    """A licensed, vendor-supported, server-based backup solution exists."""
    env = ctx.inventory.environment
    if not env.stated:
        return Verdict(UNKNOWN, "the inventory states no environment products (backup)")
    if not env.backup:
        return Verdict(FAIL, "no backup solution listed")
    verdicts: list[Verdict] = []
    for product in env.backup:
        label = product.product + (f" {product.version}" if product.version else "")
        fails, unknowns, warnings = _product_current(product, ctx, label)
        if product.server_based is False:
            fails.append(f"{label} is not server-based")
        elif product.server_based is None:
            unknowns.append(f"{label}: server-based not stated")
        evidence = (("product", label),)
        if fails:
            verdicts.append(Verdict(FAIL, "; ".join(fails), evidence))
        elif unknowns:
            verdicts.append(Verdict(UNKNOWN, "; ".join(unknowns), evidence))
        else:
            verdicts.append(
                Verdict(
                    PASS,
                    f"{label}: licensed, vendor-supported, server-based",
                    evidence,
                    _join_warnings(warnings),
                )
            )
    return min(verdicts, key=lambda v: {PASS: 0, UNKNOWN: 1, FAIL: 2}[v.outcome])


@check("backup_contracts", subjects={SubjectType.BACKUP})
def backup_contracts(product: BackupProduct, ctx: Context) -> Verdict:
    """Backup software licence, manufacturer support and (appliance) warranty are current."""
    dates = _Dates(ctx, product.product)
    dates.judge("licence", product.license_expires)
    dates.judge("manufacturer support", product.support_expires)
    if product.warranty_expires is not None:
        dates.judge("warranty", product.warranty_expires)
    return dates.verdict()


# --- MS-6 / SC-1: firewalls ---------------------------------------------------------------


#: the last inventory's firewalls: MS-6 judges each site, and the scan of every asset
#: is the same for all of them
_FIREWALLS: list[tuple[Inventory, list[Asset]]] = []


def _firewalls_at(site: Site | None, ctx: Context) -> list[Asset]:
    if _FIREWALLS and _FIREWALLS[0][0] is ctx.inventory:
        firewalls = _FIREWALLS[0][1]
    else:
        firewalls = [a for a in ctx.inventory.assets if a.kind is AssetKind.FIREWALL]
        _FIREWALLS[:] = [(ctx.inventory, firewalls)]
    if site is None:
        return firewalls
    single = len(ctx.inventory.client.sites) <= 1
    return [a for a in firewalls if a.site == site.name or (a.site is None and single)]


@check("hardware_firewall", subjects={SubjectType.SITE})
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
        evidence.append(("license_expires", _iso(licence)))
        if licence < ctx.as_of:
            fails.append(f"licence expired {_iso(licence)}")
        else:
            warnings.append(_ahead("firewall licence", licence, ctx))
    elif fw.licensed is None:
        unknowns.append("licence not stated")
    support_known = False
    if fw.support_expires is not None:
        support_known = True
        evidence.append(("support_expires", _iso(fw.support_expires)))
        if fw.support_expires < ctx.as_of:
            fails.append(f"vendor support expired {_iso(fw.support_expires)}")
        else:
            warnings.append(_ahead("firewall support", fw.support_expires, ctx))
    if fw.os is not None:
        release = ctx.lifecycle.find_release(fw.os.name, fw.os.version)
        if release is not None:
            support_known = True
            status = ctx.lifecycle.support_status(release, ctx.as_of, False)
            evidence.append(("firmware", release.label))
            if status.status == SupportStatus.ENDED:
                fails.append(f"firmware {status.reason}")
            else:
                warnings.append(_ahead(f"{release.label} support", status.until, ctx))
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
        _join_warnings(warnings),
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
)
def firewall_contracts(fw: Asset | Site, ctx: Context) -> Verdict:
    """Firewall licence, manufacturer support and warranty are current."""
    if isinstance(fw, Site):
        return site_coverage(fw, ctx, (AssetKind.FIREWALL,), "firewalls")
    required = set(ctx.params["require"])
    dates = _Dates(ctx, fw.hostname)
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
    keys={SubjectType.ASSET: _warranty_key},
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
                f"{level} warranty is below the {need} {_article(role.value)} "
                f"{role.value} device needs"
            )
        elif need is not None:
            current.append(f"{_article(role.value)} {role.value} device needs {need}")
    warning = None
    if expires is None:
        unknowns.insert(0, "warranty expiry not stated")
    else:
        evidence.insert(0, ("warranty_expires", _iso(expires)))
        if expires < ctx.as_of:
            fails.insert(0, f"warranty expired {_iso(expires)}")
        else:
            warning = _ahead("warranty", expires, ctx)
    if not fails and unknowns and expires is not None:
        held = f"{level} warranty" if level else "warranty"
        unknowns[0] = f"{held} current to {_iso(expires)}, but {unknowns[0]}"
    if fails or unknowns:
        return _fail_or_unknown(fails, unknowns, evidence)
    assert level is not None and expires is not None
    detail = f" ({current[0]})" if current else ""
    return Verdict(
        PASS,
        f"{level} warranty current to {_iso(expires)}{detail}",
        tuple(evidence),
        warning,
    )


_NETWORK = (AssetKind.ROUTER, AssetKind.SWITCH)


def _fail_or_unknown(
    fails: list[str], unknowns: list[str], evidence: list[tuple[str, str]], subject: str = ""
) -> Verdict:
    """FAIL on any recorded fact that fails, listing what is missing as further, unknown
    reasons; UNKNOWN when nothing fails but something is missing."""
    prefix = f"{subject}: " if subject else ""
    if fails:
        if not unknowns:
            return Verdict(FAIL, prefix + "; ".join(fails), tuple(evidence))
        further = "; ".join(unknowns)
        return Verdict(
            FAIL,
            f"{prefix}{'; '.join(fails)}; unknown: {further}",
            (*evidence, ("unknown", further)),
        )
    return Verdict(UNKNOWN, prefix + "; ".join(unknowns), tuple(evidence))


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


# --- SC-3, SC-4, SC-9: client attestations -----------------------------------------------------


@check("cyber_insurance", subjects={SubjectType.CLIENT})
def cyber_insurance(client: Client, ctx: Context) -> Verdict:
    """A cyber-security insurance policy is in force on the audit date."""
    policy = ctx.inventory.attestations.cyber_insurance
    if policy is None:
        return Verdict(UNKNOWN, "cyber insurance not stated")
    name = " ".join(p for p in (policy.carrier, policy.policy) if p) or "policy"
    if policy.expires is None:
        return Verdict(UNKNOWN, f"cyber insurance {name}: expiry not stated")
    evidence = (("expires", _iso(policy.expires)),)
    if policy.expires < ctx.as_of:
        return Verdict(FAIL, f"cyber insurance {name} expired {_iso(policy.expires)}", evidence)
    return Verdict(
        PASS,
        f"cyber insurance {name} in force to {_iso(policy.expires)}",
        evidence,
        _ahead("cyber insurance", policy.expires, ctx),
    )


@check("change_notification", subjects={SubjectType.CLIENT})
def change_notification(client: Client, ctx: Context) -> Verdict:
    """The client has a contact or process for notifying the provider of changes."""
    contact = ctx.inventory.attestations.change_notification
    if not contact:
        return Verdict(UNKNOWN, "no change-notification contact or process attested")
    return Verdict(PASS, f"changes are notified by {contact}", (("contact", contact),))


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
    evidence = (("last_reviewed", _iso(plan.last_reviewed)),)
    if due < ctx.as_of:
        return Verdict(
            FAIL,
            f"business continuity plan last reviewed "
            f"{_iso(plan.last_reviewed)}: review was due {_iso(due)} "
            f"(every {months} months)",
            evidence,
        )
    return Verdict(
        PASS,
        f"business continuity plan reviewed {_iso(plan.last_reviewed)}; "
        f"next review due {_iso(due)}",
        evidence,
        _ahead("plan review period", due, ctx),
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


# --- SC-5: antivirus licences held by the client ------------------------------------------------


@check("antivirus_licence", subjects={SubjectType.ANTIVIRUS})
def antivirus_licence(product: AntivirusProduct, ctx: Context) -> Verdict:
    """Client-held antivirus and anti-spyware licences and support are current."""
    if product.license_holder == "provider":
        return Verdict(NA, f"{product.product} is licensed by the provider")
    dates = _Dates(ctx, product.product)
    dates.judge("licence", product.license_expires)
    dates.judge("vendor support", product.support_expires)
    return dates.verdict()


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


@check("wireless_encryption", subjects={SubjectType.SITE})
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


@check("lob_support", subjects={SubjectType.APPLICATION, SubjectType.CLIENT})
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
        evidence = (("support_expires", _iso(app.support_expires)),)
        if app.support_expires >= ctx.as_of:
            return Verdict(
                PASS,
                f"{label}: vendor support current to {_iso(app.support_expires)}",
                evidence,
                _ahead(f"{app.name} support", app.support_expires, ctx),
            )
        if app.support_contact:
            return Verdict(
                PASS,
                f"{label}: vendor support expired "
                f"{_iso(app.support_expires)}, but supported by "
                f"{app.support_contact}",
                evidence,
            )
        return Verdict(
            FAIL, f"{label}: vendor support expired {_iso(app.support_expires)}", evidence
        )
    if app.support_contact:
        return Verdict(PASS, f"{label}: supported by {app.support_contact}")
    return Verdict(UNKNOWN, f"{label}: no support contract or contact stated")
