"""FortiManager / FortiCloud: device lists.

The model (or serial number) tells a FortiGate (a firewall running FortiOS; `FGVM` is a
virtual one) from a FortiSwitch or FortiAP; `Firmware Version` (`v7.4.1-build2463`) is the
firmware, `Contract Expiration Date` the end of the FortiCare support contract.
"""

from __future__ import annotations

import re

from tma_audit.inventory.importers.csvfile import header_key
from tma_audit.inventory.importers.kinds import DERIVED
from tma_audit.inventory.importers.profile import Profile, Rows
from tma_audit.model import AssetKind

_KNOWN = frozenset(
    header_key(name)
    for name in (
        "Serial Number",
        "Device Name",
        "Hostname",
        "Model",
        "Platform",
        "Management IP",
        "IP",
        "Firmware Version",
        "Firmware",
        "HA Mode",
        "HA Cluster",
        "Contract Expiration Date",
        "Connectivity",
        "Connection Status",
        "Config Status",
        "Policy Package Status",
        "ADOM",
        "Description",
        "Status",
        "Registration Date",
        "Folder",
        "Location",
    )
)

# (pattern on model or serial, kind, os name, form)
_DEVICES: tuple[tuple[re.Pattern[str], AssetKind, str, str | None], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind, os, form)
    for pattern, kind, os, form in (
        (r"^(?:fortiswitch|fs-?\d|fsw|s\d{3})", AssetKind.SWITCH, "FortiSwitch", "hardware"),
        (r"^(?:fortiap|fap|fp\d|u\d{3})", AssetKind.ACCESS_POINT, "FortiAP", "hardware"),
        (r"^(?:fgvm|fortigate[- ]?vm|fg-?vm)", AssetKind.FIREWALL, "FortiOS", "virtual"),
        (r"^(?:fortigate|fortiwifi|fgt|fwf|fg)", AssetKind.FIREWALL, "FortiOS", "hardware"),
    )
)


def _device(model: str | None, serial: str | None) -> tuple[AssetKind, str, str | None]:
    for text in (model, serial):
        if text:
            for pattern, kind, os, form in _DEVICES:
                if pattern.search(text.strip()):
                    return kind, os, form
    return AssetKind.FIREWALL, "FortiOS", None


def _refine(rows: Rows) -> None:
    models, serials = rows.col("model"), rows.col("_serial")
    decided: dict[tuple[str | None, str | None], tuple[AssetKind, str, str | None]] = {}
    names: list[str | None] = []
    forms: list[str | None] = []
    for i, key in enumerate(zip(models, serials, strict=True)):
        found = decided.get(key)
        if found is None:
            found = decided[key] = _device(*key)
        kind, os, form = found
        if rows.kind[i] is None:
            rows.set_kind(i, kind, DERIVED)
        names.append(os)
        forms.append(form)
    rows.put("os.name", names)
    if not rows.has("form"):
        rows.put("form", forms)


PROFILE = Profile(
    name="fortimanager",
    label="FortiManager / FortiCloud (devices)",
    aliases=("forticloud", "fortinet", "fortigate", "fmg"),
    columns={
        "hostname": ("hostname", "devicename", "name"),
        "model": ("model", "platform"),
        "_serial": ("serialnumber", "sn"),
        "os.version": ("firmwareversion", "firmware", "osversion"),
        "support_expires": ("contractexpirationdate", "supportexpirationdate", "contractexpiry"),
    },
    known=_KNOWN,
    anchors=frozenset({"firmwareversion", "hamode", "contractexpirationdate", "managementip"}),
    explain={
        "_serial": "kind, os.name, form (with the model)",
        "model": "model; kind, os.name, form",
    },
    refine=_refine,
    lists=frozenset({AssetKind.FIREWALL}),
    facts=("firmware", "support"),
)
