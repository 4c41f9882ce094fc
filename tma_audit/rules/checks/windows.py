"""MS-1 / MS-2 (release floors) and MS-1U / MS-2U (latest updates): Windows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import NamedTuple

from tma_audit.lifecycle import OsFamily, OsRecognition, windows_generation_at_least
from tma_audit.lifecycle.staleness import latest_patch_tuesday
from tma_audit.limits import MAX_DAYS
from tma_audit.model import (
    Asset,
    AssetKind,
    Inventory,
    SubjectType,
    Verdict,
)
from tma_audit.rules.checks.support import (
    FAIL,
    NA,
    PASS,
    UNKNOWN,
    esu_evidence,
    generation_label,
    iso,
    looks_windows,
    recognise,
)
from tma_audit.rules.registry import Context, EvidenceWanted, ParamSpec, asset_key, check

_GRACE = ParamSpec(
    "int",
    14,
    "Days after a cumulative update's release before a device that lacks it fails.",
    minimum=0,
    maximum=MAX_DAYS,
)


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
    keys={SubjectType.ASSET: asset_key("kind", "os")},
    evidence=EvidenceWanted("os-release", when=(("no operating system", "os"),)),
)
def windows_release_floor(asset: Asset, ctx: Context) -> Verdict:
    """The Windows release is the contract's minimum or later."""
    line = str(ctx.params["line"])
    minimum = str(ctx.params["minimum"])
    wanted = OsFamily.WINDOWS_SERVER if line == "server" else OsFamily.WINDOWS_CLIENT
    floor = f"Windows Server {minimum}" if line == "server" else f"Windows {minimum}"
    if asset.os is None:
        return Verdict(UNKNOWN, "no operating system stated")
    rec = recognise(asset, ctx)
    assert rec is not None
    evidence = (("os", asset.os.describe()),)
    family = rec.family
    if family == OsFamily.UNKNOWN:
        if looks_windows(asset.os.name):
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
    name = generation_label(family, rec.generation)
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


# --- MS-1U / MS-2U: latest updates --------------------------------------------------


@check(
    "windows_updates_current",
    subjects={SubjectType.ASSET},
    params={"grace_days": _GRACE},
    keys={
        SubjectType.ASSET: asset_key(
            "kind", "os", "missing_critical_updates", "last_patched", "esu_enrolled"
        )
    },
    evidence=EvidenceWanted(
        "build",
        when=(
            ("no operating system", "os"),
            ("not recognisable", "os-release"),
            ("cannot show the", "update-data"),
        ),
    ),
)
def windows_updates_current(asset: Asset, ctx: Context) -> Verdict:
    """The latest cumulative (critical/security) update is installed."""
    grace = int(ctx.params["grace_days"])
    if asset.os is None:
        return Verdict(UNKNOWN, "no operating system stated")
    basis = _update_basis(asset, ctx, grace)
    if isinstance(basis, Verdict):
        return basis
    evidence = basis.esu
    missing = asset.missing_critical_updates
    if missing is not None:
        evidence += (("missing_critical_updates", str(missing)),)
        if missing > 0:
            return Verdict(FAIL, f"{missing} critical update(s) missing", evidence)
    evidence += basis.build
    if basis.lacks is not None:
        return Verdict(FAIL, basis.lacks, evidence)
    last = asset.last_patched
    if last is not None:
        evidence += (("last_patched", iso(last)),)
        due = basis.due_text
        if last >= basis.due_tuesday:
            return Verdict(
                PASS, f"patched {iso(last)}, on or after the {due} security release", evidence
            )
        return Verdict(
            FAIL,
            f"last patched {iso(last)}, before the {due} security release (grace {grace} days)",
            evidence,
        )
    return _without_patch_date(asset, ctx, basis.due_tuesday, basis.revision_current, evidence)


class _UpdateBasis(NamedTuple):
    """What MS-1U/MS-2U derive from an asset's kind, OS (with its revision) and ESU flag:
    the same for every last-patched date and patch count."""

    due_tuesday: dt.date
    due_text: str
    esu: tuple[tuple[str, str], ...]  # evidence before the patch count
    build: tuple[tuple[str, str], ...]  # evidence after it: the build and required update
    lacks: str | None  # the failure when the revision lacks the required update
    revision_current: bool


def _basis_cache(_inventory: Inventory) -> dict[Hashable, _UpdateBasis | Verdict]:
    return {}


def _update_basis(asset: Asset, ctx: Context, grace: int) -> _UpdateBasis | Verdict:
    """The OS part of MS-1U/MS-2U (or the whole verdict, where the OS decides it), once per
    (kind, OS, ESU flag, grace) in an audit.

    The check's key also holds the last-patched date and the patch count: on a real
    fleet, patch dates spread over months, so most keys differ only by those.
    """
    cache = ctx.shared(_basis_cache)
    key = (asset.kind, asset.os, asset.esu_enrolled, grace)
    found = cache.get(key)
    if found is None:
        found = cache[key] = _judge_update_basis(asset, ctx, grace)
    return found


def _judge_update_basis(asset: Asset, ctx: Context, grace: int) -> _UpdateBasis | Verdict:
    assert asset.os is not None
    rec = recognise(asset, ctx)
    assert rec is not None
    if rec.family not in (
        OsFamily.WINDOWS_SERVER,
        OsFamily.WINDOWS_CLIENT,
        OsFamily.WINDOWS_OTHER,
        OsFamily.UNKNOWN,
    ):
        return Verdict(NA, f"{asset.os.name} is not Windows")
    if rec.family == OsFamily.UNKNOWN and not looks_windows(asset.os.name):
        return Verdict(UNKNOWN, f"operating system {asset.os.name!r} is not recognisable")
    # an update is due once it is more than `grace` days old
    cutoff = ctx.as_of - dt.timedelta(days=grace + 1)
    # a release past its (extended) support gets no more updates: its last one is due.
    # A device with ESU evidence (as MS-3 counts it) is due every ESU update.
    esu = esu_evidence(asset, rec)
    final = _last_update_day(rec, esu is not None)
    if final is not None and final < cutoff:
        cutoff = final
    due_tuesday = latest_patch_tuesday(cutoff)
    esu_items: tuple[tuple[str, str], ...] = ()
    if esu is not None and rec.release is not None and rec.release.esu_end is not None:
        esu_items = (("esu_evidence", esu),)
    build_items: list[tuple[str, str]] = []
    build, revision = asset.os.build_number, asset.os.revision
    server = asset.kind == AssetKind.SERVER
    lacks: str | None = None
    revision_current = False
    if build is not None and revision is not None:
        build_items.append(("build", f"{build}.{revision}"))
        required = ctx.lifecycle.latest_update(build, server, cutoff)
        if required is not None:
            build_items.append(
                (
                    "required",
                    f"{required.build}.{required.revision} "
                    f"({required.kb}, {iso(required.released)})",
                )
            )
            if revision < required.revision:
                lacks = (
                    f"build {build}.{revision} lacks {required.kb} ({build}."
                    f"{required.revision}, released {iso(required.released)}, more than "
                    f"{grace} days before the audit date)"
                )
            else:
                revision_current = True
    return _UpdateBasis(
        due_tuesday, iso(due_tuesday), esu_items, tuple(build_items), lacks, revision_current
    )


def _without_patch_date(
    asset: Asset,
    ctx: Context,
    due_tuesday: dt.date,
    revision_current: bool,
    evidence: tuple[tuple[str, str], ...],
) -> Verdict:
    """MS-1U's verdict on a device with no last-patched date and no missing update counted:
    a clean patch scan, or the build revision against what the update data can show."""
    assert asset.os is not None
    build, revision = asset.os.build_number, asset.os.revision
    if asset.missing_critical_updates == 0:
        return Verdict(PASS, "patch scan reports no missing critical updates", evidence)
    if revision_current:
        updates_date = ctx.lifecycle.updates_date
        if updates_date is not None and updates_date >= due_tuesday:
            return Verdict(
                PASS,
                f"build {build}.{revision} has the latest known cumulative update",
                evidence,
            )
        since = iso(updates_date) if updates_date else "an unknown date"
        return Verdict(
            UNKNOWN,
            f"build {build}.{revision} is at the latest update known "
            f"to the data, but update data from {since} cannot show the "
            f"{iso(due_tuesday)} release; give a last-patched date or refresh "
            "the data",
            evidence,
        )
    if build is not None and revision is not None:
        return Verdict(
            UNKNOWN,
            f"no update history for build {build} in the lifecycle data, and no last-patched date",
            evidence,
        )
    return Verdict(UNKNOWN, "no build revision, patch date or patch scan given", evidence)


def _last_update_day(rec: OsRecognition, esu: bool) -> dt.date | None:
    """The last day the release got security updates (ESU counts only with evidence)."""
    release = rec.release
    if release is None:
        return None
    if esu and release.esu_end is not None:
        return release.esu_end
    return release.support_end
