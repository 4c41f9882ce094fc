"""`audit --baseline OLD.json`: only new findings fail the run, every report marks the
baselined ones, and SC-4 judges the changes since the baseline audit (history.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.conftest import CliRun
from tma_audit.history import os_release

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "inventories" / "small-office" / "inventory.yaml"
MIDSIZE = REPO / "inventories" / "midsize" / "inventory.yaml"
OLD_DATE = "2026-06-01"
AS_OF = "2026-11-26"


def _report(cli: CliRun, inventory: Path, out: Path, *args: str, as_of: str = AS_OF) -> Path:
    run = cli("audit", str(inventory), "--as-of", as_of, "-f", "json", "-o", str(out), *args)
    assert run.code in (0, 1), run.err
    return out


def _small() -> dict[str, Any]:
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _write(tmp_path: Path, data: dict[str, Any], name: str = "inventory.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _outcomes(report: Path) -> list[dict[str, Any]]:
    data = json.loads(report.read_text(encoding="utf-8"))
    return [
        {**outcome, "subject": group["subject"]["id"]}
        for group in data["results"]
        for outcome in group["outcomes"]
    ]


# --- the gate and the marks ------------------------------------------------------------


def test_the_same_inventory_against_its_own_baseline_passes_the_gate(
    cli: CliRun, tmp_path: Path
) -> None:
    old = _report(cli, MIDSIZE, tmp_path / "old.json")
    plain = cli("audit", str(MIDSIZE), "--as-of", AS_OF)
    assert plain.code == 1
    run = cli("audit", str(MIDSIZE), "--as-of", AS_OF, "--baseline", str(old))
    assert run.code == 0, run.err
    assert "(baselined) " in run.out
    assert "Baseline: " in run.out and ", 0 new (only new findings fail the run)" in run.out
    quiet = cli("audit", str(MIDSIZE), "--as-of", AS_OF, "--baseline", str(old), "-q")
    lines = quiet.out.splitlines()
    assert quiet.code == 0 and len(lines) == 2
    assert lines[0].startswith("NOT COMPLIANT: ") and lines[1].startswith("Baseline: ")
    new = _report(cli, MIDSIZE, tmp_path / "new.json", "--baseline", str(old))
    findings = [o for o in _outcomes(new) if o["outcome"] in ("fail", "unknown", "waived")]
    assert findings and all(o["baselined"] is True for o in findings)
    assert all("baselined" not in o for o in _outcomes(new) if o["outcome"] == "pass")
    summary = json.loads(new.read_text(encoding="utf-8"))["baseline"]
    assert summary["new"] == 0 and summary["findings"] > 40


def test_reordered_inventory_and_a_later_date_keep_the_baseline(
    cli: CliRun, tmp_path: Path
) -> None:
    old = _report(cli, SMALL, tmp_path / "old.json", as_of=OLD_DATE)
    data = _small()
    data["assets"].reverse()
    reordered = _write(tmp_path, data)
    run = cli("audit", str(reordered), "--as-of", OLD_DATE, "--baseline", str(old))
    assert run.code == 0, run.out + run.err


def test_a_new_finding_fails_the_run_and_is_marked_new_in_every_format(
    cli: CliRun, tmp_path: Path
) -> None:
    old = _report(cli, SMALL, tmp_path / "old.json")
    data = _small()
    srv = next(a for a in data["assets"] if a["hostname"] == "HDP-SRV01")
    srv["patch"]["last_patched"] = "2026-06-15"  # MS-1U now fails on this server
    inventory = _write(tmp_path, data)
    out = tmp_path / "out"
    run = cli(
        "audit",
        str(inventory),
        "--as-of",
        AS_OF,
        "--baseline",
        str(old),
        "-f",
        "json,sarif,csv,markdown,html,table",
        "--output-dir",
        str(out),
    )
    assert run.code == 1, run.err
    report = json.loads((out / "tma-audit.json").read_text(encoding="utf-8"))
    assert report["baseline"]["new"] == 1
    new = [o for o in _outcomes(out / "tma-audit.json") if o.get("baselined") is False]
    assert [(o["rule"], o["subject"]) for o in new] == [("MS-1U", "HDP-SRV01")]

    sarif = json.loads((out / "tma-audit.sarif").read_text(encoding="utf-8"))
    states = {
        (r["ruleId"], r["locations"][0]["logicalLocations"][0]["name"]): r["baselineState"]
        for r in sarif["runs"][0]["results"]
    }
    assert states.pop(("MS-1U", "HDP-SRV01")) == "new"
    assert states and set(states.values()) == {"unchanged"}

    rows = list(csv.DictReader(io.StringIO((out / "tma-audit.csv").read_text(encoding="utf-8"))))
    assert {(r["rule"], r["subject"]) for r in rows if r["baselined"] == "no"} == {
        ("MS-1U", "HDP-SRV01")
    }
    assert all(r["baselined"] == "yes" for r in rows if r["subject"] != "HDP-SRV01")

    markdown = (out / "tma-audit.md").read_text(encoding="utf-8")
    assert "Baseline: " in markdown and ", 1 new (only new findings fail the run)" in markdown
    html = (out / "tma-audit.html").read_text(encoding="utf-8")
    assert html.count('data-baselined="yes"') == len(rows) - 1
    assert 'class="tag baselined"' in html

    # --fail-on still applies, to the new findings only
    gated = cli(
        "audit", str(inventory), "--as-of", AS_OF, "--baseline", str(old), "--fail-on", "SC-3"
    )
    assert gated.code == 0, gated.err


def test_without_a_baseline_the_reports_have_no_marks(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = cli("audit", str(SMALL), "--as-of", AS_OF, "-f", "json,csv", "--output-dir", str(out))
    assert run.code == 1
    assert "baseline" not in json.loads((out / "tma-audit.json").read_text(encoding="utf-8"))
    assert "baselined" not in (out / "tma-audit.csv").read_text(encoding="utf-8").splitlines()[0]


def test_the_baseline_can_come_from_the_config_file(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _report(cli, SMALL, tmp_path / "old.json")
    (tmp_path / "tma-audit.toml").write_text(f'baseline = "{old.name}"\n', encoding="utf-8")
    inventory = _write(tmp_path, _small())
    monkeypatch.chdir(tmp_path)
    run = cli("audit", str(inventory), "--as-of", AS_OF)
    assert run.code == 0, run.out + run.err
    assert "Baseline: " in run.out


def test_a_bad_baseline_is_an_input_error(cli: CliRun, tmp_path: Path) -> None:
    midsize = _report(cli, MIDSIZE, tmp_path / "midsize.json")
    other = cli("audit", str(SMALL), "--as-of", AS_OF, "--baseline", str(midsize))
    assert other.code == 2
    assert "client.name: the baseline is an audit of 'Hartwell & Pryce" in other.err
    later = _report(cli, SMALL, tmp_path / "later.json", as_of="2026-12-01")
    early = cli("audit", str(SMALL), "--as-of", AS_OF, "--baseline", str(later))
    assert early.code == 2 and "audit_date: the baseline audit is dated 2026-12-01" in early.err
    not_report = cli("audit", str(SMALL), "--as-of", AS_OF, "--baseline", str(SMALL))
    assert not_report.code == 2 and "Traceback" not in not_report.err
    missing = cli("audit", str(SMALL), "--baseline", str(tmp_path / "nope.json"))
    assert missing.code == 2 and "nope.json" in missing.err


# --- SC-4 from history ------------------------------------------------------------------


def _sc4(report: Path) -> dict[str, Any]:
    return next(o for o in _outcomes(report) if o["rule"] == "SC-4")


def _changed_small() -> dict[str, Any]:
    """The small office half a year on: a desktop gone, a notebook new, the X-ray PC
    upgraded to Windows 11, and every other server and desktop patched monthly."""
    data = _small()
    assets = data["assets"]
    gone = next(a for a in assets if a["hostname"] == "HDP-OFFICE01")
    assets.remove(gone)
    template = next(a for a in assets if a["hostname"] == "HDP-NB01")
    assets.append({**template, "hostname": "HDP-NB03"})
    xray = next(a for a in assets if a["hostname"] == "HDP-XRAY01")
    xray["os"] = {"name": "Windows 11 Pro", "build": "26200.9874", "edition": "Pro"}
    return data


def test_sc4_fails_for_changes_nobody_notified(cli: CliRun, tmp_path: Path) -> None:
    old = _report(cli, SMALL, tmp_path / "old.json", as_of=OLD_DATE)
    assert _sc4(old)["outcome"] == "pass"  # the contact is attested
    inventory = _write(tmp_path, _changed_small())
    new = _report(cli, inventory, tmp_path / "new.json", "--baseline", str(old))
    sc4 = _sc4(new)
    assert sc4["outcome"] == "fail"
    assert sc4["reason"].startswith(
        "3 of 3 asset change(s) since the audit of 2026-06-01 "
        f"({tmp_path / 'old.json'}) have no change notice: HDP-NB03 (added), "
        "HDP-OFFICE01 (removed), HDP-XRAY01 (OS Windows 10 Pro (build 19045) → Windows 11 Pro "
        "(build 26200))"
    )
    assert sc4["evidence"]["previous_audit"] == OLD_DATE
    assert sc4["evidence"]["unnotified"] == "3"
    assert sc4["baselined"] is False  # a new finding: the run fails on it
    # without the previous audit, SC-4 is judged on the attestation as before
    plain = _report(cli, inventory, tmp_path / "plain.json")
    assert _sc4(plain)["outcome"] == "pass"


def test_sc4_passes_when_each_change_was_notified_in_time(cli: CliRun, tmp_path: Path) -> None:
    old = _report(cli, SMALL, tmp_path / "old.json", as_of=OLD_DATE)
    data = _changed_small()
    data["attestations"]["changes"] = [
        {"date": "2026-07-02", "reference": "TCK-1041", "assets": ["hdp-office01"]},
        {
            "date": "2026-09-14",
            "reference": "TCK-1102",
            "assets": ["HDP-NB03", "HDP-XRAY01"],
            "summary": "New notebook; X-ray PC upgraded to Windows 11",
        },
    ]
    new = _report(cli, _write(tmp_path, data), tmp_path / "new.json", "--baseline", str(old))
    sc4 = _sc4(new)
    assert sc4["outcome"] == "pass", sc4
    assert "all 3 asset change(s)" in sc4["reason"] and "(TCK-1041, TCK-1102)" in sc4["reason"]

    # a notice dated before the previous audit, or after this one, covers nothing
    data["attestations"]["changes"] = [
        {"date": "2026-05-30", "reference": "TCK-0990", "assets": ["HDP-OFFICE01"]},
        {"date": "2026-12-20", "reference": "TCK-1200", "assets": ["HDP-NB03"]},
        {"date": "2026-09-14", "reference": "TCK-1102", "assets": ["HDP-XRAY01"]},
    ]
    late = _report(cli, _write(tmp_path, data), tmp_path / "late.json", "--baseline", str(old))
    assert _sc4(late)["outcome"] == "fail"
    assert _sc4(late)["reason"].startswith("2 of 3 asset change(s)")


def test_a_monthly_patch_is_not_a_change(cli: CliRun, tmp_path: Path) -> None:
    old = _report(cli, SMALL, tmp_path / "old.json", as_of=OLD_DATE)
    data = _small()
    srv = next(a for a in data["assets"] if a["hostname"] == "HDP-SRV01")
    srv["os"]["build"] = "20348.9999"
    new = _report(cli, _write(tmp_path, data), tmp_path / "new.json", "--baseline", str(old))
    assert _sc4(new)["reason"].startswith("changes are notified by")
    diff = cli("diff", str(old), str(new), "-f", "json")
    assert json.loads(diff.out)["assets"]["changed"] == []


def test_change_entries_are_checked_with_file_line_and_field(cli: CliRun, tmp_path: Path) -> None:
    data = _small()
    data["attestations"]["changes"] = [{"reference": "TCK-1"}]
    run = cli("audit", str(_write(tmp_path, data)), "--as-of", AS_OF)
    assert run.code == 2
    assert "attestations.changes[0].date" in run.err and "Traceback" not in run.err


def test_os_release_drops_only_the_update_revision() -> None:
    assert os_release("Windows 11 Pro (build 26100.9874)") == "Windows 11 Pro (build 26100)"
    assert os_release("Windows Server 2022 Standard (build 20348)") == (
        "Windows Server 2022 Standard (build 20348)"
    )
    assert os_release("Ubuntu 22.04") == "Ubuntu 22.04"
