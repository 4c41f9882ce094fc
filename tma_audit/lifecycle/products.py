"""Product names as inventories write them, mapped to snapshot products and OS families.

One ordered table serves two callers: ``find_release`` (software, firmware, backup
products) and the non-Windows branch of OS recognition. The first pattern that matches a
normalised name wins, so specific names come before general ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tma_audit.lifecycle.records import OsFamily


@dataclass(frozen=True, slots=True)
class Alias:
    pattern: re.Pattern[str]
    slug: str | None  # snapshot product; None: known, but not in the snapshot
    family: OsFamily | None  # as an operating system; None: software only
    name: str  # human name for notes


def _alias(pattern: str, slug: str | None, family: OsFamily | None, name: str) -> Alias:
    return Alias(re.compile(pattern), slug, family, name)


_N, _A, _H, _L, _M = (
    OsFamily.NETWORK,
    OsFamily.APPLIANCE,
    OsFamily.HYPERVISOR,
    OsFamily.LINUX,
    OsFamily.MACOS,
)

ALIASES: tuple[Alias, ...] = (
    # Appliances: their own products, never "unsupported Windows".
    _alias(r"\bcisco identity services engine\b|\bcisco ise\b", None, _A, "Cisco ISE"),
    _alias(r"\bf5 arx\b|^arx\b", None, _A, "F5 ARX"),
    _alias(r"\bbig ?-?ip\b|\bf5\b", "big-ip", _A, "F5 BIG-IP"),
    _alias(r"\bdata ontap\b|\bontap\b|\bnetapp\b", None, _A, "NetApp ONTAP"),
    _alias(r"\bnutanix ahv\b|\bahv\b", None, _H, "Nutanix AHV"),
    _alias(r"\bnutanix(?: aos)?\b", "nutanix-aos", _A, "Nutanix AOS"),
    _alias(r"\bnetbackup appliance\b", "netbackup-appliance-os", _A, "NetBackup Appliance"),
    _alias(r"\bsynology\b|\bdsm\b", None, _A, "Synology DSM"),
    _alias(r"\bqnap\b|\bqts\b|\bquts\b", None, _A, "QNAP QTS"),
    _alias(r"\btruenas\b|\bfreenas\b", None, _A, "TrueNAS"),
    _alias(r"\bidrac\b|\bilo\b|\bxclarity\b", None, _A, "management controller"),
    _alias(r"\bvcenter\b|\bvcsa\b", "vcenter", _A, "VMware vCenter Server"),
    _alias(r"\bproxmox backup server\b|\bpbs\b", "proxmox-backup-server", _A, "Proxmox Backup"),
    # Network operating systems.
    _alias(r"\bfortiswitch\b|\bfortiap\b", None, _N, "Fortinet FortiSwitch/FortiAP"),
    _alias(r"\bforti ?os\b|\bfortigate\b|\bfortinet\b", "fortios", _N, "FortiOS"),
    _alias(r"\bglobalprotect\b", "pangp", None, "GlobalProtect"),
    _alias(r"\bcortex xdr\b|\btraps\b", "cortex-xdr", None, "Cortex XDR"),
    _alias(r"\bpan ?-?os\b|\bpalo alto(?: networks)?\b", "panos", _N, "PAN-OS"),
    _alias(r"\bcisco ios ?-?xe\b|\bios ?-?xe\b", "cisco-ios-xe", _N, "Cisco IOS XE"),
    _alias(r"\bnx ?-?os\b|\bcisco ios\b|\bcisco asa\b|\basa ?os\b", None, _N, "Cisco"),
    _alias(r"\brouteros\b|\bmikrotik\b", "routeros", _N, "RouterOS"),
    _alias(r"\bopnsense\b", "opnsense", _N, "OPNsense"),
    _alias(r"\bpfsense\b", None, _N, "pfSense"),
    _alias(r"\bjunos\b|\bjuniper\b", None, _N, "Junos"),
    _alias(r"\bsonic ?os\b|\bsonicwall\b", None, _N, "SonicOS"),
    _alias(r"\bfireware\b|\bwatchguard\b", None, _N, "WatchGuard Fireware"),
    _alias(r"\bmeraki\b", None, _N, "Cisco Meraki"),
    _alias(r"\bstormshield\b|\bsns\b", "sns-firmware", _N, "Stormshield SNS"),
    _alias(r"\baruba ?os\b|\baruba\b", None, _N, "ArubaOS"),
    _alias(r"\bedge ?os\b|\bunifi\b|\bubiquiti\b", None, _N, "Ubiquiti"),
    # Hypervisors.
    _alias(r"\besxi?\b|\bvsphere\b|\bvmware hypervisor\b", "esxi", _H, "VMware ESXi"),
    _alias(r"\bproxmox(?: ve| virtual environment)?\b|\bpve\b", "proxmox-ve", _H, "Proxmox VE"),
    _alias(r"\bxcp ?-?ng\b", "xcp-ng", _H, "XCP-ng"),
    _alias(r"\bxenserver\b|\bcitrix hypervisor\b", None, _H, "Citrix Hypervisor"),
    # macOS.
    _alias(r"\bmac ?os(?: x)?\b|\bos ?x\b|\bdarwin\b", "macos", _M, "macOS"),
    # Linux.
    _alias(r"\b[a-z0-9_]+-linux-gnu\b", None, _L, "Linux"),
    _alias(r"\bubuntu\b", "ubuntu", _L, "Ubuntu"),
    _alias(r"\bdebian\b", "debian", _L, "Debian"),
    _alias(r"\bcentos\b", "centos", _L, "CentOS"),
    _alias(r"\brocky\b", "rocky-linux", _L, "Rocky Linux"),
    _alias(r"\balma ?linux(?: os)?\b|\balma\b", "almalinux", _L, "AlmaLinux"),
    _alias(r"\boracle linux(?: server)?\b|\boel\b", "oracle-linux", _L, "Oracle Linux"),
    _alias(r"\bred ?hat(?: enterprise linux)?(?: server)?\b|\brhel\b", "rhel", _L, "RHEL"),
    _alias(r"\bopensuse\b", None, _L, "openSUSE"),
    _alias(r"\bsles\b|\bsuse linux enterprise(?: server)?\b|\bsuse\b", "sles", _L, "SUSE Linux"),
    _alias(r"\bfedora\b|\bamazon linux\b|\blinux mint\b|\barch linux\b", None, _L, "Linux"),
    _alias(r"\blinux\b|\bgnu\b", None, _L, "Linux"),
    # Software and services (not operating systems).
    _alias(r"\bveeam agent\b|\bveeam service provider console\b", None, None, "Veeam"),
    _alias(
        r"\bveeam backup for (?:microsoft|office) 365\b|\bvbo ?365\b|\bvb365\b|\bvbo\b",
        "veeam-backup-for-microsoft-365",
        None,
        "Veeam Backup for Microsoft 365",
    ),
    _alias(r"\bveeam one\b", "veeam-one", None, "Veeam ONE"),
    _alias(
        r"\bveeam(?: backup)?(?: and replication| b and r| br)?\b|\bvbr\b",
        "veeam-backup-and-replication",
        None,
        "Veeam Backup & Replication",
    ),
    _alias(
        r"\bmicrosoft 365 apps\b|\bm365 apps\b|\boffice 365\b|\bmicrosoft 365\b",
        None,
        None,
        "Microsoft 365 Apps",
    ),
    _alias(
        r"\bsql server\b|\bms ?sql(?: ?server)?\b|\bmssqlserver\b",
        "mssqlserver",
        None,
        "SQL Server",
    ),
    _alias(r"\bexchange(?: server)?\b|\bmsexchange\b", "msexchange", None, "Exchange Server"),
    _alias(r"\bsharepoint(?: server)?\b", "sharepoint", None, "SharePoint Server"),
    _alias(r"\boffice\b|\bmsoffice\b", "office", None, "Office"),
    _alias(r"\bdotnet framework\b|\bdotnetfx\b", "dotnetfx", None, ".NET Framework"),
    _alias(r"\b(?:asp\.?)?dotnet(?: core)?(?: runtime)?\b", "dotnet", None, ".NET"),
    _alias(r"\b(?:windows )?powershell\b", "windows-powershell", None, "Windows PowerShell"),
    _alias(r"\binternet explorer\b", "internet-explorer", None, "Internet Explorer"),
    _alias(
        r"\bcitrix(?: virtual apps(?: and desktops)?)?\b|\bcvad\b|\bxenapp\b|\bxendesktop\b",
        "citrix-vad",
        None,
        "Citrix Virtual Apps and Desktops",
    ),
    _alias(r"\bcommvault(?: backup)?\b", "commvault", None, "Commvault"),
    _alias(r"\bzerto\b", "zerto", None, "Zerto"),
    _alias(r"\bclamav\b", "clamav", None, "ClamAV"),
    _alias(r"\bsurface\b", "surface", None, "Microsoft Surface"),
)

_UNKNOWN_NAMES = frozenset({"", "unknown", "n a", "na", "none", "null", "other", "not available"})

_DOTNET = re.compile(r"(?<![a-z0-9])\.net\b|(?<=asp)\.net\b")
_NOT_NAME = re.compile(r"[^a-z0-9.+_-]+")
_LOOSE_MARKS = re.compile(r"(?<![a-z0-9])[.\-_]+|[.\-_]+(?![a-z0-9])")


def fold(text: str) -> str:
    """Lower-case, accents and marks removed, "?" damage and punctuation turned to spaces."""
    if not text.isascii():  # ASCII is its own NFKD form, and has no combining marks
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("(r)", " ").replace("(tm)", " ").replace("&", " and ")
    text = _DOTNET.sub(" dotnet", text)
    text = _NOT_NAME.sub(" ", text)
    text = _LOOSE_MARKS.sub(" ", text)
    return " ".join(text.split())


def is_unknown_name(folded: str) -> bool:
    return folded in _UNKNOWN_NAMES


@lru_cache(maxsize=4096)
def find_alias(folded: str) -> tuple[Alias, str] | None:
    """The first alias matching a folded name, and the name with the match removed."""
    for alias in ALIASES:
        match = alias.pattern.search(folded)
        if match:
            remainder = (folded[: match.start()] + " " + folded[match.end() :]).strip()
            return alias, " ".join(remainder.split())
    return None
