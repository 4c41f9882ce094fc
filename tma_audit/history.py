"""An inventory's history: what changed since a previous audit, and whether the client
notified it (SC-4, "to notify the provider of any changes initiated by Client").

Pure. The previous audit is a saved JSON report (`audit --baseline OLD.json`); its
assets are compared with the inventory's by host name (case-insensitive):

- an asset in the inventory the previous audit did not see was *added*;
- an asset the previous audit saw that the inventory no longer lists was *removed*;
- an asset whose operating system release changed (name, edition or feature build:
  `Windows 10 Pro (build 19045)` → `Windows 11 Pro (build 26100)`) was *changed*. The
  update revision is left out, so a monthly patch is not a change; an asset whose OS
  either audit does not state is not judged on its OS.

A change is *notified* when the inventory's `attestations.changes` has an entry dated
after the previous audit and no later than this one that names the host.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tma_audit.model import (
    AssetKind,
    AuditResult,
    ChangeNotice,
    Inventory,
    PreviousAudit,
    Ruleset,
    SubjectType,
)

_REVISION = re.compile(r"\(build (\d+)\.\d+\)")


def os_release(text: str) -> str:
    """The OS as the verdicts' evidence states it, without the update revision:
    `Windows 11 Pro (build 26100.9874)` → `Windows 11 Pro (build 26100)`."""
    return _REVISION.sub(r"(build \1)", text).strip()


def report_assets(result: AuditResult) -> dict[str, tuple[str, str, str]]:
    """Host name (case-folded) -> (host name, site, OS release or "") of every asset an
    audit judged, from its subjects and the `os` evidence of its verdicts."""
    assets: dict[str, tuple[str, str, str]] = {}
    for sr in result.results:
        if sr.subject.type != SubjectType.ASSET:
            continue
        key = sr.subject.id.casefold()
        os_text = next(
            (os_release(value) for v in sr.verdicts for name, value in v.evidence if name == "os"),
            "",
        )
        if key not in assets or (os_text and not assets[key][2]):
            assets[key] = (sr.subject.id, sr.subject.site or "", os_text)
    return assets


def previous_audit(result: AuditResult, source: str, ruleset: Ruleset) -> PreviousAudit:
    """The previous audit an inventory's SC-4 is judged against (by this audit's
    ruleset: the kinds of asset its reports list)."""
    return PreviousAudit(
        as_of=result.as_of,
        source=source,
        assets=report_assets(result),
        kinds=reported_kinds(ruleset),
    )


def reported_kinds(ruleset: Ruleset) -> frozenset[AssetKind] | None:
    """The kinds of asset an audit with this ruleset judges (and so lists in its
    reports); None: every kind (a rule on assets of any kind is enabled)."""
    kinds: set[AssetKind] = set()
    for rule in ruleset.rules:
        if rule.enabled and SubjectType.ASSET in rule.applies_to.subjects:
            if not rule.applies_to.kinds:
                return None
            kinds.update(rule.applies_to.kinds)
    return frozenset(kinds)


def inventory_assets(
    inventory: Inventory, kinds: frozenset[AssetKind] | None = None
) -> dict[str, tuple[str, str, str]]:
    """As `report_assets`, from the inventory itself (the OS as the checks describe it),
    of the kinds given (None: all; an asset of no stated kind is judged by every rule)."""
    return {
        asset.hostname.casefold(): (
            asset.hostname,
            asset.site or "",
            os_release(asset.os.describe()) if asset.os is not None and asset.os.name else "",
        )
        for asset in inventory.assets
        if kinds is None or asset.kind is None or asset.kind in kinds
    }


@dataclass(frozen=True, slots=True)
class AssetChange:
    """One asset's change since the previous audit."""

    host: str
    #: "added", "removed" or "os"
    change: str
    old: str = ""
    new: str = ""
    #: the change notice that covers it, if any
    notice: ChangeNotice | None = None

    def describe(self) -> str:
        if self.change == "os":
            return f"{self.host} (OS {self.old} → {self.new})"
        return f"{self.host} ({self.change})"


def changes_since(
    inventory: Inventory, previous: PreviousAudit, as_of: dt.date
) -> list[AssetChange]:
    """Every asset added, removed or with another OS release since `previous`, sorted by
    host name, each with the change notice that covers it (or None)."""
    before, now = previous.assets, inventory_assets(inventory, previous.kinds)
    notices: dict[str, ChangeNotice] = {}
    for notice in sorted(inventory.attestations.changes, key=lambda n: n.date):
        if previous.as_of < notice.date <= as_of:
            for host in notice.assets:
                notices.setdefault(host.casefold(), notice)
    found: list[AssetChange] = []
    for key in sorted(set(before) | set(now)):
        old, new = before.get(key), now.get(key)
        if old is None and new is not None:
            change = AssetChange(new[0], "added")
        elif new is None and old is not None:
            change = AssetChange(old[0], "removed")
        elif old is not None and new is not None and old[2] and new[2] and old[2] != new[2]:
            change = AssetChange(new[0], "os", old[2], new[2])
        else:
            continue
        found.append(
            AssetChange(change.host, change.change, change.old, change.new, notices.get(key))
        )
    return found
