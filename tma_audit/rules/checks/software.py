"""MS-3 / SC-7: operating systems and software are genuine, licensed and vendor-supported."""

from __future__ import annotations

from collections.abc import Hashable
from typing import NamedTuple

from tma_audit.lifecycle import SupportStatus
from tma_audit.model import (
    Asset,
    Installed,
    Inventory,
    Software,
    SubjectType,
    Verdict,
)
from tma_audit.rules.checks.support import (
    FAIL,
    PASS,
    UNKNOWN,
    ahead,
    esu_evidence,
    generation_label,
    iso,
    recognise,
)
from tma_audit.rules.registry import Context, EvidenceWanted, asset_key, check

# --- MS-3 / SC-7: genuine, licensed, vendor-supported ---------------------------------


def _installed_key(subject: Installed) -> tuple[object, ...]:
    sw = subject.software
    return (sw.name, sw.version, sw.licensed, sw.genuine, sw.support_expires)


@check(
    "genuine_licensed_supported",
    subjects={SubjectType.ASSET, SubjectType.SOFTWARE},
    keys={
        SubjectType.ASSET: asset_key("kind", "os", "genuine", "licensed", "esu_enrolled"),
        SubjectType.SOFTWARE: _installed_key,
    },
    evidence=EvidenceWanted(
        "lifecycle",
        when=(
            ("no operating system", "os"),
            ("genuine status not stated", "licence"),
            ("licence status not stated", "licence"),
        ),
    ),
)
def genuine_licensed_supported(subject: Asset | Installed, ctx: Context) -> Verdict:
    """Operating systems and software are genuine, licensed and vendor-supported."""
    if isinstance(subject, Installed):
        return _software_supported(subject.software, ctx)
    asset = subject
    if asset.os is None:
        return Verdict(UNKNOWN, "no operating system stated")
    support = _os_support(asset, ctx)
    fails: list[str] = []
    unknowns: list[str] = []
    if asset.genuine is False:
        fails.append("not genuine")
    elif asset.genuine is None:
        unknowns.append("genuine status not stated")
    if asset.licensed is False:
        fails.append("not licensed")
    elif asset.licensed is None:
        unknowns.append("licence status not stated")
    if support.evaluation:
        fails.append("an Evaluation edition (not licensed for production)")
    if support.ended is not None:
        fails.insert(0, support.ended)
    if support.unknown is not None:
        unknowns.append(support.unknown)
    if fails:
        return Verdict(FAIL, "; ".join(fails), support.evidence)
    if unknowns:
        return Verdict(UNKNOWN, "; ".join(unknowns), support.evidence)
    return Verdict(
        PASS, f"genuine, licensed; {support.supported_reason}", support.evidence, support.warning
    )


class _OsSupport(NamedTuple):
    """What MS-3 says about an asset's OS whatever its genuine and licensed flags."""

    evaluation: bool
    evidence: tuple[tuple[str, str], ...]
    ended: str | None  # the failure when support has ended
    unknown: str | None  # why support is not known
    warning: str | None
    supported_reason: str


def _support_cache(_inventory: Inventory) -> dict[Hashable, _OsSupport]:
    return {}


def _os_support(asset: Asset, ctx: Context) -> _OsSupport:
    """The OS part of MS-3, once per (kind, OS, ESU flag, look-ahead) in an audit.

    The check's key also holds the genuine and licensed flags (three values each), so on
    a real fleet, where OS revisions spread widely, most keys differ only by those flags.
    """
    cache = ctx.shared(_support_cache)
    key = (asset.kind, asset.os, asset.esu_enrolled, ctx.params.get("look_ahead_days", 90))
    found = cache.get(key)
    if found is None:
        found = cache[key] = _judge_os_support(asset, ctx)
    return found


def _judge_os_support(asset: Asset, ctx: Context) -> _OsSupport:
    assert asset.os is not None
    evidence: list[tuple[str, str]] = [("os", asset.os.describe())]
    rec = recognise(asset, ctx)
    assert rec is not None
    ended = unknown = warning = None
    supported_reason = ""
    if rec.release is None:
        what = asset.os.name
        if rec.generation is not None:
            what = generation_label(rec.family, rec.generation)
        note = f" ({rec.note})" if rec.note else ""
        unknown = f"lifecycle of {what} not known{note}"
    else:
        esu = esu_evidence(asset, rec)
        if esu is not None:
            evidence.append(("esu_evidence", esu))
        status = ctx.lifecycle.support_status(rec.release, ctx.as_of, esu is not None)
        evidence.append(("lifecycle", rec.release.label))
        if status.until:
            evidence.append(("support_until", iso(status.until)))
        if status.status == SupportStatus.ENDED:
            ended = status.reason
        elif status.status == SupportStatus.UNKNOWN:
            unknown = status.reason
        else:
            label = (
                "extended security updates"
                if status.status == SupportStatus.ESU_ONLY
                else f"{rec.release.label} support"
            )
            warning = ahead(label, status.until, ctx)
            supported_reason = status.reason
    return _OsSupport(
        bool(rec.evaluation), tuple(evidence), ended, unknown, warning, supported_reason
    )


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
            warning = ahead(f"{release.label} support", status.until, ctx)
    elif software.support_expires is not None:
        evidence.append(("support_expires", iso(software.support_expires)))
        if software.support_expires < ctx.as_of:
            fails.insert(0, f"{label}: vendor support expired {iso(software.support_expires)}")
        else:
            supported_reason = f"{label}: vendor support current to {iso(software.support_expires)}"
            warning = ahead(f"{label} support", software.support_expires, ctx)
    else:
        unknowns.append(f"lifecycle of {label} not known and no support date given")
    if fails:
        return Verdict(FAIL, "; ".join(fails), tuple(evidence))
    if unknowns:
        return Verdict(UNKNOWN, "; ".join(unknowns), tuple(evidence))
    return Verdict(PASS, f"licensed; {supported_reason}", tuple(evidence), warning)
