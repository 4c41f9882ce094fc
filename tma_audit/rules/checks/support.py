"""What the checks share: outcomes, dates and look-ahead warnings, OS recognition, the
fail-or-unknown rule (a fail needs evidence; missing evidence is unknown).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from tma_audit.lifecycle import OsFamily, OsRecognition, SupportStatus
from tma_audit.model import (
    AntivirusProduct,
    Asset,
    AssetKind,
    BackupProduct,
    Outcome,
    Verdict,
)
from tma_audit.rules.registry import Context

PASS, FAIL, UNKNOWN, NA = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN, Outcome.NOT_APPLICABLE


def iso(day: dt.date) -> str:
    return day.isoformat()


def ahead(what: str, day: dt.date | None, ctx: Context) -> str | None:
    """A look-ahead warning when `day` (an inclusive last day) is near."""
    if day is None:
        return None
    window = int(ctx.params.get("look_ahead_days", 90))
    days = (day - ctx.as_of).days
    if 0 <= days <= window:
        return f"{what} ends {iso(day)} (in {days} days)"
    return None


def join_warnings(warnings: Iterable[str | None]) -> str | None:
    items = [w for w in warnings if w]
    return "; ".join(items) if items else None


@dataclass(slots=True)
class Dates:
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
        self.evidence.append((key, iso(day)))
        if day < self.ctx.as_of:
            self.expired.append(f"{label} expired {iso(day)}")
        else:
            self.current.append(f"{label} current to {iso(day)}")
            warning = ahead(label, day, self.ctx)
            if warning:
                self.warnings.append(warning)

    def verdict(self) -> Verdict:
        """FAIL on anything expired (or a recorded fact that fails), naming the missing
        dates as further, unknown reasons; UNKNOWN on missing dates; else PASS."""
        evidence = tuple(self.evidence)
        if self.expired or self.missing:
            missing = [f"no {' or '.join(self.missing)} date given"] if self.missing else []
            return fail_or_unknown(self.expired, missing, self.evidence, self.subject)
        return Verdict(
            PASS,
            f"{self.subject}: " + "; ".join(self.current),
            evidence,
            join_warnings(self.warnings),
        )


def recognise(asset: Asset, ctx: Context) -> OsRecognition | None:
    os = asset.os
    if os is None:
        return None
    return ctx.lifecycle.recognise_os(
        os.name, os.version, os.build, os.edition, asset.kind == AssetKind.SERVER
    )


def looks_windows(name: str) -> bool:
    low = name.lower()
    return "windows" in low or "hyper-v" in low or low.startswith("win")


def generation_label(family: OsFamily, generation: str) -> str:
    if family == OsFamily.WINDOWS_SERVER:
        return f"Windows Server {generation}"
    return f"Windows {generation}"


def esu_evidence(asset: Asset, rec: OsRecognition) -> str | None:
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


def product_current(
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
            fails.append(f"{label}: {what} expired {iso(day)}")
        else:
            warning = ahead(f"{label} {what}", day, ctx)
            if warning:
                warnings.append(warning)
    release = ctx.lifecycle.find_release(product.product, product.version)
    if release is not None:
        status = ctx.lifecycle.support_status(release, ctx.as_of, False)
        if status.status == SupportStatus.ENDED:
            fails.append(status.reason)
        else:
            warning = ahead(f"{release.label} support", status.until, ctx)
            if warning:
                warnings.append(warning)
    return fails, unknowns, warnings


def fail_or_unknown(
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
