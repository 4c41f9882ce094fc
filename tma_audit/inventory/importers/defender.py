"""Microsoft Defender for Endpoint: the device inventory export.

The inventory also lists devices Defender only *discovered* on the network; only
onboarded devices are imported (the others are reported as left out). `OS Platform`
(`Windows10`, `WindowsServer2019`, `Linux`) gives the OS name, `OS Version` (`22H2`) and
`OS Build` the release; `Device Type` / `Device Subtype` the kind. An onboarded device is
evidence of the Defender for Endpoint agent (its definitions date is not in the export).
"""

from __future__ import annotations

from tma_audit.inventory.importers.csvfile import header_key
from tma_audit.inventory.importers.kinds import camel_words, windows_build
from tma_audit.inventory.importers.profile import Profile, Rows
from tma_audit.model import AssetKind

AGENT = "Microsoft Defender for Endpoint"

_KNOWN = frozenset(
    header_key(name)
    for name in (
        "Device ID",
        "Device Name",
        "Device Category",
        "Device Type",
        "Device Subtype",
        "Discovery sources",
        "Domain",
        "AAD Device Id",
        "First Seen",
        "Last device update",
        "OS Platform",
        "OS Distribution",
        "OS Version",
        "OS Build",
        "Windows 10 Version",
        "Tags",
        "Group",
        "Is AAD Joined",
        "Device IPs",
        "Device MACs",
        "Risk Level",
        "Exposure Level",
        "Health Status",
        "Onboarding Status",
        "Device Role",
        "Cloud Platforms",
        "Managed By",
        "Managed By Status",
        "Criticality Level",
        "Is Internet Facing",
        "Exclusion Reason",
        "Exclusion State",
        "Vendor",
        "Model",
        "Device Value",
        "Asset Value",
        "Is Excluded",
        "Sensor Health State",
        "Is Transient",
    )
)


def _os(platform: str | None, distribution: str | None) -> str | None:
    if platform is None:
        return distribution
    low = platform.lower()
    if low.startswith("windows"):
        return camel_words(platform)
    if low == "linux" and distribution:
        return camel_words(distribution)
    if low in ("macos", "mac", "osx"):
        return "macOS"
    return platform


def _refine(rows: Rows) -> None:
    report = rows.report
    status = rows.col("_onboarding")
    if rows.has("_onboarding"):
        for i, value in enumerate(status):
            if value is None or value.strip().lower() != "onboarded":
                state = value or "no onboarding status"
                rows.drop(i, f"not onboarded to Defender ({state}): only discovered")
    else:
        report.warnings.append(
            "no Onboarding Status column: discovered-only devices cannot be told apart"
        )
    platforms, distributions = rows.col("_platform"), rows.col("_distribution")
    versions, builds = rows.col("_osversion"), rows.col("os.build")
    names: list[str | None] = []
    plain: list[str | None] = []
    new_builds: list[str | None] = []
    composed: dict[tuple[str | None, str | None], str | None] = {}
    for i in range(rows.n):
        key = (platforms[i], distributions[i])
        if key in composed:
            name = composed[key]
        else:
            name = composed[key] = _os(*key)
        names.append(name)
        version, build = versions[i], builds[i]
        if version is not None and build is None and windows_build(version):
            version, build = None, version
        plain.append(version)
        new_builds.append(build)
    rows.put("os.name", names)
    rows.put("os.version", plain)
    rows.put("os.build", new_builds)
    rows.skip_mobile()
    types, subtypes = rows.col("_type"), rows.col("_subtype")
    kinds = [
        subtypes[i] if t is not None and t.lower().replace(" ", "") == "networkdevice" else t
        for i, t in enumerate(types)
    ]
    rows.kinds_from_types(kinds, "device type")
    if rows.has("_onboarding"):
        computers = (None, AssetKind.SERVER, AssetKind.DESKTOP, AssetKind.NOTEBOOK)
        rows.put(
            "antivirus.agent",
            [
                AGENT if skip is None and kind in computers else None
                for skip, kind in zip(rows.skip, rows.kind, strict=True)
            ],
        )
        report.notes.append(
            f"onboarded devices: antivirus agent {AGENT!r} (the export has no definitions "
            "date: MS-4 stays unknown per device until one is given)"
        )


PROFILE = Profile(
    name="defender",
    label="Microsoft Defender for Endpoint (device inventory)",
    aliases=("mde", "defender-for-endpoint", "microsoft-defender"),
    columns={
        "hostname": ("devicename", "computerdnsname"),
        "_platform": ("osplatform",),
        "_distribution": ("osdistribution",),
        "_osversion": ("osversion", "windows10version"),
        "os.build": ("osbuild",),
        "_type": ("devicetype",),
        "_subtype": ("devicesubtype",),
        "_onboarding": ("onboardingstatus",),
        "model": ("model",),
        "last_seen": ("lastdeviceupdate", "lastseen"),
    },
    known=_KNOWN,
    anchors=frozenset(
        {
            "onboardingstatus",
            "osplatform",
            "exposurelevel",
            "risklevel",
            "discoverysources",
            "healthstatus",
            "devicecategory",
        }
    ),
    explain={
        "_platform": "os.name",
        "_distribution": "os.name (Linux)",
        "_osversion": "os.version",
        "_type": "kind",
        "_subtype": "kind (network devices)",
        "_onboarding": "filter (onboarded only); antivirus.agent",
        "last_seen": "last seen (duplicates, merging)",
    },
    refine=_refine,
    facts=("antivirus", "build"),
)
