"""The command line on real exports: audit, inventory convert, inventory validate, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import CliRun
from tests.importers.conftest import FIXTURES
from tma_audit.inventory import load_inventory

REPO = Path(__file__).resolve().parents[2]
THREE = REPO / "inventories" / "three-source"
EXPORTS = ["ad-computers.csv", "intune-devices.csv", "crowdstrike-hosts.csv"]
AS_OF = "2026-11-26"


def outcomes(path: Path) -> dict[tuple[str, str], str]:
    report = json.loads(path.read_text(encoding="utf-8"))
    return {
        (group["subject"]["id"], outcome["rule"]): outcome["outcome"]
        for group in report["results"]
        for outcome in group["outcomes"]
    }


def test_audit_an_export_directly(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    run = cli(
        "audit",
        str(FIXTURES / "ad-utf8-bom-type.csv"),
        "--as-of",
        AS_OF,
        "-f",
        "json",
        "-o",
        str(out),
    )
    assert run.code == 1, run.err
    assert "Active Directory (Get-ADComputer) export, detected from the headers" in run.err
    assert "guessed: kind of 1 row(s) with no OS: desktop" in run.err
    results = outcomes(out)
    assert results["NEWPC01", "MS-2"] == "unknown"  # kept, never passed
    assert results["FILER01", "MS-1"] == "not-applicable"  # an appliance is not Windows
    assert results["FS01", "MS-1"] == "fail"  # 2008 R2
    assert "Traceback" not in run.err


def test_audit_with_source_map_and_date_order(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    run = cli(
        "audit",
        str(FIXTURES / "generic-spreadsheet.tsv"),
        "--as-of",
        AS_OF,
        "--source",
        "generic",
        "--map",
        "Computer=hostname",
        "--map",
        "Type=kind",
        "--map",
        "Operating System=os.name",
        "--map",
        "Warranty End=warranty.expires",
        "--date-order",
        "dmy",
        "-f",
        "json",
        "-o",
        str(out),
    )
    assert run.code == 1, run.err
    assert "left out 1 row(s): kind 'IP Phone'" in run.err
    assert ("BOOKKEEPING", "MS-2") in outcomes(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "sccm"], "error: --source: unknown source 'sccm'"),
        (["--map", "Name"], "error: --map: expected COLUMN=FIELD"),
        (["--date-order", "ymd"], "error: --date-order: unknown date order 'ymd'"),
    ],
)
def test_bad_import_options_exit_2(cli: CliRun, args: list[str], message: str) -> None:
    run = cli("audit", str(FIXTURES / "ad-utf16.csv"), *args)
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err


def test_import_options_on_a_yaml_inventory_exit_2(cli: CliRun) -> None:
    run = cli("audit", str(THREE / "client.yaml"), "--source", "ad")
    assert run.code == 2
    assert "--source and --map apply to CSV exports" in run.err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Name,OperatingSystem,LastLogonDate\nPC1,Win 10,30/07/2025\nPC2,Win 10,7/31/2025\n",
            "export.csv:3: LastLogonDate: the column mixes day-first",
        ),
        ("Computer,Operating System\nPC1,Windows 11\n", "export.csv:1: not a recognised export"),
        (
            'Name,OperatingSystem\nPC1,"Windows\n',
            "export.csv:2: unterminated quote opened at line 2",
        ),
        ("Name,OperatingSystem\nPC1,Win 10,extra\n", "export.csv:2: column 3: row has 3 cells"),
    ],
)
def test_bad_exports_exit_2_naming_file_line_field(
    cli: CliRun, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    run = cli("audit", str(path), "--as-of", AS_OF)
    assert run.code == 2, run.err
    assert message in run.err
    assert "Traceback" not in run.err and "internal error" not in run.err


def test_a_native_csv_still_loads_natively(cli: CliRun) -> None:
    csv = REPO / "inventories" / "small-office" / "assets.csv"
    run = cli("inventory", "validate", str(csv))
    assert run.code == 0, run.err
    assert "native inventory" in run.out


def test_validate_prints_what_an_export_holds(cli: CliRun) -> None:
    run = cli("inventory", "validate", str(FIXTURES / "ad-utf8-bom-type.csv"))
    assert run.code == 0, run.err
    out = run.out
    assert "Active Directory (Get-ADComputer), detected from the headers" in out
    assert "dropped first line(s): '#TYPE" in out
    assert "rows: 6; imported: 6" in out
    assert "LastLogonDate -> last seen" in out
    assert "not used (5):" in out
    assert "dates in 'LastLogonDate': day-first, settled by 30/07/2025 08:22:29 (line 3)" in out
    assert "kinds: 3 server, 3 desktop" in out
    assert "Windows Server 2008 R2 SP1" in out
    assert "1  no operating system stated" in out


def test_validate_a_native_inventory(cli: CliRun) -> None:
    run = cli(
        "inventory", "validate", str(REPO / "inventories" / "small-office" / "inventory.yaml")
    )
    assert run.code == 0, run.err
    assert "client: Harbourside Dental Practice Ltd" in run.out
    assert "attestations: cyber insurance" in run.out


def test_validate_bad_file_exit_2(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Name,OperatingSystem\n,Windows 11 Pro\n", encoding="utf-8")
    run = cli("inventory", "validate", str(path), "--source", "ad")
    assert run.code == 2
    assert "export.csv:2: Name: the host name is empty" in run.err


def test_convert_writes_a_native_inventory_that_audits_the_same(
    cli: CliRun, tmp_path: Path
) -> None:
    export = FIXTURES / "ad-ascii-us.csv"
    target = tmp_path / "client.yaml"
    run = cli("inventory", "convert", str(export), "-o", str(target))
    assert run.code == 0, run.err
    assert f"wrote {target}: 6 assets" in run.out
    assert "dates in 'LastLogonDate': month-first" in run.out
    text = target.read_text(encoding="utf-8")
    assert "# from " in text and "  - hostname: MAC-01" in text
    direct = tmp_path / "direct.json"
    converted = tmp_path / "converted.json"
    cli("audit", str(export), "--as-of", AS_OF, "-f", "json", "-o", str(direct))
    cli("audit", str(target), "--as-of", AS_OF, "-f", "json", "-o", str(converted))
    assert outcomes(direct) == outcomes(converted)


def test_convert_never_overwrites_without_force(cli: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "client.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    run = cli("inventory", "convert", str(FIXTURES / "ad-utf16.csv"), "-o", str(target))
    assert run.code == 2
    assert "client.yaml: --output: exists; give --force to overwrite it" in run.err
    assert target.read_text(encoding="utf-8") == "keep me\n"
    run = cli("inventory", "convert", str(FIXTURES / "ad-utf16.csv"), "-o", str(target), "--force")
    assert run.code == 0, run.err
    assert target.read_text(encoding="utf-8").startswith("# Converted by")


def test_convert_refuses_a_companion_with_assets(cli: CliRun, tmp_path: Path) -> None:
    companion = tmp_path / "c.yaml"
    companion.write_text("client: {name: X}\nassets: []\n", encoding="utf-8")
    run = cli(
        "inventory",
        "convert",
        str(FIXTURES / "ad-utf16.csv"),
        "-o",
        str(tmp_path / "out.yaml"),
        "--companion",
        str(companion),
    )
    assert run.code == 2
    assert "c.yaml:2: assets: a companion holds the client" in run.err


def test_convert_refuses_sites_the_companion_does_not_declare(cli: CliRun, tmp_path: Path) -> None:
    companion = tmp_path / "c.yaml"
    companion.write_text("client:\n  name: X\n  sites: [{name: HQ}]\n", encoding="utf-8")
    run = cli(
        "inventory",
        "convert",
        str(FIXTURES / "itglue-configurations.csv"),
        "-o",
        str(tmp_path / "out.yaml"),
        "--companion",
        str(companion),
    )
    assert run.code == 2
    assert "is at site 'Head Office', which the companion does not declare" in run.err


def test_three_source_example_regenerates_byte_for_byte(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [*EXPORTS, "client.yaml"]:
        shutil.copy(THREE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    run = cli(
        "inventory", "convert", *EXPORTS, "--companion", "client.yaml", "-o", "inventory.yaml"
    )
    assert run.code == 0, run.err
    assert "merged by host: 17 hosts (10 hosts in 3 files" in run.out
    assert "conflicts between sources (2), not settled silently:" in run.out
    committed = (THREE / "inventory.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "inventory.yaml").read_text(encoding="utf-8") == committed


def test_three_source_example_audits(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    run = cli(
        "audit", str(THREE / "inventory.yaml"), "--as-of", AS_OF, "-f", "json", "-o", str(out)
    )
    assert run.code == 1, run.err
    results = outcomes(out)
    assert results["CV-LAB01", "MS-2"] == "fail"  # Windows 7
    assert results["CV-LAB01", "MS-4"] == "unknown"  # no Falcon sensor
    assert results["CV-APP01", "MS-4"] == "fail"  # Falcon last seen 20 days ago
    assert results["CV-NEW01", "MS-2"] == "unknown"  # pre-staged: no OS
    assert results["CV-SQL01", "MS-3"] == "fail"  # Evaluation edition
    assert results["CV-OPT01", "MS-4"] == "pass"
    inventory = load_inventory(THREE / "inventory.yaml")
    assert len(inventory.assets) == 17


def test_the_help_names_every_source() -> None:
    from tma_audit.cli.options import SOURCES
    from tma_audit.inventory.importers.registry import source_names

    assert source_names() == SOURCES
