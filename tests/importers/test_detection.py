"""Telling the source from the headers, --source, --map, and mapping errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importers.conftest import FIXTURES
from tma_audit.errors import InputError, InventoryError
from tma_audit.inventory.importers import is_native_csv
from tma_audit.inventory.importers.api import ImportOptions, import_files
from tma_audit.inventory.importers.kinds import kind_from_type
from tma_audit.inventory.importers.profile import parse_map
from tma_audit.inventory.importers.registry import PROFILES, get_profile
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import AssetKind


def write(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fixture", "source"),
    [
        ("ad-utf8-bom-type.csv", "ad"),
        ("ad-utf16.csv", "ad"),
        ("intune-devices.csv", "intune"),
        ("defender-inventory.csv", "defender"),
        ("entra-devices.csv", "entra"),
        ("crowdstrike-hosts.csv", "crowdstrike"),
        ("lansweeper-report.csv", "lansweeper"),
        ("itglue-configurations.csv", "itglue"),
        ("fortimanager-devices.csv", "fortimanager"),
    ],
)
def test_each_source_is_detected(fixture: str, source: str, lifecycle: Lifecycle) -> None:
    result = import_files([FIXTURES / fixture], lifecycle)
    assert result.files[0].source == source
    assert result.files[0].detection.startswith("detected from the headers")


@pytest.mark.parametrize(
    "header",
    [
        "Name,OperatingSystem,OperatingSystemVersion",  # a minimal AD selection
        "name;operatingSystem",  # lower case, semicolons
        "Name,DNSHostName,Owner,Rack,Cost centre",  # custom columns beside AD's
    ],
)
def test_a_small_ad_selection_is_still_ad(
    tmp_path: Path, header: str, lifecycle: Lifecycle
) -> None:
    delimiter = ";" if ";" in header else ","
    cells = delimiter.join(["PC01", *["x"] * header.count(delimiter)])
    path = write(tmp_path, f"{header}\n{cells}\n")
    assert import_files([path], lifecycle).files[0].source == "ad"


def test_the_type_line_names_ad(tmp_path: Path, lifecycle: Lifecycle) -> None:
    path = write(
        tmp_path,
        "#TYPE Selected.Microsoft.ActiveDirectory.Management.ADComputer\n"
        '"Name","OperatingSystem","Owner","Rack","Cost"\n"PC01","Windows 11 Pro","a","b","c"\n',
    )
    assert import_files([path], lifecycle).files[0].source == "ad"


def test_two_close_sources_stop_and_ask(tmp_path: Path, lifecycle: Lifecycle) -> None:
    # Intune's and Defender's columns side by side: either could be meant.
    path = write(
        tmp_path,
        "Device name,OS version,Last check-in,SkuFamily,OS Platform,Onboarding Status,"
        "Exposure Level\nPC01,10.0.19045.1,2025-01-01,Pro,Windows10,Onboarded,Low\n",
    )
    with pytest.raises(
        InventoryError,
        match=r"export\.csv:1: the headers fit both .* give --source (intune|defender) or "
        r"--source (intune|defender)",
    ):
        import_files([path], lifecycle)
    forced = import_files([path], lifecycle, ImportOptions(sources=("defender",)))
    assert forced.files[0].source == "defender"
    assert forced.files[0].detection == "--source defender"


def test_an_unknown_export_asks_for_source_or_map(tmp_path: Path, lifecycle: Lifecycle) -> None:
    path = write(tmp_path, "Computer,Operating System\nPC01,Windows 11 Pro\n")
    with pytest.raises(InventoryError, match=r"not a recognised export: give --source NAME"):
        import_files([path], lifecycle)
    mapped = import_files(
        [path], lifecycle, ImportOptions(mapping=("Computer=hostname", "Operating System=os.name"))
    )
    assert mapped.files[0].source == "generic"
    asset = mapped.inventory.assets[0]
    assert (asset.hostname, asset.kind, asset.os and asset.os.name) == (
        "PC01",
        AssetKind.DESKTOP,
        "Windows 11 Pro",
    )


def test_generic_reads_native_names_and_synonyms(tmp_path: Path, lifecycle: Lifecycle) -> None:
    path = write(
        tmp_path,
        "Computer name\tOperating System\tOS build\tPatch last patched\tRole\n"
        "SW1\tFortiSwitchOS\t\t\tcore\nSRV1\tWindows Server 2022 Standard\t20348.4405\t2025-07-10\t\n",
        "sheet.tsv",
    )
    result = import_files([path], lifecycle, ImportOptions(sources=("generic",)))
    mapped = dict(result.files[0].mapped)
    assert mapped == {
        "Computer name": "hostname",
        "Operating System": "os.name",
        "OS build": "os.build",
        "Patch last patched": "patch.last_patched",
        "Role": "role",
    }
    server = result.inventory.assets[1]
    assert server.kind is AssetKind.SERVER
    assert server.os is not None and server.os.revision == 4405
    assert str(server.last_patched) == "2025-07-10"


def test_map_overrides_and_adds_columns(tmp_path: Path, lifecycle: Lifecycle) -> None:
    path = write(
        tmp_path,
        "Name,OperatingSystem,Site,Warranty\nPC01,Windows 11 Pro,Leeds,31/01/2027\n",
    )
    result = import_files(
        [path], lifecycle, ImportOptions(mapping=("Site=site", "warranty=warranty_expires"))
    )
    asset = result.inventory.assets[0]
    assert (asset.site, str(asset.warranty_expires)) == ("Leeds", "2027-01-31")
    assert result.files[0].source == "ad"


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["Computer"], r"expected COLUMN=FIELD, got 'Computer'"),
        (["Computer=hostnme"], r"unknown field 'hostnme' \(did you mean 'hostname'\?\)"),
        (["A=hostname", "a=kind"], r"column 'a' is mapped twice"),
    ],
)
def test_bad_map_options(items: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_map(items)


def test_map_fields_take_underscores_for_dots() -> None:
    assert parse_map(["A=os_name", "B=patch_last_patched", "C=license_expires", "D=fqdn"]) == {
        "a": "os.name",
        "b": "patch.last_patched",
        "c": "license_expires",
        "d": "fqdn",
    }


def test_map_naming_a_missing_column(tmp_path: Path, lifecycle: Lifecycle) -> None:
    path = write(tmp_path, "Computer,OS\nPC01,Windows 11 Pro\n")
    with pytest.raises(InputError, match=r"--map names column 'computr'.*did you mean 'computer'"):
        import_files([path], lifecycle, ImportOptions(mapping=("Computr=hostname",)))


def test_unknown_source_name() -> None:
    with pytest.raises(InputError, match=r"unknown source 'sccm'; known: ad, intune"):
        get_profile("sccm")
    assert get_profile("Active-Directory").name == "ad"
    assert get_profile("IT_Glue").name == "itglue"


def test_source_options_must_match_the_files(tmp_path: Path, lifecycle: Lifecycle) -> None:
    path = FIXTURES / "ad-utf16.csv"
    with pytest.raises(InputError, match="2 --source options for 3 files"):
        import_files([path, path, path], lifecycle, ImportOptions(sources=("ad", "ad")))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Name,OperatingSystem\n,Windows 11 Pro\n", r"export\.csv:2: Name: the host name is empty"),
        (
            "Name,OperatingSystem,LastLogonDate\nPC1,Win 10,30/07/2025\nPC2,Win 10,7/31/2025\n",
            r"export\.csv:3: LastLogonDate: the column mixes day-first",
        ),
        ("Name,OperatingSystem\nPC\x01,Windows 11 Pro\n", r"export\.csv:2: Name: contains control"),
        ("OperatingSystem,DNSHostName2\nWin 10,x\n", r"export\.csv:1: no host name column"),
    ],
)
def test_bad_rows_name_file_line_and_field(
    tmp_path: Path, text: str, message: str, lifecycle: Lifecycle
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InventoryError, match=message):
        import_files([path], lifecycle, ImportOptions(sources=("ad",)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Workstation", (AssetKind.DESKTOP, 2)),  # desktop or notebook
        ("Desktop PC", (AssetKind.DESKTOP, 3)),
        ("Managed Server", (AssetKind.SERVER, 3)),
        ("Domain Controller", (AssetKind.SERVER, 3)),
        ("WirelessAccessPoint", (AssetKind.ACCESS_POINT, 3)),
        ("Managed Network Switch", (AssetKind.SWITCH, 3)),
        ("Router", (AssetKind.ROUTER, 3)),
        ("Firewall", (AssetKind.FIREWALL, 3)),
        ("Laptop", (AssetKind.NOTEBOOK, 3)),
        ("VMware Guest", (AssetKind.SERVER, 3)),
        ("NAS", (AssetKind.SERVER, 1)),
        ("Printer", "skip"),
        ("Managed Network Printer", "skip"),
        ("IP Phone", "skip"),
        ("Domain", "skip"),
        ("Windows", None),
        ("", None),
    ],
)
def test_device_types(text: str, expected: object) -> None:
    assert kind_from_type(text) == expected


def test_profiles_have_unique_names_and_aliases() -> None:
    names = [n for p in PROFILES for n in (p.name, *p.aliases)]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("header", "native"),
    [
        ("hostname,kind,os.name", True),
        ("hostname,kind,os,notes", True),  # the native loader explains the stray columns
        ("hostname,os_name,patch_last_patched", True),
        ("Name,OperatingSystem", False),
        ("#TYPE Selected.Microsoft.ActiveDirectory.Management.ADComputer", False),
        ("hostname,Operating System,Owner", False),
    ],
)
def test_native_csv_is_told_from_exports(tmp_path: Path, header: str, native: bool) -> None:
    assert is_native_csv(write(tmp_path, header + "\n")) is native
