"""Issue 12 §3: limits and arithmetic. Hostile numbers, dates and nesting are input
errors (exit 2, naming file, line and field), never an internal error (exit 70)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import CliRun
from tests.conftest import REPO

INVENTORY = REPO / "inventories" / "small-office" / "inventory.yaml"
ASSETS_CSV = REPO / "inventories" / "small-office" / "assets.csv"
AS_OF = "2026-11-26"


def _audit(cli: CliRun, *args: str) -> tuple[int, str]:
    run = cli("audit", *args)
    assert "Traceback" not in run.err
    assert "internal error" not in run.err
    return run.code, run.err


# --- ruleset `extends` ------------------------------------------------------------------------


def test_ruleset_extending_itself_names_the_loop(cli: CliRun, tmp_path: Path) -> None:
    rules = tmp_path / "self.yaml"
    rules.write_text("extends: self.yaml\n", encoding="utf-8")
    code, err = _audit(cli, str(INVENTORY), "--ruleset", str(rules), "--as-of", AS_OF)
    assert code == 2
    assert f"{rules}:1: extends: extends loop: {rules} -> {rules}" in err


def test_ruleset_extends_loop_names_every_file(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("# b\nextends: a.yaml\n", encoding="utf-8")
    code, err = _audit(cli, str(INVENTORY), "--ruleset", str(tmp_path / "a.yaml"), "--as-of", AS_OF)
    assert code == 2
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert f"{b}:2: extends: extends loop: {a} -> {b} -> {a}" in err


def test_a_400_deep_extends_chain_is_capped(cli: CliRun, tmp_path: Path) -> None:
    for index in range(400):
        parent = f"c{index + 1}.yaml" if index < 399 else "default"
        (tmp_path / f"c{index}.yaml").write_text(f"extends: {parent}\n", encoding="utf-8")
    code, err = _audit(
        cli, str(INVENTORY), "--ruleset", str(tmp_path / "c0.yaml"), "--as-of", AS_OF
    )
    assert code == 2
    assert "extends chain is deeper than 16 files" in err
    assert "c15.yaml:1: extends:" in err


def test_a_short_extends_chain_still_loads(cli: CliRun, tmp_path: Path) -> None:
    for index in range(5):
        parent = f"c{index + 1}.yaml" if index < 4 else "default"
        (tmp_path / f"c{index}.yaml").write_text(f"extends: {parent}\n", encoding="utf-8")
    run = cli("rules", "list", "--ruleset", str(tmp_path / "c0.yaml"))
    assert run.code == 0, run.err
    assert "MS-1U" in run.out
