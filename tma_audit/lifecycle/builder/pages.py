"""endoflife.date product pages (YAML front matter) turned into snapshot product records."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from tma_audit.lifecycle.builder.findings import BuildError
from tma_audit.lifecycle.builder.liquid import render_liquid

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

#: Short names used to build a human label when endoflife.date's label is only a number
#: ("7.2" -> "FortiOS 7.2"). Products whose labels already carry the name are absent.
DISPLAY_PREFIX: dict[str, str] = {
    "almalinux": "AlmaLinux OS",
    "big-ip": "F5 BIG-IP",
    "centos": "CentOS",
    "cisco-ios-xe": "Cisco IOS XE",
    "citrix-vad": "Citrix Virtual Apps and Desktops",
    "clamav": "ClamAV",
    "commvault": "Commvault",
    "debian": "Debian",
    "dotnet": ".NET",
    "dotnetfx": ".NET Framework",
    "fortios": "FortiOS",
    "internet-explorer": "Internet Explorer",
    "msexchange": "Exchange Server",
    "mssqlserver": "SQL Server",
    "netbackup-appliance-os": "NetBackup Appliance OS",
    "nutanix-aos": "Nutanix AOS",
    "office": "Office",
    "opnsense": "OPNsense",
    "oracle-linux": "Oracle Linux",
    "cortex-xdr": "Cortex XDR agent",
    "pangp": "GlobalProtect",
    "panos": "PAN-OS",
    "proxmox-backup-server": "Proxmox Backup Server",
    "proxmox-ve": "Proxmox VE",
    "rhel": "Red Hat Enterprise Linux",
    "rocky-linux": "Rocky Linux",
    "sharepoint": "SharePoint Server",
    "sles": "SUSE Linux Enterprise Server",
    "sns-firmware": "Stormshield SNS",
    "sns-hardware": "Stormshield",
    "sns-smc": "Stormshield SMC",
    "surface": "Surface",
    "ubuntu": "Ubuntu",
    "veeam-backup-and-replication": "Veeam Backup & Replication",
    "veeam-backup-for-microsoft-365": "Veeam Backup for Microsoft 365",
    "veeam-one": "Veeam ONE",
    "esxi": "VMware ESXi",
    "vcenter": "VMware vCenter Server",
    "windows-embedded": "Windows Embedded",
    "windows-nano-server": "Nano Server",
    "windows-powershell": "Windows PowerShell",
    "windows-server-core": "Windows Server Core",
    "xcp-ng": "XCP-ng",
    "zerto": "Zerto",
}

#: Windows client cycles whose endoflife.date label does not tell them apart
#: ("10 1809 (E)" is both the LTSC and the non-LTSC cycle).
WINDOWS_LABELS: dict[str, str] = {
    "11-24h2-iot-lts": "Windows 11 IoT Enterprise LTSC 2024",
    "11-24h2-e-lts": "Windows 11 Enterprise LTSC 2024",
    "10-21h2-iot-lts": "Windows 10 IoT Enterprise LTSC 2021",
    "10-21h2-e-lts": "Windows 10 Enterprise LTSC 2021",
    "10-1809-e-lts": "Windows 10 Enterprise LTSC 2019",
    "10-1607-e-lts": "Windows 10 Enterprise LTSB 2016",
    "10-1507-e-lts": "Windows 10 Enterprise LTSB 2015",
    "10-1507-iot": "Windows 10 IoT Core 1507",
}


def read_front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        raise BuildError(f"{path}: no YAML front matter")
    end = text.find("\n---", 3)
    if end < 0:
        raise BuildError(f"{path}: unterminated YAML front matter")
    data = yaml.safe_load(text[3:end])
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        raise BuildError(f"{path}: front matter without releases")
    return data


def date_or_flag(value: Any, where: str) -> str | bool | None:
    """A lifecycle field: an ISO date, a boolean (true = that phase has ended), or absent."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return value
    raise BuildError(f"{where}: not a date or boolean: {value!r}")


def plain_date(value: Any, where: str) -> str | None:
    result = date_or_flag(value, where)
    if isinstance(result, bool):
        raise BuildError(f"{where}: expected a date, got {result!r}")
    return result


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def render_template(template: str, release: dict[str, Any]) -> str:
    """endoflife.date's render_eol_template: placeholders, then Liquid."""
    text = template.strip()
    text = text.replace("__RELEASE_CYCLE__", text_or_none(release.get("releaseCycle")) or "")
    text = text.replace("__CODENAME__", text_or_none(release.get("codename")) or "")
    text = text.replace("__LATEST__", text_or_none(release.get("latest")) or "")
    latest_date = release.get("latestReleaseDate")
    text = text.replace(
        "__LATEST_RELEASE_DATE__",
        latest_date.isoformat() if isinstance(latest_date, dt.date) else "",
    )
    return render_liquid(text)


def display_label(slug: str, cycle: str, eol_label: str) -> str:
    """A label a person can read on its own: "FortiOS 7.2", "Windows 10 22H2"."""
    if slug == "windows":
        if cycle in WINDOWS_LABELS:
            return WINDOWS_LABELS[cycle]
        text = eol_label.replace("(E)", "(Enterprise/Education)").replace("(W)", "(Home/Pro)")
        return f"Windows {text}"
    prefix = DISPLAY_PREFIX.get(slug)
    if prefix and not eol_label.lower().startswith(prefix.lower()):
        if slug == "citrix-vad" and eol_label.startswith("XenDesktop"):
            return f"Citrix {eol_label}"
        return f"{prefix} {eol_label}"
    return eol_label


def build_product(path: Path) -> tuple[str, dict[str, Any]]:
    front = read_front_matter(path)
    # endoflife.date names a product by its permalink ("panos" for pan-os.md), as the API does.
    slug = str(front.get("permalink", "/" + path.stem)).strip("/")
    aliases = sorted(
        (
            {str(a).strip("/") for a in (front.get("alternate_urls") or [])}
            | {str(a).strip("/") for a in (front.get("alternative_urls") or [])}
            | {path.stem}
        )
        - {slug}
    )
    releases: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in front["releases"]:
        cycle = text_or_none(raw.get("releaseCycle"))
        if cycle is None:
            raise BuildError(f"{path}: a release without releaseCycle")
        if cycle in seen:
            raise BuildError(f"{path}: duplicate releaseCycle {cycle!r}")
        seen.add(cycle)
        where = f"{path.name} {cycle}"
        template = raw.get("releaseLabel") or front.get("releaseLabel")
        eol_label = render_template(str(template), raw) if template else cycle
        link = _release_link(raw, front)
        lts = raw.get("lts", False)
        record: dict[str, Any] = {
            "cycle": cycle,
            "label": display_label(slug, cycle, eol_label),
            "eol_label": eol_label,
            "release_date": plain_date(raw.get("releaseDate"), where),
            "eoas": date_or_flag(raw.get("eoas"), where),
            "eol": date_or_flag(raw.get("eol"), where),
            "eoes": date_or_flag(raw.get("eoes"), where),
            "lts": date_or_flag(lts, where) if not isinstance(lts, bool) else lts,
            "latest": text_or_none(raw.get("latest")),
            "codename": text_or_none(raw.get("codename")),
            "link": link or None,
        }
        # Keep false for the lifecycle phases (false = not ended); drop empty fields.
        releases.append(
            {k: v for k, v in record.items() if v is not None and (v is not False or k != "lts")}
        )
    product = {
        "label": str(front.get("title", slug)),
        "category": str(front.get("category", "")),
        "link": f"https://endoflife.date/{slug}",
        "aliases": aliases,
        "releases": releases,
    }
    if front.get("releasePolicyLink"):
        product["policy"] = str(front["releasePolicyLink"])
    return slug, product


def _release_link(raw: dict[str, Any], front: dict[str, Any]) -> str | None:
    """A release's own link (a template when it has placeholders), else the product's
    changelog template rendered for it."""
    if "link" in raw:
        link = text_or_none(raw["link"])
        if link and "__" in link:
            link = render_template(link, raw)
        return link
    if front.get("changelogTemplate"):
        return render_template(str(front["changelogTemplate"]), raw)
    return None
