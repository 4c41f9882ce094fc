"""Two checks Acme IT adds to its audits. Importing this module registers them.

Only the plugin API is used (docs/plugins.md): `check`, `ParamSpec`, `Context`,
`EvidenceWanted`, `asset_key` from `tma_audit.rules.registry`, and `Verdict`, `Outcome`,
`Asset`, `SubjectType` from `tma_audit.model`.
"""

from __future__ import annotations

from tma_audit.model import Asset, Outcome, SubjectType, Verdict
from tma_audit.rules.registry import Context, EvidenceWanted, ParamSpec, asset_key, check


@check(
    "acme_patched_within",
    subjects={SubjectType.ASSET},
    params={
        "max_days": ParamSpec(
            "int", 30, "Most days since the asset was last patched.", minimum=1, maximum=3650
        )
    },
    keys={SubjectType.ASSET: asset_key("last_patched")},
    evidence=EvidenceWanted("build"),
)
def patched_within(asset: Asset, ctx: Context) -> Verdict:
    """The asset was patched within `max_days` days of the audit date."""
    max_days = ctx.params["max_days"]
    if asset.last_patched is None:
        # missing evidence is never a pass: unknown
        return Verdict(Outcome.UNKNOWN, "no last-patched date in the inventory")
    age = (ctx.as_of - asset.last_patched).days
    evidence = (("last patched", asset.last_patched.isoformat()),)
    if age > max_days:
        return Verdict(
            Outcome.FAIL, f"last patched {age} days ago (more than {max_days})", evidence
        )
    return Verdict(Outcome.PASS, f"last patched {age} days ago", evidence)


@check(
    "acme_backup_covered",
    subjects={SubjectType.ASSET},
    keys={SubjectType.ASSET: asset_key("backup_covered")},
)
def backup_covered(asset: Asset, ctx: Context) -> Verdict:
    """The asset is covered by the backup solution."""
    if asset.backup_covered is None:
        return Verdict(Outcome.UNKNOWN, "backup coverage not stated")
    if not asset.backup_covered:
        return Verdict(Outcome.FAIL, "not covered by backup", (("backup covered", "no"),))
    return Verdict(Outcome.PASS, "covered by backup", (("backup covered", "yes"),))
