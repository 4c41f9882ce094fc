"""Microsoft Intune: the "All devices" export (`DevicesWithInventory_<guid>.csv`).

`OS` says only `Windows` for both 10 and 11: the build in `OS version`
(`10.0.19045.6456`) tells them apart and gives the revision the update rules need, so a
Windows version goes to `os.build`; other platforms' versions (`14.5`) to `os.version`.
`SkuFamily` is the edition (Home/Pro and Enterprise/Education dates differ). Phones and
tablets are left out (reported): the contract governs servers, desktops and notebooks.
"""

from __future__ import annotations

from tma_audit.inventory.importers.csvfile import header_key
from tma_audit.inventory.importers.kinds import windows_build
from tma_audit.inventory.importers.profile import Profile, Rows

_KNOWN = frozenset(
    header_key(name)
    for name in (
        "Device ID",
        "Device name",
        "Enrollment date",
        "Last check-in",
        "Azure AD Device ID",
        "OS version",
        "Azure AD registered",
        "EAS activation ID",
        "Serial number",
        "Manufacturer",
        "Model",
        "EAS activated",
        "IMEI",
        "Last EAS sync time",
        "EAS reason",
        "EAS status",
        "Compliance grace period expiration",
        "Security patch level",
        "Wi-Fi MAC",
        "MEID",
        "Subscriber carrier",
        "Total storage",
        "Free storage",
        "Management name",
        "Category",
        "UserId",
        "Primary user UPN",
        "Primary user email address",
        "Primary user display name",
        "WiFiMacAddress",
        "EthernetMacAddress",
        "Ethernet MAC",
        "Compliance",
        "Managed by",
        "Ownership",
        "Device state",
        "Intune registered",
        "Supervised",
        "Encrypted",
        "OS",
        "SkuFamily",
        "JoinType",
        "Phone number",
        "Jailbroken",
        "ICCID",
        "EnrollmentProfileName",
        "AutopilotEnrolled",
        "ProcessorArchitecture",
        "ProductName",
        "Management certificate expiration date",
        "DeviceEnrollmentType",
        "Last logged on user",
        "Android security patch level",
        "Enrollment type",
    )
)


def _refine(rows: Rows) -> None:
    versions = rows.col("_osversion")
    builds: list[str | None] = []
    plain: list[str | None] = []
    for version in versions:
        if version is not None and windows_build(version):
            builds.append(version)
            plain.append(None)
        else:
            builds.append(None)
            plain.append(version)
    rows.put("os.build", builds)
    rows.put("os.version", plain)
    rows.skip_mobile()


PROFILE = Profile(
    name="intune",
    label="Microsoft Intune (All devices)",
    aliases=("microsoft-intune", "deviceswithinventory", "mem", "endpoint-manager"),
    columns={
        "hostname": ("devicename", "managementname"),
        "os.name": ("os", "operatingsystem"),
        "_osversion": ("osversion",),
        "os.edition": ("skufamily",),
        "model": ("model",),
        "last_seen": ("lastcheckin", "lastcheckindate", "lastsynctime"),
    },
    known=_KNOWN,
    anchors=frozenset(
        {
            "azureaddeviceid",
            "skufamily",
            "lastcheckin",
            "easactivationid",
            "intuneregistered",
            "enrollmentdate",
            "jailbroken",
            "compliancegraceperiodexpiration",
        }
    ),
    explain={
        "_osversion": "os.build (Windows) or os.version",
        "last_seen": "last seen (duplicates, merging)",
    },
    refine=_refine,
    facts=("os", "build"),
)
