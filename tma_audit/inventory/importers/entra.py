"""Microsoft Entra ID (Azure AD): the devices export.

`operatingSystem` is `Windows`, `MacMDM`, `iOS` …; the Windows build is in
`operatingSystemVersion` (`10.0.19045.6456`). Phones and tablets are left out (reported).
"""

from __future__ import annotations

from tma_audit.inventory.importers.csvfile import header_keys
from tma_audit.inventory.importers.kinds import windows_build
from tma_audit.inventory.importers.profile import Profile, Rows

_KNOWN = header_keys(
    "id deviceId objectId displayName accountEnabled operatingSystem "
    "operatingSystemVersion joinType trustType isCompliant isManaged isRooted "
    "approximateLastSignInDateTime approximateLastLogonTimeStamp registrationDateTime "
    "createdDateTime manufacturer model profileType mdmAppId deviceOwnership "
    "enrollmentType managementType systemLabels userPrincipalName registeredOwners "
    "registeredUsers deviceCategory deviceVersion physicalIds onPremisesSyncEnabled "
    "onPremisesLastSyncDateTime complianceExpirationDateTime"
)
_OS_NAMES = {"macmdm": "macOS", "macos": "macOS", "mac os x": "macOS", "osx": "macOS"}


def _refine(rows: Rows) -> None:
    names = rows.col("os.name")
    versions = rows.col("_osversion")
    fixed = [_OS_NAMES.get(n.lower(), n) if n is not None else None for n in names]
    builds = [v if v is not None and windows_build(v) else None for v in versions]
    plain = [v if v is not None and not windows_build(v) else None for v in versions]
    rows.put("os.name", fixed)
    rows.put("os.build", builds)
    rows.put("os.version", plain)
    rows.skip_mobile()
    enabled = rows.col("_enabled")
    disabled = sum(enabled.count(v) for v in set(enabled) if v and v.lower() == "false")
    if disabled:
        rows.report.notes.append(
            f"{disabled} device(s) are disabled (accountEnabled = False) and audited like "
            "the others"
        )


PROFILE = Profile(
    name="entra",
    label="Microsoft Entra ID (devices)",
    aliases=("entra-id", "entraid", "azure-ad", "azuread", "aad"),
    columns={
        "hostname": ("displayname",),
        "os.name": ("operatingsystem",),
        "_osversion": ("operatingsystemversion",),
        "model": ("model",),
        "last_seen": ("approximatelastsignindatetime", "approximatelastlogontimestamp"),
        "_enabled": ("accountenabled",),
    },
    known=_KNOWN,
    anchors=frozenset(
        {
            "approximatelastsignindatetime",
            "approximatelastlogontimestamp",
            "accountenabled",
            "trusttype",
            "iscompliant",
            "ismanaged",
            "registrationdatetime",
        }
    ),
    explain={
        "_osversion": "os.build (Windows) or os.version",
        "last_seen": "last seen (duplicates, merging)",
        "_enabled": "note: disabled devices",
    },
    refine=_refine,
    facts=("os",),
)
