"""CrowdStrike Falcon: the hosts export.

Every listed host runs the Falcon sensor: evidence of antivirus coverage. Falcon keeps no
local signature files, so the host's `Last Seen` (its last check-in with the cloud)
stands for the definitions date. `OS Version` is a name (`Windows 10`,
`Windows Server 2019`, `Catalina (10.15)`, `RHEL 8.4`); `Platform` the family.
"""

from __future__ import annotations

import re

from tma_audit.inventory.importers.csvfile import header_key
from tma_audit.inventory.importers.profile import Profile, Rows

AGENT = "CrowdStrike Falcon"

_KNOWN = frozenset(
    header_key(name)
    for name in (
        "Hostname",
        "Host ID",
        "AID",
        "CID",
        "Last Seen",
        "First Seen",
        "Platform",
        "OS Version",
        "OS Build",
        "Build",
        "Sensor Version",
        "Serial Number",
        "Local IP",
        "External IP",
        "MAC Address",
        "Machine Domain",
        "Site Name",
        "OU",
        "System Manufacturer",
        "System Product Name",
        "Product Type Desc",
        "Type",
        "Chassis Type",
        "Status",
        "RFM",
        "Reduced Functionality Mode",
        "Containment Status",
        "Kernel Version",
        "Grouping Tags",
        "Sensor Tags",
        "Tags",
        "Host Groups",
        "Prevention Policy",
        "Sensor Update Policy",
        "BIOS Version",
        "Linux Sensor Mode",
    )
)
_PAREN = re.compile(r"\(([0-9][0-9.]*)\)")


def _os(platform: str | None, version: str | None) -> tuple[str | None, str | None]:
    """(os.name, os.version) from Platform and OS Version."""
    family = (platform or "").strip().lower()
    if family in ("mac", "macos", "darwin"):
        number = _PAREN.search(version or "")
        return "macOS", number.group(1) if number else version
    if version is None:
        return platform, None
    if family == "windows" and "windows" not in version.lower():
        return f"Windows {version}", None
    return version, None


def _refine(rows: Rows) -> None:
    platforms, versions = rows.col("_platform"), rows.col("_osversion")
    composed: dict[tuple[str | None, str | None], tuple[str | None, str | None]] = {}
    names: list[str | None] = []
    plain: list[str | None] = []
    for key in zip(platforms, versions, strict=True):
        found = composed.get(key)
        if found is None:
            found = composed[key] = _os(*key)
        names.append(found[0])
        plain.append(found[1])
    rows.put("os.name", names)
    rows.put("os.version", plain)
    rows.kinds_from_types(rows.col("_type"), "type")
    rows.put("antivirus.agent", [AGENT] * rows.n)
    rows.put("antivirus.definitions", rows.col("last_seen"))
    rows.report.notes.append(
        f"every host: antivirus agent {AGENT!r}; its Last Seen (cloud check-in) stands for "
        "the definitions date, as Falcon keeps no local signature files"
    )


PROFILE = Profile(
    name="crowdstrike",
    label="CrowdStrike Falcon (hosts)",
    aliases=("falcon", "crowdstrike-falcon", "cs"),
    columns={
        "hostname": ("hostname",),
        "_platform": ("platform", "platformname"),
        "_osversion": ("osversion",),
        "os.build": ("osbuild", "build"),
        "_type": ("producttypedesc", "type"),
        "model": ("systemproductname", "model"),
        "last_seen": ("lastseen",),
    },
    known=_KNOWN,
    anchors=frozenset({"hostid", "sensorversion", "aid", "cid", "rfm", "producttypedesc"}),
    explain={
        "_platform": "os.name",
        "_osversion": "os.name / os.version",
        "_type": "kind",
        "last_seen": "antivirus.definitions; last seen (merging)",
    },
    refine=_refine,
    facts=("antivirus", "build"),
)
