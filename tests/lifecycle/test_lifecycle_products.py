"""find_release: software, firmware and backup products as inventories name them."""

from __future__ import annotations

import pytest

from tma_audit.lifecycle import Lifecycle, load_shipped


@pytest.fixture(scope="module")
def lc() -> Lifecycle:
    return load_shipped()


@pytest.mark.parametrize(
    ("product", "version", "expected"),
    [
        ("macOS", "14.5", "macos/14"),
        ("Mac OS X", "10.12.6", "macos/10.12"),
        ("macOS Sonoma", None, "macos/14"),
        ("Ubuntu", "22.04", "ubuntu/22.04"),
        ("Ubuntu 24.04.1 LTS", None, "ubuntu/24.04"),
        ("Ubuntu", "jammy", "ubuntu/22.04"),
        ("Red Hat Enterprise Linux", "9.4", "rhel/9"),
        ("RHEL", "8", "rhel/8"),
        ("Debian", "12.5", "debian/12"),
        ("Debian", "bookworm", "debian/12"),
        ("SUSE Linux Enterprise Server", "15 SP5", "sles/15.5"),
        ("SLES", "15.6", "sles/15.6"),
        ("AlmaLinux", "9.4", "almalinux/9"),
        ("Rocky Linux", "8.10", "rocky-linux/8"),
        ("Oracle Linux Server", "8.9", "oracle-linux/8"),
        ("CentOS", "7.9.2009", "centos/7"),
        ("VMware ESXi", "7.0", "esxi/7.0"),
        ("VMware ESXi", "8.0 Update 3", "esxi/8.0"),
        ("ESXi", "7", "esxi/7.0"),
        ("VMware vCenter Server", "8.0.2", "vcenter/8.0"),
        ("Proxmox VE", "8.2", "proxmox-ve/8"),
        ("FortiOS", "7.2.8", "fortios/7.2"),
        ("FortiOS", "v7.4.1-build2463", "fortios/7.4"),
        ("Fortinet FortiGate", "7.6.0", "fortios/7.6"),
        ("PAN-OS", "10.1", "panos/10.1"),
        ("Palo Alto Networks PAN-OS", "10.1.9-h3", "panos/10.1"),
        ("Cisco IOS XE", "17.9.4a", "cisco-ios-xe/17.9"),
        ("MikroTik RouterOS", "7.14.2", "routeros/7.14"),
        ("OPNsense", "24.7.3", "opnsense/24.7"),
        ("Veeam Backup & Replication", "12.1", "veeam-backup-and-replication/12"),
        ("Veeam Backup & Replication", "12.1.2.172", "veeam-backup-and-replication/12"),
        ("Veeam Backup and Replication 11", None, "veeam-backup-and-replication/11"),
        ("Veeam B&R", "v9.5", "veeam-backup-and-replication/9.5"),
        ("Veeam Backup for Microsoft 365", "7.1.0.2031", "veeam-backup-for-microsoft-365/7"),
        ("Veeam Backup for Office 365", "6", "veeam-backup-for-microsoft-365/6"),
        ("Veeam ONE", "12.3", "veeam-one/12"),
        ("Commvault", "11.36.119", "commvault/11.36"),
        ("Commvault", "2024E", "commvault/11.36"),
        ("Microsoft SQL Server 2014", None, "mssqlserver/12.0-sp3"),
        ("SQL Server 2014", "12.0.5000.0", "mssqlserver/12.0-sp2"),
        ("SQL Server", "12.0.6449.1", "mssqlserver/12.0-sp3"),
        ("Microsoft SQL Server 2019", "2019 CU18", "mssqlserver/15.0"),
        ("SQL Server 2016", "SP2", "mssqlserver/13.0-sp2"),
        ("SQL Server 2016", None, "mssqlserver/13.0-sp3"),
        ("SQL Server 2008 R2", None, "mssqlserver/10.50-sp3"),
        ("SQL Server 2008", None, "mssqlserver/10.0-sp4"),
        ("Microsoft® SQL Server® 2022 Standard", None, "mssqlserver/16.0"),
        ("Exchange Server 2016", "CU23", "msexchange/2016"),
        ("Microsoft Exchange Server 2019", None, "msexchange/2019"),
        ("Exchange Server", "15.1.2507.61", "msexchange/2016"),
        ("Exchange Server Subscription Edition", None, "msexchange/subscription"),
        ("Office 2016", None, "office/2016"),
        ("Microsoft Office Professional Plus 2019", None, "office/2019"),
        ("Office LTSC 2024", None, "office/2024-ltsc"),
        ("Office 2021 LTSC", None, "office/2021"),
        ("SharePoint Server 2019", None, "sharepoint/2019"),
        ("SharePoint Server", "16.0.10417.20198", "sharepoint/2019"),
        (".NET", "8.0.4", "dotnet/8"),
        (".NET Core", "3.1.32", "dotnet/3.1"),
        ("Microsoft .NET Framework", "4.8", "dotnetfx/4.8"),
        (".NET Framework 4.6.2", None, "dotnetfx/4.6.2"),
        ("Windows PowerShell", "5.1.19041.1", "windows-powershell/5.1"),
        ("Citrix Virtual Apps and Desktops", "2203 CU4", "citrix-vad/2203"),
        ("Windows Server 2012 R2", None, "windows-server/2012-r2"),
        ("Windows 10", "22H2", "windows/10-22h2"),
        ("Windows 11 Enterprise", "23H2", "windows/11-23h2-e"),
        ("panos", "11.1.2", "panos/11.1"),
        ("pan-os", "11.1.2", "panos/11.1"),
        ("vmware-esxi", "8.0", "esxi/8.0"),
    ],
)
def test_find_release(lc: Lifecycle, product: str, version: str | None, expected: str) -> None:
    got = lc.find_release(product, version)
    assert got is not None
    assert f"{got.product}/{got.cycle}" == expected


@pytest.mark.parametrize(
    ("product", "version"),
    [
        ("Microsoft 365 Apps", None),
        ("Microsoft 365 Apps for enterprise", "2408"),
        ("Office 365", None),
        ("Microsoft Defender Antivirus", "4.18.24090.11"),
        ("Windows Defender", None),
        ("Sophos Central Endpoint", "2024.2"),
        ("SentinelOne", "23.4"),
        ("Datto BCDR", None),
        ("Acronis Cyber Protect", "15"),
        ("SonicWall SonicOS", "7.0.1"),
        ("FortiOS", "7"),  # 7.0, 7.2, 7.4, 7.6: ambiguous
        ("FortiOS", "9.9"),
        ("Veeam Agent for Microsoft Windows", "6.1"),
        ("NetApp ONTAP", "9.11.1"),
        ("Office", "16.0.17928.20114"),
        ("", None),
    ],
)
def test_find_release_returns_none_when_undecidable(
    lc: Lifecycle, product: str, version: str | None
) -> None:
    assert lc.find_release(product, version) is None


def test_labels_are_readable_on_their_own(lc: Lifecycle) -> None:
    labels = {
        ("FortiOS", "7.2"): "FortiOS 7.2",
        ("PAN-OS", "10.1"): "PAN-OS 10.1",
        ("Veeam Backup & Replication", "12"): "Veeam Backup & Replication 12",
        ("Windows Server 2012 R2", None): "Windows Server 2012 R2",
        ("Windows 10", "22H2"): "Windows 10 22H2",
        ("Ubuntu", "22.04"): "Ubuntu 22.04 'Jammy Jellyfish'",
    }
    for (product, version), label in labels.items():
        got = lc.find_release(product, version)
        assert got is not None and got.label == label


def test_product_labels_and_links(lc: Lifecycle) -> None:
    got = lc.find_release("Windows Server 2016", None)
    assert got is not None
    assert got.product == "windows-server"
    assert got.product_label == "Microsoft Windows Server"
    assert (
        got.link == "https://learn.microsoft.com/windows/release-health/windows-server-release-info"
    )
    rocky = lc.find_release("Rocky Linux", "9")
    assert rocky is not None
    # The changelog template is rendered like endoflife.date does (Liquid filters included).
    assert rocky.link is not None and rocky.link.startswith(
        "https://rockylinux.org/news/rocky-linux-9-"
    )
