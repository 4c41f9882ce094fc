"""The value types of the lifecycle seam (see docs/lifecycle-interface.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class SupportStatus(StrEnum):
    SUPPORTED = "supported"
    ESU_ONLY = "esu-only"
    ENDED = "ended"
    UNKNOWN = "unknown"


class OsFamily(StrEnum):
    WINDOWS_SERVER = "windows-server"  # incl. Hyper-V Server, Storage/Web Server, Azure Stack HCI
    WINDOWS_CLIENT = "windows-client"  # XP … 11, incl. LTSB/LTSC/IoT/multi-session
    WINDOWS_OTHER = "windows-other"  # Windows Embedded etc.: Windows, but neither line
    MACOS = "macos"
    LINUX = "linux"
    HYPERVISOR = "hypervisor"  # ESXi, Proxmox VE, XCP-ng
    NETWORK = "network"  # FortiOS, PAN-OS, IOS XE, RouterOS, …
    APPLIANCE = "appliance"  # NetApp ONTAP, F5, Cisco ISE …: their own products
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ProductRelease:
    """One release cycle of a product, as the snapshot knows it."""

    product: str  # endoflife.date slug: "windows-server"
    product_label: str  # "Microsoft Windows Server"
    cycle: str  # "2012-r2"
    label: str  # "Windows Server 2012 R2"
    release_date: dt.date | None
    support_end: dt.date | None  # eol: last day of (security) support, inclusive
    active_support_end: dt.date | None  # eoas
    esu_end: dt.date | None  # eoes (extended security updates), inclusive
    last_free_revision: int | None  # 10-22h2: 6456; a newer revision is ESU evidence
    link: str | None


@dataclass(frozen=True, slots=True)
class OsRecognition:
    """What an operating-system string (plus version, build, edition) denotes."""

    family: OsFamily
    # Windows only: server "2003" … "2025", "1809", "23H2" …; client "XP" … "11".
    # None: Windows but not recognisable (and always None outside Windows).
    generation: str | None
    release: ProductRelease | None  # exact lifecycle release when it can be decided
    edition: str | None  # normalised edition ("Enterprise", "Pro", "Datacenter", …)
    evaluation: bool  # an Evaluation edition
    note: str | None  # e.g. "release ambiguous: build missing" (human)


@dataclass(frozen=True, slots=True)
class SupportVerdict:
    status: SupportStatus
    release: ProductRelease | None
    until: dt.date | None  # the date the current status lasts to (support end, or ESU end)
    reason: str  # "Windows Server 2012 R2: extended security updates ended 2026-10-13"


@dataclass(frozen=True, slots=True)
class UpdateInfo:
    """A cumulative update of a Windows build line."""

    build: int
    revision: int
    kb: str
    released: dt.date
