"""`tma-audit audit` of several exports and a companion; a false completeness claim."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import CliRun
from tests.inventory.test_coverage import EXPORTS, THREE, _companion


def test_cli_audit_takes_several_exports_and_a_companion(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(THREE)
    direct = cli(
        "audit", "ad-computers.csv", "intune-devices.csv", "crowdstrike-hosts.csv",
        "--companion", "client.yaml", "--as-of", "2026-11-26", "-f", "json",
        "-o", str(tmp_path / "direct.json"),
    )  # fmt: skip
    native = cli(
        "audit", "inventory.yaml", "--as-of", "2026-11-26", "-f", "json",
        "-o", str(tmp_path / "native.json"),
    )  # fmt: skip
    assert (direct.code, native.code) == (1, 1)

    def outcomes(name: str) -> dict[tuple[str, str], str]:
        report = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        return {
            (r["subject"]["id"], o["rule"]): o["outcome"]
            for r in report["results"]
            for o in r["outcomes"]
        }

    assert outcomes("direct.json") == outcomes("native.json")
    assert outcomes("direct.json")[("Halifax", "MS-6")] == "unknown"


def test_cli_audit_refuses_a_yaml_among_several_files(cli: CliRun) -> None:
    run = cli("audit", str(THREE / "inventory.yaml"), str(THREE / "ad-computers.csv"))
    assert run.code == 2
    assert "inventory.yaml: several files, or a --companion, must all be exports" in run.err
    assert "Traceback" not in run.err


def test_complete_claim_with_a_duplicate_is_an_input_error(cli: CliRun, tmp_path: Path) -> None:
    # the Intune export lists one laptop twice (two enrolments)
    companion = _companion(tmp_path, "complete: [notebook, firewall]\n")
    line = (
        companion.read_text(encoding="utf-8").splitlines().index("complete: [notebook, firewall]")
        + 1
    )
    run = cli(
        "audit", *map(str, EXPORTS), "--companion", str(companion), "--as-of", "2026-11-26"
    )  # fmt: skip
    assert run.code == 2
    assert f"{companion}:{line}: complete: the companion says every notebook is listed" in run.err
    assert "listed more than once in one export" in run.err
    assert "Traceback" not in run.err
