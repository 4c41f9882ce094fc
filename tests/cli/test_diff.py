"""`tma-audit diff OLD.json NEW.json` on the shipped examples (edited copies as NEW)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import CliRun

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "inventories" / "small-office" / "inventory.yaml"
MIDSIZE = REPO / "inventories" / "midsize" / "inventory.yaml"
AS_OF = "2026-11-26"


def _report(cli: CliRun, inventory: Path, out: Path) -> Path:
    run = cli("audit", str(inventory), "--as-of", AS_OF, "-f", "json", "-o", str(out))
    assert run.code in (0, 1), run.err
    return out


def test_new_and_resolved_findings_on_an_edited_small_office(cli: CliRun, tmp_path: Path) -> None:
    old = _report(cli, SMALL, tmp_path / "old.json")
    edited = tmp_path / "inventory.yaml"
    text = SMALL.read_text(encoding="utf-8")
    assert "last_patched: 2026-11-15" in text
    edited.write_text(text.replace("last_patched: 2026-11-15", "last_patched: 2026-06-15"))
    new = _report(cli, edited, tmp_path / "new.json")

    run = cli("diff", str(old), str(new), "-f", "json")
    assert run.code == 1, run.err
    data = json.loads(run.out)
    assert [(e["rule"], e["subject"]) for e in data["new"]] == [
        ("MS-1U", "HDP-SRV01"),
        ("MS-1U", "HDP-SRV02"),
    ]
    assert data["resolved"] == []
    client = data["scores"][0]
    assert client["scope"] == "client"
    assert client["name"] == "Harbourside Dental Practice Ltd"
    assert client["new"] < client["old"]
    sites = {s["name"]: s for s in data["scores"][1:]}
    assert sites["Quay Street"]["new"] < sites["Quay Street"]["old"]

    back = cli("diff", str(new), str(old), "-o", str(tmp_path / "diff.txt"))
    assert back.code == 0, back.err
    table = (tmp_path / "diff.txt").read_text(encoding="utf-8")
    assert "New findings: 0" in table
    assert "Resolved findings: 2" in table
    assert "- MS-1U HDP-SRV01 [fail]" in table
    assert f"client Harbourside Dental Practice Ltd: {client['new']:.1f}% -> " in table


def test_reordered_report_and_new_audit_date_make_no_difference(
    cli: CliRun, tmp_path: Path
) -> None:
    old = _report(cli, MIDSIZE, tmp_path / "old.json")
    data = json.loads(old.read_text(encoding="utf-8"))
    data["results"].reverse()
    for group in data["results"]:
        group["outcomes"].reverse()
        group["subject"].pop("line", None)
    new = tmp_path / "new.json"
    new.write_text(json.dumps(data), encoding="utf-8")

    run = cli("diff", str(old), str(new), "-f", "json")
    assert run.code == 0, run.err
    diff = json.loads(run.out)
    assert diff["new"] == diff["resolved"] == diff["changed"] == []
    assert diff["assets"] == {"added": [], "removed": [], "changed": []}


def test_assets_removed_changed_and_outcome_changes(cli: CliRun, tmp_path: Path) -> None:
    old = _report(cli, SMALL, tmp_path / "old.json")
    data = json.loads(old.read_text(encoding="utf-8"))
    data["format_version"] = "1.0"  # an older writer's report reads the same
    data["results"] = [g for g in data["results"] if g["subject"]["id"] != "HDP-NB02"]
    for group in data["results"]:
        if group["subject"]["id"] == "HDP-SRV01":
            group["subject"]["site"] = "Harbour Road"
        for outcome in group["outcomes"]:
            if group["subject"]["id"] == "HDP-XRAY01" and outcome["outcome"] == "fail":
                outcome["outcome"] = "waived"
    new = tmp_path / "new.json"
    new.write_text(json.dumps(data), encoding="utf-8")

    run = cli("diff", str(old), str(new), "-f", "json")
    assert run.code == 0, run.err
    diff = json.loads(run.out)
    assert diff["new"] == []
    assert {(e["rule"], e["subject"]) for e in diff["resolved"]} >= {("MS-4", "HDP-NB02")}
    assert diff["assets"]["removed"] == ["HDP-NB02"]
    assert {
        "asset": "HDP-SRV01",
        "field": "site",
        "old": "Quay Street",
        "new": "Harbour Road",
    } in diff["assets"]["changed"]
    changed = {(c["rule"], c["old_outcome"], c["outcome"]) for c in diff["changed"]}
    assert ("MS-3", "fail", "waived") in changed


def test_a_file_that_is_not_a_report_exits_2(cli: CliRun, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    run = cli("diff", str(bad), str(bad))
    assert run.code == 2
    assert "bad.json" in run.err
    assert "Traceback" not in run.err


def test_markdown_for_a_pull_request_comment(cli: CliRun, tmp_path: Path) -> None:
    old = _report(cli, SMALL, tmp_path / "old.json")
    data = json.loads(old.read_text(encoding="utf-8"))
    data["results"] = [g for g in data["results"] if g["subject"]["id"] != "HDP-NB02"]
    new = tmp_path / "new.json"
    new.write_text(json.dumps(data), encoding="utf-8")

    run = cli("diff", str(new), str(old), "-f", "markdown")
    assert run.code == 1, run.err
    assert "### New findings" in run.out
    assert "| MS-4 | HDP-NB02 | fail |" in run.out
    assert "| HDP-NB02 | added |  |  |" in run.out
    assert "### Resolved findings" not in run.out
