"""Every OS string in docs/real-inputs.md, through its importer: the kind and release it maps to.

Each case is one export row as its source writes it (the OS columns only): the importer
cleans the name, decides the kind, and OS recognition (`Lifecycle.recognise_os`) gives
the family, the Windows generation and the lifecycle release. `None` means the release
cannot be decided from what the row says (a generation without a build, an appliance
whose lifecycle is not in the snapshot …): the rules then say unknown, never pass.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from tma_audit.inventory.importers.api import ImportOptions, ImportResult, import_files
from tma_audit.lifecycle import Lifecycle, OsFamily
from tma_audit.model import Asset, AssetKind

WS, WC, WO = OsFamily.WINDOWS_SERVER, OsFamily.WINDOWS_CLIENT, OsFamily.WINDOWS_OTHER
MAC, LNX, APP = OsFamily.MACOS, OsFamily.LINUX, OsFamily.APPLIANCE
NET, UNK = OsFamily.NETWORK, OsFamily.UNKNOWN
SRV, DSK, NBK, FW = AssetKind.SERVER, AssetKind.DESKTOP, AssetKind.NOTEBOOK, AssetKind.FIREWALL


@dataclass(frozen=True)
class Case:
    source: str
    cells: dict[str, str]  # the row's OS columns, as the export writes them
    kind: AssetKind
    family: OsFamily | None  # None: no OS stated
    generation: str | None
    release: str | None  # "product/cycle"
    evaluation: bool = False


def ad(
    name: str,
    version: str,
    kind: AssetKind,
    family: OsFamily | None,
    generation: str | None,
    release: str | None,
    *,
    evaluation: bool = False,
) -> Case:
    """An AD row: OperatingSystem and OperatingSystemVersion."""
    cells = {"OperatingSystem": name, "OperatingSystemVersion": version}
    return Case("ad", cells, kind, family, generation, release, evaluation)


CASES: list[Case] = [
    # Active Directory: OperatingSystem + OperatingSystemVersion, as real exports hold them.
    ad("Windows Server 2019 Standard", "10.0 (17763)", SRV, WS, "2019", "windows-server/2019"),
    ad("Windows Server 2019 Datacenter", "10.0 (17763)", SRV, WS, "2019", "windows-server/2019"),
    ad(
        "Windows Server 2019 Standard Evaluation",
        "10.0 (17763)",
        SRV,
        WS,
        "2019",
        "windows-server/2019",
        evaluation=True,
    ),
    ad(
        "Windows Server 2022 Datacenter Azure Edition",
        "10.0 (20348)",
        SRV,
        WS,
        "2022",
        "windows-server/2022",
    ),
    ad(
        "Windows 10 Enterprise for Virtual Desktops",
        "10.0 (19045)",
        DSK,
        WC,
        "10",
        "windows/10-22h2",
    ),
    ad("Windows 11 Enterprise multi-session", "10.0 (22631)", DSK, WC, "11", "windows/11-23h2-e"),
    ad("Windows 10 Enterprise 2016 LTSB", "10.0 (14393)", DSK, WC, "10", "windows/10-1607-e-lts"),
    ad("Windows 10 IoT Enterprise LTSC", "10.0 (19044)", DSK, WC, "10", "windows/10-21h2-iot-lts"),
    ad("Windows 11 Enterprise N", "10.0 (22631)", DSK, WC, "11", "windows/11-23h2-e"),
    ad("Windows 7 Enterprise", "6.1 (7601)", DSK, WC, "7", "windows/7-sp1"),
    ad("Windows Embedded Standard", "6.1 (7601)", DSK, WO, None, "windows-embedded/standard-7-sp1"),
    ad(
        "Windows Web Server 2008 R2", "6.1 (7601)", SRV, WS, "2008 R2", "windows-server/2008-r2-sp1"
    ),
    ad(
        "Windows Storage Server 2008 R2 Standard",
        "6.1 (7601)",
        SRV,
        WS,
        "2008 R2",
        "windows-server/2008-r2-sp1",
    ),
    ad("Hyper-V Server 2012 R2", "6.3 (9600)", SRV, WS, "2012 R2", "windows-server/2012-r2"),
    ad("Hyper-V Server", "10.0 (14393)", SRV, WS, "2016", "windows-server/2016"),
    ad("Hyper-V Server", "", SRV, WS, None, None),  # no version: the release is unknown
    ad("Azure Stack HCI", "10.0 (25398)", SRV, WS, "23H2", None),  # not in the snapshot
    ad("Windows 11 Entreprise", "10.0 (22631)", DSK, WC, "11", "windows/11-23h2-e"),
    ad("Windows?10 Entreprise", "10.0 (19045)", DSK, WC, "10", "windows/10-22h2"),
    ad("Windows 11 ???", "10.0 (22631)", DSK, WC, "11", None),  # edition destroyed
    ad("???????? Windows 10 ???", "10.0 (19045)", DSK, WC, "10", "windows/10-22h2"),
    ad("Windows Server® 2008 Standard", "6.0 (6003)", SRV, WS, "2008", "windows-server/2008-sp2"),
    ad("Windows Server? 2008 Standard", "6.0 (6003)", SRV, WS, "2008", "windows-server/2008-sp2"),
    ad(
        "Windows Server 2012 R2 Standard",
        "6.3 (9600)",
        SRV,
        WS,
        "2012 R2",
        "windows-server/2012-r2",
    ),
    ad("Windows 10 Pro", "10.0 (19045)", DSK, WC, "10", "windows/10-22h2"),
    ad("Mac OS X", "10.15", DSK, MAC, None, "macos/10.15"),
    ad("MAC OS X", "", DSK, MAC, None, None),
    ad("macOS", "14.5", DSK, MAC, None, "macos/14"),
    ad("Apple Mac OS X 10.12.6", "", DSK, MAC, None, "macos/10.12"),
    ad("redhat-linux-gnu", "", SRV, LNX, None, None),
    ad("pc-linux-gnu", "", SRV, LNX, None, None),
    ad("SLES", "", SRV, LNX, None, None),
    ad("OnTap", "", SRV, APP, None, None),
    ad("ONTAP 8.1", "", SRV, APP, None, None),
    ad("NetApp Release 9.11.1P4", "", SRV, APP, None, None),
    ad("Cisco Identity Services Engine", "", SRV, APP, None, None),
    ad("F5 ARX", "", SRV, APP, None, None),
    ad("unknown", "", DSK, UNK, None, None),
    ad("", "", DSK, None, None, None),  # pre-staged: no OS, audited as unknown
    # Intune: OS = Windows; only the build tells 10 from 11 (and SkuFamily the edition).
    Case(
        "intune",
        {"OS": "Windows", "OS version": "10.0.19043.1348"},
        DSK,
        WC,
        "10",
        "windows/10-21h1",
    ),
    Case(
        "intune",
        {"OS": "Windows", "OS version": "10.0.22000.318", "SkuFamily": "Enterprise"},
        DSK,
        WC,
        "11",
        "windows/11-21h2-e",
    ),
    Case(
        "intune",
        {"OS": "Windows", "OS version": "10.0.19045.6456"},
        DSK,
        WC,
        "10",
        "windows/10-22h2",
    ),
    Case("intune", {"OS": "macOS", "OS version": "14.5 (23F79)"}, DSK, MAC, None, "macos/14"),
    # Defender for Endpoint: OS Platform (Windows10 …), OS Version (21H2), OS Build.
    Case(
        "defender",
        {"OS Platform": "Windows10", "OS Version": "21H2", "OS Build": "19044"},
        DSK,
        WC,
        "10",
        None,
    ),
    Case(
        "defender",
        {"OS Platform": "Windows11", "OS Version": "23H2", "OS Build": "22631"},
        DSK,
        WC,
        "11",
        None,
    ),
    Case(
        "defender",
        {"OS Platform": "WindowsServer2019", "OS Version": "1809", "OS Build": "17763"},
        SRV,
        WS,
        "2019",
        "windows-server/2019",
    ),
    Case(
        "defender",
        {"OS Platform": "WindowsServer2012R2", "OS Build": "9600"},
        SRV,
        WS,
        "2012 R2",
        "windows-server/2012-r2",
    ),
    Case(
        "defender",
        {"OS Platform": "Linux", "OS Distribution": "Ubuntu", "OS Version": "22.04"},
        SRV,
        LNX,
        None,
        "ubuntu/22.04",
    ),
    Case("defender", {"OS Platform": "macOS", "OS Version": "14.5"}, DSK, MAC, None, "macos/14"),
    # Entra ID.
    Case(
        "entra",
        {"operatingSystem": "Windows", "operatingSystemVersion": "10.0.19045.6456"},
        DSK,
        WC,
        "10",
        "windows/10-22h2",
    ),
    Case(
        "entra",
        {"operatingSystem": "MacMDM", "operatingSystemVersion": "14.5"},
        DSK,
        MAC,
        None,
        "macos/14",
    ),
    # CrowdStrike: OS Version is a name; Platform the family.
    Case(
        "crowdstrike",
        {"Platform": "Windows", "OS Version": "Windows Server 2019"},
        SRV,
        WS,
        "2019",
        "windows-server/2019",
    ),
    Case(
        "crowdstrike",
        {"Platform": "Windows", "OS Version": "Windows 10", "Build": "19045"},
        DSK,
        WC,
        "10",
        "windows/10-22h2",
    ),
    Case(
        "crowdstrike",
        {"Platform": "Mac", "OS Version": "Catalina (10.15)"},
        DSK,
        MAC,
        None,
        "macos/10.15",
    ),
    Case("crowdstrike", {"Platform": "Linux", "OS Version": "RHEL 8.4"}, SRV, LNX, None, "rhel/8"),
    # Lansweeper: short codes.
    Case(
        "lansweeper", {"OSName": "Win 10", "OScode": "10.0.19045"}, DSK, WC, "10", "windows/10-22h2"
    ),
    Case(
        "lansweeper",
        {"OSName": "Win 2012 R2", "OScode": "6.3.9600"},
        SRV,
        WS,
        "2012 R2",
        "windows-server/2012-r2",
    ),
    Case(
        "lansweeper",
        {"OSName": "Win 2008 R2", "OScode": "6.1.7601"},
        SRV,
        WS,
        "2008 R2",
        "windows-server/2008-r2-sp1",
    ),
    # FortiManager: firmware as the version.
    Case(
        "fortimanager",
        {"Model": "FortiGate-60F", "Firmware Version": "v7.4.1-build2463"},
        FW,
        NET,
        None,
        "fortios/7.4",
    ),
]

_BASE = {
    "ad": {"Name": "H{}"},
    "intune": {"Device name": "H{}", "Last check-in": "2025-07-30 08:00:00.0000000"},
    "defender": {"Device Name": "H{}", "Onboarding Status": "Onboarded"},
    "entra": {"displayName": "H{}", "accountEnabled": "True"},
    "crowdstrike": {"Hostname": "H{}", "Host ID": "x"},
    "lansweeper": {"AssetName": "H{}", "AssetTypename": "Windows"},
    "fortimanager": {"Hostname": "H{}", "HA Mode": "standalone"},
}


def _export(source: str, cases: list[tuple[int, Case]]) -> str:
    columns = list(_BASE[source])
    for _, case in cases:
        columns += [c for c in case.cells if c not in columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for index, case in cases:
        base = {k: v.format(index) for k, v in _BASE[source].items()}
        row = {**base, **case.cells}
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, lifecycle: Lifecycle) -> dict[int, Asset]:
    """All cases, imported once per source: case index -> asset."""
    directory: Path = tmp_path_factory.mktemp("os-strings")
    by_source: dict[str, list[tuple[int, Case]]] = {}
    for index, case in enumerate(CASES):
        by_source.setdefault(case.source, []).append((index, case))
    assets: dict[int, Asset] = {}
    for source, cases in by_source.items():
        path = directory / f"{source}.csv"
        path.write_text(_export(source, cases), encoding="utf-8")
        result: ImportResult = import_files([path], lifecycle, ImportOptions(sources=(source,)))
        for asset in result.inventory.assets:
            assets[int(asset.hostname[1:])] = asset
    return assets


@pytest.mark.parametrize(
    "index", range(len(CASES)), ids=[f"{c.source}:{'/'.join(c.cells.values())}" for c in CASES]
)
def test_os_string(index: int, imported: dict[int, Asset], lifecycle: Lifecycle) -> None:
    case = CASES[index]
    asset = imported[index]
    assert asset.kind is case.kind
    if case.family is None:
        assert asset.os is None
        return
    assert asset.os is not None
    rec = lifecycle.recognise_os(
        asset.os.name,
        asset.os.version,
        asset.os.build,
        asset.os.edition,
        asset.kind is AssetKind.SERVER,
    )
    release = f"{rec.release.product}/{rec.release.cycle}" if rec.release else None
    assert (rec.family, rec.generation, release, rec.evaluation) == (
        case.family,
        case.generation,
        case.release,
        case.evaluation,
    ), rec.note


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Windows Server® 2008 Standard", "Windows Server 2008 Standard"),
        ("Windows Server? 2008 Standard", "Windows Server 2008 Standard"),
        ("Windows?10 Entreprise", "Windows 10 Entreprise"),
        ("Windows 11 ???", "Windows 11"),
        ("???????? Windows 10 ???", "Windows 10"),
        ("Microsoft Windows Server 2019 Datacenter", "Windows Server 2019 Datacenter"),
        ("Windows Server (R) 2008 Enterprise Edition", "Windows Server 2008 Enterprise"),
        (
            "Windows Server 2022 Datacenter Azure Edition",
            "Windows Server 2022 Datacenter Azure Edition",
        ),
        ("Windows™ 7 Professional", "Windows 7 Professional"),
        ("OnTap", "OnTap"),
    ],
)
def test_os_names_are_cleaned_of_export_damage(raw: str, clean: str) -> None:
    from tma_audit.inventory.importers.osclean import clean_os_name

    assert clean_os_name(raw) == clean
