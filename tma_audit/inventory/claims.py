"""A companion's `complete:` claims, checked against the assets the exports list.

Here, not in the importers, so that the native loader (an inventory with exports in
`assets_from`) and the importers (`--companion`) share it without the inventory package
importing its importers back.
"""

from __future__ import annotations

from collections.abc import Sequence

from tma_audit.errors import InventoryError
from tma_audit.model import Asset, AssetKind, Inventory


def check_complete_claims(
    companion: Inventory,
    claimed: frozenset[AssetKind],
    assets: Sequence[Asset],
    repeated: Sequence[str],
    file: str,
    line: int,
) -> None:
    """A companion's `complete:` claim must hold: every asset of a kind it claims is
    listed once and at a site the companion declares (otherwise exit 2).

    ``claimed``: the kinds of its top-level `complete:`, on ``line``; the per-site
    claims are in its coverage. ``repeated``: hosts with more than one record in one
    export.
    """
    declared = {s.name for s in companion.client.sites}
    claims = _claims(companion, claimed, line)
    if not claims:
        return
    twice = set(repeated)
    for asset in assets:
        for kinds, site, where, field in claims:
            if asset.kind not in kinds or (site is not None and asset.site not in (site, None)):
                continue
            problem = _claim_problem(asset, twice, declared)
            if problem is not None:
                claim = f"the companion says every {asset.kind.value} is listed"
                raise InventoryError(
                    f"{claim}{f' at {site}' if site else ''}, but {problem}: fix the export "
                    "or drop the claim",
                    file=file,
                    line=where,
                    field=field,
                )


_Claim = tuple[frozenset[AssetKind], str | None, int, str]  # kinds, site, line, field


def _claims(companion: Inventory, claimed: frozenset[AssetKind], line: int) -> list[_Claim]:
    """The companion's `complete:` claims: the top-level one, then each site's."""
    coverage = companion.coverage
    claims: list[_Claim] = []
    if claimed:
        claims.append((claimed, None, line, "complete"))
    for index, declared_site in enumerate(companion.client.sites):
        name = declared_site.name
        kinds = frozenset().union(*(k for n, k in coverage.site_kinds if n == name))
        if kinds:
            where = declared_site.location.line if declared_site.location else line
            claims.append((kinds, name, where, f"client.sites[{index}].complete"))
    return claims


def _claim_problem(asset: Asset, twice: set[str], declared: set[str]) -> str | None:
    """Why an asset of a claimed kind breaks the claim (None: it does not)."""
    place = f" ({asset.location})" if asset.location else ""
    if asset.hostname in twice:
        return f"{asset.hostname}{place} is listed more than once in one export"
    if asset.site is None and len(declared) > 1:
        return f"{asset.hostname}{place} names no site (the client has {len(declared)})"
    if asset.site is not None and declared and asset.site not in declared:
        return f"{asset.hostname}{place} is at site {asset.site!r}, not declared"
    return None
