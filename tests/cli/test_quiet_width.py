"""What the terminal shows: the width without COLUMNS, one staleness warning on one
terminal, `--quiet` and `--verbose` (issue 16 §4)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import CliRun

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "inventories" / "small-office" / "inventory.yaml"
MIDSIZE = REPO / "inventories" / "midsize" / "inventory.yaml"
AD_EXPORT = REPO / "inventories" / "three-source" / "ad-computers.csv"
#: after the 2026-11-10 release's grace: the shipped update history (to 2026-08-12)
#: cannot show it, so every audit warns about the data
STALE_DAY = "2026-12-03"
WARNING = "Windows update history from 2026-08-12 cannot show"


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_piped_output_without_columns_fits_80(cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS")
    run = cli("audit", str(MIDSIZE), "--as-of", STALE_DAY)
    assert _widest(run.out) == 80  # long reasons wrap at the edge
    plan = cli("plan", str(MIDSIZE), "--as-of", STALE_DAY, "-f", "table")
    assert _widest(plan.out) <= 80
    monkeypatch.setenv("COLUMNS", "132")
    wide = cli("audit", str(MIDSIZE), "--as-of", STALE_DAY)
    assert 80 < _widest(wide.out) <= 132


def test_a_table_written_to_a_file_fits_80(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    run = cli("audit", str(MIDSIZE), "--as-of", STALE_DAY, "-o", str(out))
    assert run.code == 1
    assert _widest(out.read_text(encoding="utf-8")) == 80


def _on_a_terminal(*args: str, stdout_to_pipe: bool = False) -> tuple[str, str]:
    """Run tma-audit with standard error (and output, unless piped) on a pseudo-terminal:
    (what the terminal showed, what the pipe got)."""
    master, slave = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tma_audit", *args],
        stdin=slave,
        stdout=subprocess.PIPE if stdout_to_pipe else slave,
        stderr=slave,
        env=env,
        cwd=REPO,
    )
    os.close(slave)
    shown = bytearray()
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            process.kill()
            raise AssertionError("tma-audit hung")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    piped = ""
    if process.stdout is not None:
        piped = process.stdout.read().decode("utf-8")
        process.stdout.close()
    process.wait(timeout=60)
    os.close(master)
    return shown.decode("utf-8", "replace"), piped


def test_the_staleness_warning_shows_once_on_one_terminal() -> None:
    shown, _ = _on_a_terminal("audit", str(SMALL), "--as-of", STALE_DAY)
    assert shown.count(WARNING) == 1  # the report's note, not also stderr's warning
    assert "Note: " in shown or "note" in shown.lower()
    shown, piped = _on_a_terminal("audit", str(SMALL), "--as-of", STALE_DAY, stdout_to_pipe=True)
    assert shown.count(WARNING) == 1  # the report went to a pipe: stderr still warns
    assert "tma-audit: warning: " in shown
    assert piped.count(WARNING) == 1


def test_quiet_prints_only_the_verdict_line(cli: CliRun, tmp_path: Path) -> None:
    run = cli("audit", str(AD_EXPORT), "--as-of", STALE_DAY, "-q")
    assert run.code == 1
    assert run.out.startswith("NOT COMPLIANT: ") and run.out.count("\n") == 1
    assert run.err == ""  # no import notices, no guesses, no data warning
    out = tmp_path / "report.json"
    to_file = cli("audit", str(SMALL), "--as-of", STALE_DAY, "-q", "-f", "json", "-o", str(out))
    assert to_file.out.startswith("NOT COMPLIANT: ") and to_file.err == ""
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "tma-audit-report"
    machine = cli("audit", str(SMALL), "--as-of", STALE_DAY, "-q", "-f", "json")
    assert json.loads(machine.out)["format"] == "tma-audit-report"  # no verdict line in it
    plan = cli("plan", str(SMALL), "--as-of", STALE_DAY, "-q")
    lines = plan.out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("NOT COMPLIANT: ")
    assert lines[1].startswith("Remediation plan: ") and plan.err == ""


def test_quiet_and_verbose_together_are_a_usage_error(cli: CliRun) -> None:
    run = cli("audit", str(SMALL), "-q", "-v")
    assert run.code == 2 and "give --quiet or --verbose, not both" in run.err


def test_verbose_says_what_was_read_and_used(cli: CliRun) -> None:
    run = cli("audit", str(AD_EXPORT), "--as-of", STALE_DAY, "-v")
    assert run.code == 1
    err = run.err
    assert f"tma-audit: read {AD_EXPORT}: 17 assets (" in err
    assert "tma-audit: sources list completely: " in err
    assert "vouched for by Active Directory" in err
    assert "tma-audit: ruleset tma-default " in err and "rules enabled" in err
    assert "tma-audit: lifecycle data 2026-11-26 (shipped); Windows updates to 2026-08-12" in err
    assert "tma-audit: table report -> standard output" in err
    assert "guessed: " in err  # the import's notices as without -v
    quiet = cli("audit", str(AD_EXPORT), "--as-of", STALE_DAY)
    assert "tma-audit: ruleset" not in quiet.err


def test_an_inventory_without_sites_reads_plainly_in_the_score_line(cli: CliRun) -> None:
    run = cli("audit", str(AD_EXPORT), "--as-of", STALE_DAY)
    line = next(line for line in run.out.splitlines() if line.startswith("Score "))
    assert "((" not in line and " (all sites " in line
