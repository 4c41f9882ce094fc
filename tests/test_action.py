"""The composite GitHub Action (action.yml): its audit step, run by bash here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "inventories" / "small-office" / "inventory.yaml"


def _action() -> dict[str, object]:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert isinstance(action, dict)
    return action


def test_action_is_composite_and_uploads_sarif_and_junit() -> None:
    steps = _action()["runs"]["steps"]  # type: ignore[index]
    uses = [step.get("uses", "") for step in steps]
    assert _action()["runs"]["using"] == "composite"  # type: ignore[index]
    assert "github/codeql-action/upload-sarif@v3" in uses
    assert "actions/upload-artifact@v4" in uses
    sarif = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action"))
    assert sarif["with"]["sarif_file"] == "${{ inputs.output-dir }}/tma-audit.sarif"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize(("inventory", "expected"), [(SMALL, "1"), (Path("missing.yaml"), "2")])
def test_audit_step_writes_the_reports_and_the_exit_code(
    tmp_path: Path, inventory: Path, expected: str
) -> None:
    step = next(s for s in _action()["runs"]["steps"] if s.get("id") == "audit")  # type: ignore[index]
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "INVENTORY": str(inventory),
        "ARGS": "--as-of 2026-01-01",
        "OUTPUT_DIR": "reports",
    }
    done = subprocess.run(
        ["bash", "-c", step["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (tmp_path / "output").read_text(encoding="utf-8") == f"exit-code={expected}\n"
    if expected == "1":
        # findings: the step passes, the reports are there for the upload steps
        assert done.returncode == 0, done.stderr
        sarif = json.loads((tmp_path / "reports" / "tma-audit.sarif").read_text("utf-8"))
        assert sarif["runs"][0]["tool"]["driver"]["name"] == "tma-audit"
        assert (tmp_path / "reports" / "tma-audit.junit.xml").is_file()
        assert "NOT COMPLIANT" in (tmp_path / "summary.md").read_text(encoding="utf-8")
        assert "NOT COMPLIANT" in done.stdout
    else:
        # an input error fails the step at once
        assert done.returncode == 2
        assert "missing.yaml" in done.stderr
