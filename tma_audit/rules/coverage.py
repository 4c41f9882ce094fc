"""Coverage guards: a rule about a kind of asset that no source lists is unknown.

A source speaks only for what it can see (docs/inventory.md, "Coverage"): an AD export
lists computers, never firewalls, so "no firewall listed" is a fail only when a source
that lists firewalls was given (or the inventory is a hand-written, complete one).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable

from tma_audit.model import AssetKind, Inventory, Outcome, Site, Verdict
from tma_audit.rules.registry import Context

#: per kind: its plural, and the sources that list it
_LISTED_BY: dict[AssetKind, tuple[str, str]] = {
    AssetKind.FIREWALL: ("firewalls", "a FortiManager or IT Glue export"),
    AssetKind.ROUTER: ("routers", "an IT Glue or Lansweeper export"),
    AssetKind.SWITCH: ("switches", "an IT Glue or Lansweeper export"),
    AssetKind.ACCESS_POINT: ("access points", "an IT Glue or Lansweeper export"),
    AssetKind.SERVER: ("servers", "an AD, IT Glue or Lansweeper export"),
    AssetKind.DESKTOP: ("desktops", "an AD, IT Glue or Lansweeper export"),
    AssetKind.NOTEBOOK: ("notebooks", "an AD, IT Glue or Lansweeper export"),
}

#: the evidence key of a coverage verdict (the Evidence section reads it)
GAP_KEY = "coverage_gap"


def coverage_gap(ctx: Context, kinds: Iterable[AssetKind], site: str | None) -> Verdict | None:
    """Unknown, naming the gap, when no source lists every asset of these kinds at the
    site; None when the inventory's sources do."""
    coverage = ctx.inventory.coverage
    missing = [kind for kind in kinds if not coverage.lists(kind, site)]
    if not missing:
        return None
    nouns = " or ".join(_LISTED_BY[kind][0] for kind in missing)
    sources = list(dict.fromkeys(_LISTED_BY[kind][1] for kind in missing))
    return Verdict(
        Outcome.UNKNOWN,
        f"no source lists {nouns}: add {' or '.join(sources)}, or list them in the inventory",
        ((GAP_KEY, ", ".join(kind.value for kind in missing)),),
    )


def site_coverage(site: Site, ctx: Context, kinds: tuple[AssetKind, ...], what: str) -> Verdict:
    """A per-asset rule's verdict on a site: not applicable when assets of the kinds are
    listed there (each is judged by itself) or a source vouches there are none; unknown,
    naming the gap, when none is listed and no source lists the kinds."""
    # as MS-6 counts firewalls: with one site, an asset with no site is at it
    here = {site.name, None} if len(ctx.inventory.client.sites) <= 1 else {site.name}
    listed = ctx.shared(_kind_sites)
    if any((kind, name) in listed for kind in kinds for name in here):
        return Verdict(Outcome.NOT_APPLICABLE, f"{what} at site {site.name} are judged one by one")
    gap = coverage_gap(ctx, kinds, site.name)
    if gap is not None:
        return gap
    return Verdict(Outcome.NOT_APPLICABLE, f"no {what} at site {site.name}")


def _kind_sites(inventory: Inventory) -> set[tuple[AssetKind, str | None]]:
    """Each (kind, site) with at least one asset (site None: an asset with no site).
    Every site is judged on the same scan: built once per audit (`Context.shared`)."""
    assets = inventory.assets
    return set(zip(map(_KIND, assets), map(_SITE, assets), strict=True))


_KIND, _SITE = operator.attrgetter("kind"), operator.attrgetter("site")
