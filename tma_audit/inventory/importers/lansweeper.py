"""Lansweeper: report exports, whose headers are the report's SQL column names.

`AssetTypename` gives the kind (`Windows`, `Linux`, `Switch`, `Printer` …; printers,
phones and the like are left out, reported); `OSName` may be a short code (`Win 10`,
`Win 2012 R2`), which OS recognition reads; `Warrantydate` is the warranty's end.
"""

from __future__ import annotations

from tma_audit.inventory.importers.csvfile import header_keys
from tma_audit.inventory.importers.kinds import windows_build
from tma_audit.inventory.importers.profile import Profile, Rows

_KNOWN = header_keys(
    "AssetID AssetUnique AssetName AssetTypename AssetType Domain Username Userdomain "
    "IPAddress Description Manufacturer Model Serialnumber Serialnr PurchaseDate "
    "Warrantydate Firstseen Lastseen Lastchanged LastTried OSName OScode OSVersion "
    "Version OSbuild SP Memory Processor Statename State Location Building Department "
    "Branchoffice Contact Mac FQDN Lastpatched LastActiveScan Uptime SystemSKU "
    "Custom1 Custom2 Custom3 Icon"
)


def _refine(rows: Rows) -> None:
    # A version column may hold a full build ("10.0.19045") or a release ("22H2").
    versions = rows.col("os.version")
    if rows.has("os.version") and not rows.has("os.build"):
        rows.put("os.build", [v if v is not None and windows_build(v) else None for v in versions])
        rows.put(
            "os.version", [v if v is not None and not windows_build(v) else None for v in versions]
        )
    rows.kinds_from_types(rows.col("_type"), "asset type")


PROFILE = Profile(
    name="lansweeper",
    label="Lansweeper (report export)",
    aliases=("lan-sweeper",),
    columns={
        "hostname": ("assetname", "computername", "name"),
        "fqdn": ("fqdn", "dnsname"),
        "_type": ("assettypename", "assettype", "type"),
        "os.name": ("osname", "operatingsystem", "os"),
        "os.version": ("osversion", "version", "oscode"),
        "os.build": ("osbuild", "buildnumber"),
        "model": ("model",),
        "warranty.expires": ("warrantydate", "warrantyenddate", "warrantyexpiration"),
        "patch.last_patched": ("lastpatched",),
        "last_seen": ("lastseen",),
    },
    known=_KNOWN,
    anchors=frozenset({"assetname", "assettypename", "assetid", "assetunique", "oscode"}),
    explain={
        "_type": "kind (printers, phones … left out)",
        "os.version": "os.version (a full Windows build: os.build)",
        "fqdn": "domain (merging)",
        "last_seen": "last seen (duplicates, merging)",
    },
    refine=_refine,
    lists_typed=True,
    facts=("os", "build", "patch", "warranty"),
)
