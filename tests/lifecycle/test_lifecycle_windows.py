"""OS recognition over the strings real exports contain (docs/real-inputs.md)."""

from __future__ import annotations

import pytest

from tma_audit.lifecycle import Lifecycle, OsFamily, load_shipped

WS = OsFamily.WINDOWS_SERVER
WC = OsFamily.WINDOWS_CLIENT
WO = OsFamily.WINDOWS_OTHER


@pytest.fixture(scope="module")
def lc() -> Lifecycle:
    return load_shipped()


Inputs = tuple[str | None, str | None, str | None, str | None, bool]
Expected = tuple[OsFamily, str | None, str | None]


def srv(
    name: str | None,
    family: OsFamily,
    generation: str | None,
    release: str | None,
    version: str | None = None,
    build: str | None = None,
    edition: str | None = None,
) -> tuple[Inputs, Expected]:
    """A case for an asset listed as a server: inputs -> (family, generation, product/cycle)."""
    return (name, version, build, edition, True), (family, generation, release)


def cli(
    name: str | None,
    family: OsFamily,
    generation: str | None,
    release: str | None,
    version: str | None = None,
    build: str | None = None,
    edition: str | None = None,
) -> tuple[Inputs, Expected]:
    """The same for a desktop or notebook."""
    return (name, version, build, edition, False), (family, generation, release)


MAC, LNX, APP = OsFamily.MACOS, OsFamily.LINUX, OsFamily.APPLIANCE
NET, HYP, UNK = OsFamily.NETWORK, OsFamily.HYPERVISOR, OsFamily.UNKNOWN

CASES: list[tuple[Inputs, Expected]] = [
    # Windows Server, as AD writes it (with ASCII damage) and as other tools do.
    srv("Windows Server® 2008 Standard", WS, "2008", "windows-server/2008-sp2"),
    srv(
        "Windows Server? 2008 Standard", WS, "2008", "windows-server/2008-sp2", version="6.0 (6003)"
    ),
    srv(
        "Microsoft Windows Server 2019 Datacenter",
        WS,
        "2019",
        "windows-server/2019",
        version="10.0 (17763)",
    ),
    srv("Windows Server 2019 Standard Evaluation", WS, "2019", "windows-server/2019"),
    srv("Windows Server 2022 Datacenter Azure Edition", WS, "2022", "windows-server/2022"),
    srv(
        "Windows Server 2012 R2 Standard",
        WS,
        "2012 R2",
        "windows-server/2012-r2",
        version="6.3 (9600)",
    ),
    srv("Windows Server 2012 Datacenter", WS, "2012", "windows-server/2012", version="6.2 (9200)"),
    srv("Windows Server 2016 Standard", WS, "2016", "windows-server/2016", version="10.0 (14393)"),
    srv("Windows Server 2025 Datacenter", WS, "2025", "windows-server/2025", build="26100.33296"),
    srv("Windows Web Server 2008 R2", WS, "2008 R2", "windows-server/2008-r2-sp1"),
    srv("Windows Storage Server 2008 R2 Standard", WS, "2008 R2", "windows-server/2008-r2-sp1"),
    srv("Hyper-V Server 2012 R2", WS, "2012 R2", "windows-server/2012-r2"),
    srv("Hyper-V Server", WS, None, None),
    srv("Hyper-V Server", WS, "2016", "windows-server/2016", version="10.0 (14393)"),
    srv("Azure Stack HCI", WS, None, None),
    srv("Azure Stack HCI", WS, "23H2", None, version="10.0 (25398)"),
    srv("Windows Server Datacenter", WS, "23H2", "windows-server/23h2-ac", version="10.0 (25398)"),
    cli("Win 2012 R2", WS, "2012 R2", "windows-server/2012-r2"),
    srv("Windows Server 2003 R2", WS, "2003", "windows-server/2003-sp2", version="5.2 (3790)"),
    # Windows client.
    cli("Windows 10 Enterprise for Virtual Desktops", WC, "10", None),
    cli(
        "Windows 10 Enterprise for Virtual Desktops",
        WC,
        "10",
        "windows/10-22h2",
        version="10.0 (19045)",
    ),
    cli(
        "Windows 11 Enterprise multi-session",
        WC,
        "11",
        "windows/11-24h2-e",
        build="10.0.26100.9168",
    ),
    cli("Windows 10 Enterprise 2016 LTSB", WC, "10", "windows/10-1607-e-lts"),
    cli(
        "Windows 10 Enterprise 2016 LTSB", WC, "10", "windows/10-1607-e-lts", version="10.0 (14393)"
    ),
    cli(
        "Windows 10 Enterprise LTSC 2019", WC, "10", "windows/10-1809-e-lts", version="10.0 (17763)"
    ),
    cli("Windows 10 Enterprise LTSC 2021", WC, "10", "windows/10-21h2-e-lts"),
    cli("Windows 10 IoT Enterprise LTSC", WC, "10", None),
    cli(
        "Windows 10 IoT Enterprise LTSC",
        WC,
        "10",
        "windows/10-21h2-iot-lts",
        version="10.0 (19044)",
    ),
    cli(
        "Windows 10 IoT Enterprise LTSC", WC, "10", "windows/10-1809-e-lts", version="10.0 (17763)"
    ),
    cli("Windows 11 IoT Enterprise LTSC 2024", WC, "11", "windows/11-24h2-iot-lts"),
    cli("Windows 11 Enterprise N", WC, "11", None),
    cli("Windows 11 Enterprise N", WC, "11", "windows/11-23h2-e", version="10.0 (22631)"),
    cli("Windows 11 Pro", WC, "11", "windows/11-23h2-w", version="10.0 (22631)"),
    cli("Windows 11 Pro", WC, "11", "windows/11-24h2-w", build="26100.9168"),
    cli("Windows 11 Education", WC, "11", "windows/11-25h2-e", build="26200.9168"),
    cli("Windows 11 Pro Education", WC, "11", "windows/11-25h2-w", build="26200.9168"),
    cli("Windows 11 Home", WC, "11", "windows/11-26h1-w", build="28000.2704"),
    cli("Windows 10 Pro", WC, "10", None),
    cli("Windows 10 Pro", WC, "10", "windows/10-22h2", version="10.0 (19045)"),
    cli("Windows 10 Pro", WC, "10", "windows/10-22h2", version="22H2"),
    cli("Windows 10 Pro 21H2", WC, "10", "windows/10-21h2-w"),
    cli("Windows 7 Enterprise", WC, "7", "windows/7-sp1"),
    cli("Windows 7 Enterprise", WC, "7", "windows/7-sp1", version="6.1 (7601)"),
    cli("Windows 11 Entreprise", WC, "11", None),
    cli("Windows 11 Entreprise", WC, "11", "windows/11-23h2-e", version="10.0 (22631)"),
    cli("Windows?10 Entreprise", WC, "10", None),
    cli("Windows?10 Entreprise", WC, "10", "windows/10-22h2", version="10.0.19045.6456"),
    cli("Windows 11 ???", WC, "11", None),
    cli("???????? Windows 10 ???", WC, "10", None),
    cli("Windows XP Professional", WC, "XP", "windows/5-sp3"),
    cli("Windows Vista Business", WC, "Vista", "windows/6-sp2"),
    cli("Windows 8.1 Pro", WC, "8.1", "windows/8.1"),
    cli("Windows 8 Pro", WC, "8", "windows/8", version="6.2 (9200)"),
    cli("Win 10", WC, "10", "windows/10-22h2", build="19045.1"),
    # Other Windows.
    cli("Windows Embedded Standard", WO, None, None),
    cli(
        "Windows Embedded Standard",
        WO,
        None,
        "windows-embedded/standard-7-sp1",
        version="6.1 (7601)",
    ),
    cli("Windows Embedded POSReady 7", WO, None, "windows-embedded/posready-7"),
    # A bare "Windows" (Intune): the build and the server flag decide.
    cli("Windows", WC, "10", "windows/10-22h2", version="10.0.19045.6456"),
    cli("Windows", WC, "11", None, version="10.0.22000.318"),
    cli("Windows", WC, "11", "windows/11-21h2-e", version="10.0.22000.318", edition="Enterprise"),
    srv("Windows", WS, "2016", "windows-server/2016", version="10.0 (14393)"),
    cli("Windows", WC, "10", "windows/10-1607-e", version="10.0 (14393)", edition="Enterprise"),
    srv("Windows", WS, "2019", "windows-server/2019", version="10.0 (17763)"),
    cli(
        "Windows", WC, "10", "windows/10-1809-e-lts", version="10.0 (17763)", edition="EnterpriseS"
    ),
    srv("Windows", WS, "2012 R2", "windows-server/2012-r2", version="6.3 (9600)"),
    cli("Windows", WC, "8.1", "windows/8.1", version="6.3.9600"),
    srv("Windows", WS, "2008 R2", "windows-server/2008-r2-sp1", version="6.1 (7601)"),
    cli("Windows", WC, "7", "windows/7-sp1", version="6.1 (7601)"),
    cli("Windows", WC, "XP", "windows/5-sp3", version="5.1 (2600)"),
    srv("Windows", WS, "2003", "windows-server/2003-sp2", version="5.2 (3790)"),
    cli("Windows", WC, "Vista", "windows/6-sp2", version="6.0 (6002)"),
    srv("Windows", WS, "2012", "windows-server/2012", version="6.2 (9200)"),
    cli("Windows", WC, None, None),
    # Non-Windows: their own products, never "unsupported Windows".
    cli("Mac OS X", MAC, None, None),
    cli("MAC OS X", MAC, None, None),
    cli("macOS", MAC, None, None),
    cli("macOS", MAC, None, "macos/14", version="14.5"),
    cli("Apple Mac OS X 10.12.6", MAC, None, "macos/10.12"),
    cli("macOS 14.5", MAC, None, "macos/14"),
    srv("redhat-linux-gnu", LNX, None, None),
    srv("pc-linux-gnu", LNX, None, None),
    srv("Ubuntu 22.04", LNX, None, "ubuntu/22.04"),
    srv("Ubuntu 22.04.4 LTS", LNX, None, "ubuntu/22.04"),
    srv("Red Hat Enterprise Linux 8.9", LNX, None, "rhel/8"),
    srv("Debian 12", LNX, None, "debian/12"),
    srv("Debian GNU/Linux", LNX, None, "debian/12", version="12 (bookworm)"),
    srv("SLES", LNX, None, None),
    srv("SLES", LNX, None, "sles/15.5", version="15 SP5"),
    srv("CentOS Linux 7 (Core)", LNX, None, "centos/7"),
    srv("Rocky Linux 9.3", LNX, None, "rocky-linux/9"),
    cli("OnTap", APP, None, None),
    cli("ONTAP 8.1", APP, None, None),
    cli("NetApp Release 9.11.1P4", APP, None, None),
    cli("Cisco Identity Services Engine", APP, None, None),
    cli("F5 ARX", APP, None, None),
    cli("BIG-IP", APP, None, "big-ip/17.1", version="17.1.1.3"),
    cli("FortiOS 7.2.8", NET, None, "fortios/7.2"),
    cli("FortiOS", NET, None, "fortios/7.4", version="v7.4.1-build2463"),
    cli("FortiOS", NET, None, "fortios/6.0", version="6.0"),
    cli("PAN-OS 10.1.9", NET, None, "panos/10.1"),
    cli("PAN-OS", NET, None, "panos/10.1", version="10.1.9-h3"),
    cli("Cisco IOS XE", NET, None, "cisco-ios-xe/17.9", version="17.9.4a"),
    cli("RouterOS", NET, None, "routeros/7.14", version="7.14.2"),
    srv("VMware ESXi 7.0 U3", HYP, None, "esxi/7.0"),
    srv("Proxmox VE", HYP, None, "proxmox-ve/8", version="8.2.4"),
    cli("unknown", UNK, None, None),
    cli("", UNK, None, None),
    cli(None, UNK, None, None),
    cli("Commodore AmigaOS 3.1", UNK, None, None),
]


@pytest.mark.parametrize(("inputs", "expected"), CASES, ids=[repr(c[0]) for c in CASES])
def test_recognise_os(
    lc: Lifecycle,
    inputs: Inputs,
    expected: Expected,
) -> None:
    got = lc.recognise_os(*inputs)
    release = f"{got.release.product}/{got.release.cycle}" if got.release else None
    assert (got.family, got.generation, release) == expected, got.note


@pytest.mark.parametrize(
    ("name", "edition", "evaluation"),
    [
        ("Windows Server 2019 Standard Evaluation", "Standard", True),
        ("Windows Server 2022 Datacenter Azure Edition", "Datacenter Azure Edition", False),
        ("Microsoft Windows Server 2019 Datacenter", "Datacenter", False),
        ("Windows Storage Server 2008 R2 Standard", "Storage Server Standard", False),
        ("Windows Web Server 2008 R2", "Web Server", False),
        ("Hyper-V Server 2012 R2", "Hyper-V Server", False),
        ("Azure Stack HCI", "Azure Stack HCI", False),
        ("Windows 10 Enterprise for Virtual Desktops", "Enterprise multi-session", False),
        ("Windows 11 Enterprise multi-session", "Enterprise multi-session", False),
        ("Windows 10 Enterprise 2016 LTSB", "Enterprise LTSB", False),
        ("Windows 10 IoT Enterprise LTSC", "IoT Enterprise LTSC", False),
        ("Windows 11 Enterprise N", "Enterprise N", False),
        ("Windows 11 Entreprise", "Enterprise", False),
        ("Windows 10 Professionnel", "Pro", False),
        ("Windows 10 Famille", "Home", False),
        ("Windows 8.1 Pro", "Pro", False),
        ("Windows 10 Enterprise Evaluation", "Enterprise", True),
        ("Windows 11 ???", None, False),
    ],
)
def test_edition_and_evaluation(
    lc: Lifecycle, name: str, edition: str | None, evaluation: bool
) -> None:
    got = lc.recognise_os(name, None, None, None, "Server" in name)
    assert (got.edition, got.evaluation) == (edition, evaluation)


def test_generation_without_build_is_noted(lc: Lifecycle) -> None:
    got = lc.recognise_os("Windows 10 Pro", None, None, None, False)
    assert got.generation == "10"
    assert got.release is None
    assert got.note == "release ambiguous: build missing"


def test_unknown_edition_with_a_build_is_noted(lc: Lifecycle) -> None:
    got = lc.recognise_os("Windows", "10.0.22631.4037", None, None, False)
    assert (got.generation, got.release) == ("11", None)
    assert got.note is not None and "edition unknown" in got.note


def test_the_server_flag_decides_the_line_for_shared_builds(lc: Lifecycle) -> None:
    server = lc.recognise_os("Windows", "10.0 (14393)", None, None, True)
    client = lc.recognise_os("Windows", "10.0 (14393)", None, "Pro", False)
    assert server.release is not None and server.release.label == "Windows Server 2016"
    assert client.release is not None and client.release.cycle == "10-1607-w"


def test_the_name_beats_the_server_flag(lc: Lifecycle) -> None:
    got = lc.recognise_os("Windows 10 Pro", "10.0 (19045)", None, None, True)
    assert got.family is WC
    assert got.note is not None and "listed as a server" in got.note


def test_the_build_beats_a_stale_name(lc: Lifecycle) -> None:
    got = lc.recognise_os("Windows 10 Pro", "10.0 (22631)", None, None, False)
    assert (got.generation, got.release and got.release.cycle) == ("11", "11-23h2-w")
    assert got.note is not None and "build 22631 is Windows 11" in got.note


def test_a_build_revision_does_not_change_the_answer(lc: Lifecycle) -> None:
    first = lc.recognise_os("Windows 10 Pro", None, "19045.6456", None, False)
    second = lc.recognise_os("Windows 10 Pro", None, "19045.7663", None, False)
    assert first == second
    assert first.release is not None and first.release.last_free_revision == 6456


def test_appliances_are_never_windows(lc: Lifecycle) -> None:
    for name in ("OnTap", "F5 ARX", "Cisco Identity Services Engine", "NetApp Release 9.11.1P4"):
        got = lc.recognise_os(name, None, None, None, True)
        assert got.family is OsFamily.APPLIANCE
        assert got.generation is None


def test_recognise_os_is_memoised(lc: Lifecycle) -> None:
    a = lc.recognise_os("Windows Server 2019 Standard", "10.0 (17763)", None, None, True)
    b = lc.recognise_os("Windows Server 2019 Standard", "10.0 (17763)", None, None, True)
    assert a is b
