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


# --- HTML, several formats at once, reports of every version ----------------------------

FIXTURES = Path(__file__).parent / "fixtures"


def test_html_is_a_self_contained_escaped_page(cli: CliRun, tmp_path: Path) -> None:
    old = _report(cli, SMALL, tmp_path / "old.json")
    text = SMALL.read_text(encoding="utf-8")
    hostile = text.replace("hostname: HDP-NB02", 'hostname: "HDP-NB02<script>alert(1)</script>"')
    hostile = hostile.replace("last_patched: 2026-11-15", "last_patched: 2026-06-15")
    edited = tmp_path / "inventory.yaml"
    edited.write_text(hostile, encoding="utf-8")
    new = _report(cli, edited, tmp_path / "new.json")
    run = cli("diff", str(old), str(new), "-f", "html", "-o", str(tmp_path / "diff.html"))
    assert run.code == 1, run.err
    page = (tmp_path / "diff.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page and "<script" not in page
    assert "HDP-NB02&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<h2>New findings (" in page and "<h2>Assets (" in page
    assert '<span class="tag fail">fail</span>' in page
    assert "tma-audit diff: Harbourside Dental Practice Ltd" in page


def test_several_formats_go_to_an_output_dir_or_named_files(cli: CliRun, tmp_path: Path) -> None:
    old = _report(cli, SMALL, tmp_path / "old.json")
    out = tmp_path / "diffs"
    run = cli(
        "diff", str(old), str(old), "-f", "table,json,markdown,html", "--output-dir", str(out)
    )
    assert run.code == 0, run.err
    assert sorted(p.name for p in out.iterdir()) == [
        "tma-audit-diff.html",
        "tma-audit-diff.json",
        "tma-audit-diff.md",
        "tma-audit-diff.txt",
    ]
    assert json.loads((out / "tma-audit-diff.json").read_text(encoding="utf-8"))["new"] == []
    assert "Nothing changed" in (out / "tma-audit-diff.html").read_text(encoding="utf-8")
    named = cli(
        "diff", str(old), str(old), "-f", "json,markdown", "-o", f"json={tmp_path / 'd.json'}"
    )
    assert named.code == 0, named.err
    assert named.out.startswith("## tma-audit diff")  # the one format without a file
    assert (tmp_path / "d.json").is_file()
    both = cli("diff", str(old), str(old), "-f", "json,markdown")
    assert both.code == 2 and "would all go to standard output" in both.err
    bad = cli("diff", str(old), str(old), "-f", "pdf")
    assert bad.code == 2 and "'pdf' is not one of table, json, markdown, html" in bad.err


def test_reports_of_every_format_version_compare(cli: CliRun, tmp_path: Path) -> None:
    """1.0 and 1.1 reports (the goldens of those days) against today's 1.3."""
    now = _report(cli, SMALL, tmp_path / "now.json")
    assert json.loads(now.read_text(encoding="utf-8"))["format_version"] == "1.3"
    # what changed since is what the tool's verdicts changed (issue 10): the environment's
    # MS-4 now fails with a device's stale definitions, and 1.0's MS-2U fail of the X-ray
    # PC was a false one
    expected = {"1.0": [("MS-2U", "HDP-XRAY01")], "1.1": []}
    for version, resolved in expected.items():
        old = FIXTURES / f"small-office-report-{version}.json"
        assert json.loads(old.read_text(encoding="utf-8"))["format_version"] == version
        run = cli("diff", str(old), str(now), "-f", "json")
        assert run.code == 1, run.err
        data = json.loads(run.out)
        assert [(e["rule"], e["subject"]) for e in data["new"]] == [
            ("MS-4", "Harbourside Dental Practice Ltd")
        ]
        assert [(e["rule"], e["subject"]) for e in data["resolved"]] == resolved
        assert data["changed"] == []
        assert data["assets"] == {"added": [], "removed": [], "changed": []}
        back = cli("diff", str(now), str(old), "-f", "json")
        assert back.code == (1 if resolved else 0), back.err
