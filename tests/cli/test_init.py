"""`tma-audit init DIR` (issue 15 §4): starter files that audit, never overwriting."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
import yaml

from tests.cli.conftest import CliRun

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = sorted((ROOT / "inventories" / "three-source").glob("*.csv"))


def test_init_from_flags_writes_files_that_audit(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = tmp_path / "clients" / "acme"
    run = cli(
        "init",
        str(client),
        "--client",
        'Acme: "Ltd" #1',
        "--site",
        "Head Office",
        "--site",
        "Depot",
        "--contact",
        "Jo Bloggs <jo@example.com>",
        "--yes",
    )
    assert run.code == 0, run.err
    assert sorted(p.name for p in client.iterdir()) == [
        "companion.yaml",
        "inventory.yaml",
        "tma-audit.toml",
    ]
    document = yaml.safe_load((client / "inventory.yaml").read_text(encoding="utf-8"))
    assert document["client"]["name"] == 'Acme: "Ltd" #1'
    assert [s["name"] for s in document["client"]["sites"]] == ["Head Office", "Depot"]
    assert document["client"]["contact"] == "Jo Bloggs <jo@example.com>"
    # the starter inventory audits (findings or not, never an input error), here with
    # its own tma-audit.toml found from the client's folder
    monkeypatch.chdir(client)
    audited = cli("audit", "inventory.yaml", "--as-of", "2026-06-01")
    assert audited.code in (0, 1), audited.err
    assert "Acme" in audited.out
    # the companion takes exports' assets
    with_exports = cli(
        "audit", *map(str, EXPORTS), "--companion", "companion.yaml", "--as-of", "2026-06-01"
    )
    assert with_exports.code in (0, 1), with_exports.err
    shown = cli("config", "show", "-f", "json")
    assert str(client / "tma-audit.toml") in shown.out


def test_init_never_replaces_a_file(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "tma-audit.toml").write_text("# mine\n", encoding="utf-8")
    run = cli("init", str(tmp_path), "--client", "Acme", "--site", "HQ", "--yes")
    assert run.code == 2
    assert "tma-audit.toml: exists already" in run.err
    assert (tmp_path / "tma-audit.toml").read_text(encoding="utf-8") == "# mine\n"
    assert not (tmp_path / "inventory.yaml").exists()  # nothing written
    assert not (tmp_path / "companion.yaml").exists()


def test_init_without_a_terminal_needs_the_flags(cli: CliRun, tmp_path: Path) -> None:
    run = cli("init", str(tmp_path / "x"), "--site", "HQ")
    assert run.code == 2
    assert "--client" in run.err
    run = cli("init", str(tmp_path / "x"), "--client", "Acme")
    assert run.code == 2
    assert "--site" in run.err
    assert not (tmp_path / "x").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_init_asks_on_a_terminal(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("Acme Ltd\nWarehouse\n\n"))
    run = cli("init", str(tmp_path / "acme"))
    assert run.code == 0, run.err
    assert "Client name" in run.out
    document = yaml.safe_load((tmp_path / "acme" / "inventory.yaml").read_text("utf-8"))
    assert document["client"]["name"] == "Acme Ltd"
    assert [s["name"] for s in document["client"]["sites"]] == ["Warehouse"]
    assert "contact" not in document["client"]
