"""SARIF for GitHub code scanning: kind and level per outcome (SARIF §3.27.10), rule
documentation links and security severity, the stable finding identity as partial
fingerprint, and artifact URIs relative to the SARIF root."""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from tests.cli.conftest import CliRun
from tests.conftest import AUDIT_DATE, REPO
from tests.reports.conftest import OPTIONS
from tests.reports.test_formats import sarif
from tma_audit.audit import run_audit
from tma_audit.identity import finding_fact, finding_id, finding_key
from tma_audit.inventory import load_inventory
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import AuditResult, Outcome, Ruleset, Subject, SubjectType, Verdict
from tma_audit.reports import Format, get_renderer
from tma_audit.reports.sarif import FINGERPRINT, _artifact
from tma_audit.ruledocs import REPOSITORY_URL, rule_doc_path, rule_doc_url

AS_OF = "2026-11-26"
LEVELS = {"error", "warning", "note"}


def github_ingestion_problems(log: dict[str, Any]) -> list[str]:
    """What GitHub code scanning's SARIF upload would refuse or mis-show, as far as it
    can be checked offline (docs.github.com: "SARIF support for code scanning")."""
    problems: list[str] = []
    if log.get("version") != "2.1.0":
        problems.append("version is not 2.1.0")
    for run in log.get("runs", []):
        driver = run["tool"]["driver"]
        if not driver.get("name"):
            problems.append("tool.driver.name is missing")
        if urlparse(driver.get("informationUri", "")).scheme != "https":
            problems.append("tool.driver.informationUri is not an https URL")
        rules = driver.get("rules", [])
        ids = [r["id"] for r in rules]
        if len(set(ids)) != len(ids):
            problems.append("duplicate rule ids")
        for rule in rules:
            if urlparse(rule.get("helpUri", "")).scheme != "https":
                problems.append(f"rule {rule['id']}: no https helpUri")
            severity = rule.get("properties", {}).get("security-severity")
            if not isinstance(severity, str) or not 0.0 < float(severity) <= 10.0:
                problems.append(f"rule {rule['id']}: security-severity {severity!r}")
            if rule["defaultConfiguration"]["level"] not in LEVELS:
                problems.append(f"rule {rule['id']}: default level")
        results = run.get("results", [])
        if len(results) > 25_000:
            problems.append("more than 25,000 results in a run")
        bases = run.get("originalUriBaseIds", {})
        for n, res in enumerate(results):
            where = f"result {n} ({res.get('ruleId')})"
            if res.get("ruleId") not in ids or ids[res["ruleIndex"]] != res["ruleId"]:
                problems.append(f"{where}: ruleId/ruleIndex not a rule of the driver")
            kind, level = res.get("kind", "fail"), res.get("level")
            if kind != "fail" and level != "none":
                problems.append(f"{where}: kind {kind} with level {level} (§3.27.10)")
            if kind == "fail" and level not in LEVELS:
                problems.append(f"{where}: kind fail with level {level}")
            if not res.get("message", {}).get("text"):
                problems.append(f"{where}: no message text")
            prints = res.get("partialFingerprints", {})
            if not prints or not all(isinstance(v, str) and v for v in prints.values()):
                problems.append(f"{where}: no partialFingerprints")
            if not 1 <= len(res.get("locations", [])) <= 10:
                problems.append(f"{where}: GitHub takes 1 to 10 locations")
            for location in res["locations"]:
                artifact = location.get("physicalLocation", {}).get("artifactLocation")
                if artifact is None:
                    continue
                uri = artifact["uri"]
                if urlparse(uri).scheme or uri.startswith("/"):
                    problems.append(f"{where}: absolute URI {uri}")
                if artifact.get("uriBaseId") not in bases:
                    problems.append(f"{where}: uriBaseId not in originalUriBaseIds")
                if location["physicalLocation"]["region"]["startLine"] < 1:
                    problems.append(f"{where}: startLine < 1")
    return problems


# --- kind and level per outcome ----------------------------------------------


@pytest.mark.parametrize("name", ["small", "midsize", "small_waived"])
def test_every_result_obeys_the_kind_and_level_rule(
    name: str, request: pytest.FixtureRequest
) -> None:
    result: AuditResult = request.getfixturevalue(name)
    results = sarif(result)["runs"][0]["results"]
    assert results
    for res in results:
        outcome = res["properties"]["outcome"]
        # SARIF 2.1.0 §3.27.10: kind other than fail ⇒ level none
        if res["kind"] != "fail":
            assert res["level"] == "none", res
        if outcome == Outcome.UNKNOWN.value:
            assert (res["kind"], res["level"]) == ("review", "none")
        else:  # fail, and waived (a suppressed fail)
            assert res["kind"] == "fail" and res["level"] in LEVELS
            assert ("suppressions" in res) == (outcome == Outcome.WAIVED.value)


def test_a_waived_unknown_stays_a_review_with_level_none(midsize: AuditResult) -> None:
    """The register records what it waived (`waived_outcome`): a waived unknown is a
    suppressed review, never a fail."""
    rewritten: dict[int, Verdict] = {}
    results = []
    for subject_result in midsize.results:
        verdicts = []
        for v in subject_result.verdicts:
            if v.outcome.is_finding:
                waived_verdict = Verdict(
                    Outcome.WAIVED,
                    f"{v.reason} [waived: W-1]",
                    (*v.evidence, ("waiver", "W-1"), ("waived_outcome", v.outcome.value)),
                )
                verdicts.append(rewritten.setdefault(id(v), waived_verdict))
            else:
                verdicts.append(v)
        results.append(subject_result._replace(verdicts=tuple(verdicts)))
    waived = dataclasses.replace(midsize, results=tuple(results))
    log = sarif(waived)
    shown = log["runs"][0]["results"]
    assert shown and all("suppressions" in r for r in shown)
    pairs = {(r["properties"]["evidence"]["waived_outcome"], r["kind"], r["level"]) for r in shown}
    assert ("unknown", "review", "none") in pairs
    assert {p[:2] for p in pairs} == {("unknown", "review"), ("fail", "fail")}
    assert github_ingestion_problems(log) == []


def test_a_fails_level_follows_its_impact(midsize: AuditResult) -> None:
    levels = {"high": "error", "medium": "warning", "low": "note"}
    results = sarif(midsize)["runs"][0]["results"]
    kinds = {(r["kind"], r["level"]) for r in results}
    assert ("review", "none") in kinds and ("fail", "error") in kinds
    for res in results:
        if res["kind"] == "fail":
            assert res["level"] == levels[res["properties"]["impact"]]


def test_midsize_passes_githubs_ingestion_rules(midsize: AuditResult) -> None:
    assert github_ingestion_problems(sarif(midsize)) == []


def test_the_ingestion_check_catches_what_github_refuses(small: AuditResult) -> None:
    """The checker is not vacuous: a review with a level, a rule without helpUri, an
    absolute URI and a missing fingerprint are each reported."""
    log = sarif(small)
    run = log["runs"][0]
    run["tool"]["driver"]["rules"][0].pop("helpUri")
    first = run["results"][0]
    first["kind"], first["level"] = "review", "warning"
    first["partialFingerprints"] = {}
    first["locations"][0]["physicalLocation"]["artifactLocation"] = {"uri": "file:///x.yaml"}
    problems = "\n".join(github_ingestion_problems(log))
    assert "no https helpUri" in problems
    assert "kind review with level warning" in problems
    assert "no partialFingerprints" in problems
    assert "absolute URI file:///x.yaml" in problems


# --- rules: documentation and severity ---------------------------------------


def test_rules_link_their_docs_page_and_carry_security_severity(midsize: AuditResult) -> None:
    driver = sarif(midsize)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == REPOSITORY_URL
    severity = {"high": 8.0, "medium": 5.5, "low": 2.0}
    for rule in driver["rules"]:
        assert rule["helpUri"] == rule_doc_url(rule["id"])
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md")
        assert (REPO / rule_doc_path(rule["id"])).is_file()
        impact = rule["properties"]["impact"]
        assert float(rule["properties"]["security-severity"]) == severity[impact]
        assert "security" in rule["properties"]["tags"]


def test_a_rule_without_a_page_has_no_help_uri(small: AuditResult) -> None:
    own = dataclasses.replace(small.ruleset.rules[0], id="ACME-1")
    ruleset = dataclasses.replace(small.ruleset, rules=(own, *small.ruleset.rules[1:]))
    driver = sarif(dataclasses.replace(small, ruleset=ruleset, results=(), by_rule={}))["runs"][0][
        "tool"
    ]["driver"]
    assert "helpUri" not in driver["rules"][0]
    assert driver["rules"][1]["helpUri"] == rule_doc_url(driver["rules"][1]["id"])


def test_rule_pages_quote_the_clauses_and_are_up_to_date(ruleset: Ruleset) -> None:
    run = subprocess.run(
        [sys.executable, "scripts/build_rule_docs.py", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout
    pages = sorted(p.stem for p in (REPO / "docs" / "rules").glob("*.md"))
    assert pages == sorted([*(r.id for r in ruleset.rules), "README"])
    for rule in ruleset.rules:
        page = (REPO / rule_doc_path(rule.id)).read_text(encoding="utf-8")
        assert page.startswith("<!-- generated by scripts/build_rule_docs.py")
        assert f"# {rule.id}: {rule.title}" in page
        assert rule.remediation.text in page and rule.waiver_text in page
        for clause in rule.clauses:
            assert f"**{clause.ref}**\n\n> {clause.text}\n" in page


def test_the_rule_docs_check_finds_a_stale_or_extra_page(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import build_rule_docs
    finally:
        sys.path.remove(str(REPO / "scripts"))
    assert build_rule_docs.main([], root=tmp_path) == 0
    assert build_rule_docs.main(["--check"], root=tmp_path) == 0
    page = tmp_path / "docs" / "rules" / "MS-1.md"
    page.write_text(page.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    assert build_rule_docs.main(["--check"], root=tmp_path) == 1
    assert build_rule_docs.main([], root=tmp_path) == 0
    (tmp_path / "docs" / "rules" / "XX-9.md").write_text("old rule\n", encoding="utf-8")
    assert build_rule_docs.main(["--check"], root=tmp_path) == 1
    assert build_rule_docs.main([], root=tmp_path) == 0
    assert not (tmp_path / "docs" / "rules" / "XX-9.md").exists()


def test_rules_show_prints_the_page(cli: CliRun, tmp_path: Path) -> None:
    run = cli("rules", "show", "ms-3")
    assert run.code == 0, run.err
    assert f"Documentation: docs/rules/MS-3.md ({rule_doc_url('MS-3')})" in run.out
    custom = tmp_path / "acme.yaml"
    custom.write_text(
        yaml.safe_dump(
            {
                "ruleset": {"id": "acme", "version": "1", "title": "ACME"},
                "extends": "default",
                "rules": [
                    {
                        "id": "ACME-1",
                        "title": "Servers run Windows Server 2016 or later",
                        "clauses": [{"ref": "ACME 1", "text": "Servers run 2016 or later."}],
                        "applies_to": {"subjects": ["asset"], "kinds": ["server"]},
                        "check": "windows_release_floor",
                        "params": {"line": "server", "minimum": "2016"},
                        "impact": "high",
                        "remediation": {"text": "Upgrade.", "payer": "project", "effort_hours": 8},
                        "waiver": "The client accepts the risk.",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    run = cli("rules", "show", "ACME-1", "--ruleset", str(custom))
    assert run.code == 0, run.err
    assert "ACME-1" in run.out and "Documentation:" not in run.out


# --- the stable finding identity ---------------------------------------------

ASSET = Subject(SubjectType.ASSET, "LDS-PC003", "Leeds HQ")


def verdict(outcome: Outcome, **evidence: str) -> Verdict:
    return Verdict(outcome, "reason", tuple(evidence.items()))


def test_identity_is_rule_subject_and_the_fact() -> None:
    win10 = verdict(
        Outcome.FAIL, lifecycle="Windows 10 22H2", os="Windows 10 Pro (build 19045.6456)"
    )
    patched = verdict(
        Outcome.FAIL, os="Windows 10 Pro (build 19045.6466)", lifecycle="Windows 10 22H2"
    )
    assert finding_fact(win10) == (("lifecycle", "Windows 10 22H2"), ("os", "Windows 10 Pro"))
    same = finding_id("MS-3", ASSET, win10)
    assert len(same) == 32 and int(same, 16) >= 0
    # a monthly patch (build), a move to another site, another outcome, another reason
    # or measured dates: the same finding
    assert finding_id("MS-3", ASSET, patched) == same
    assert finding_id("MS-3", ASSET._replace(site="York Branch"), win10) == same
    waived = Verdict(Outcome.WAIVED, "waived by W-1", (*win10.evidence, ("waiver", "W-1")))
    assert finding_id("MS-3", ASSET, waived) == same
    dated = verdict(Outcome.UNKNOWN, lifecycle="Windows 10 22H2", support_until="2027-10-12")
    assert finding_id("MS-3", ASSET, dated) == finding_id(
        "MS-3", ASSET, verdict(Outcome.FAIL, lifecycle="Windows 10 22H2")
    )
    # another rule, subject, subject type or fact: another finding
    win11 = verdict(Outcome.FAIL, lifecycle="Windows 11 23H2 (Home/Pro)", os="Windows 11 Pro")
    others = {
        finding_id("SC-7", ASSET, win10),
        finding_id("MS-3", ASSET._replace(id="LDS-PC004"), win10),
        finding_id("MS-3", ASSET._replace(type=SubjectType.SITE), win10),
        finding_id("MS-3", ASSET, win11),
    }
    assert same not in others and len(others) == 4
    assert json.loads(finding_key("MS-3", ASSET, win10))[:4] == ["v1", "MS-3", "asset", "LDS-PC003"]


def test_identity_key_is_canonical_json_for_any_text() -> None:
    """The key is compact JSON of [version, rule, type, id, fact] whatever the names
    hold (quotes, backslashes, control and non-ASCII characters): no two findings share
    a key by accident of escaping."""
    subject = Subject(SubjectType.SOFTWARE, 'PC "1"\\x: Ünïcode\u2028 app\x00', "S")
    v = verdict(Outcome.FAIL, software='Ünïcode "app" (build 1)', product="p\\q")
    expected = [
        "v1",
        "MS-3",
        "software",
        subject.id,
        [["software", 'Ünïcode "app"'], ["product", "p\\q"]],
    ]
    key = finding_key("MS-3", subject, v)
    assert json.loads(key) == expected
    assert key == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))


def _ids(result: AuditResult) -> dict[tuple[str, str, str], str]:
    return {
        (f.rule_id, f.subject.type.value, f.subject.id): finding_id(f.rule_id, f.subject, f.verdict)
        for f in result.findings
        if f.verdict.outcome.is_finding
    }


def test_identity_survives_reordering_the_inventory(
    tmp_path: Path, ruleset: Ruleset, lifecycle: Lifecycle, midsize: AuditResult
) -> None:
    source = REPO / "inventories" / "midsize" / "inventory.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    random.Random(16).shuffle(data["assets"])
    for asset in data["assets"]:
        if isinstance(asset.get("software"), list):
            asset["software"].reverse()
    shuffled = tmp_path / "shuffled.yaml"
    shuffled.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
    notes = midsize.notes
    result = run_audit(load_inventory(shuffled), ruleset, lifecycle, AUDIT_DATE, notes=notes)
    before, after = _ids(midsize), _ids(result)
    assert after == before and len(before) == 90
    log = json.loads(get_renderer(Format.SARIF)(result, OPTIONS))
    prints = {r["partialFingerprints"][FINGERPRINT] for r in log["runs"][0]["results"]}
    assert prints == set(before.values())
    # the lines moved, the fingerprints did not
    lines = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in log["runs"][0]["results"]
    }
    original = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in sarif(midsize)["runs"][0]["results"]
    }
    assert lines != original


def test_sarif_fingerprint_is_the_finding_identity(
    small: AuditResult, small_waived: AuditResult
) -> None:
    shown = (Outcome.FAIL, Outcome.UNKNOWN, Outcome.WAIVED)

    def ids(result: AuditResult) -> dict[tuple[str, str], str]:
        return {
            (f.rule_id, f.subject.id): finding_id(f.rule_id, f.subject, f.verdict)
            for f in result.findings
            if f.verdict.outcome in shown
        }

    results = sarif(small_waived)["runs"][0]["results"]
    assert FINGERPRINT == "tmaFindingId/v1"
    assert {r["partialFingerprints"][FINGERPRINT] for r in results} == set(
        ids(small_waived).values()
    )
    # waiving a finding does not change its identity
    assert any(f.verdict.outcome == Outcome.WAIVED for f in small_waived.findings)
    assert ids(small_waived) == ids(small)


# --- artifact URIs relative to the SARIF root -------------------------------


@pytest.mark.parametrize(
    ("path", "root", "cwd", "expected"),
    [
        ("inv/a.yaml", None, None, {"uri": "inv/a.yaml", "uriBaseId": "%SRCROOT%"}),
        ("a b.yaml", "/repo", "/repo/sub", {"uri": "sub/a%20b.yaml", "uriBaseId": "%SRCROOT%"}),
        ("../x/a.yaml", "/repo", "/repo/sub", {"uri": "x/a.yaml", "uriBaseId": "%SRCROOT%"}),
        (
            "/repo/inv/a.yaml",
            "/repo",
            "/elsewhere",
            {"uri": "inv/a.yaml", "uriBaseId": "%SRCROOT%"},
        ),
        ("/other/a.yaml", "/repo", "/repo", {"uri": "file:///other/a.yaml"}),
        ("../a.yaml", "/repo", "/repo", {"uri": "file:///a.yaml"}),
        ("inv\\a.yaml", "C:\\repo", "C:\\repo", {"uri": "inv/a.yaml", "uriBaseId": "%SRCROOT%"}),
        ("D:\\x\\a.yaml", "C:\\repo", "C:\\repo", {"uri": "file:///D:/x/a.yaml"}),
    ],
)
def test_artifact_uri_relative_to_the_root(
    path: str, root: str | None, cwd: str | None, expected: dict[str, str]
) -> None:
    options = dataclasses.replace(OPTIONS, sarif_root=root, working_dir=cwd)
    assert _artifact(path, options) == expected


def _repo_with_inventory(tmp_path: Path) -> Path:
    repo = tmp_path / "client-repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "inventories").mkdir()
    shutil.copy(REPO / "inventories" / "small-office" / "inventory.yaml", repo / "inventories")
    return repo


def _sarif_cli(cli: CliRun, *args: str) -> dict[str, Any]:
    run = cli("audit", *args, "--as-of", AS_OF, "-f", "sarif", "--exit-zero")
    assert run.code == 0, run.err
    log: dict[str, Any] = json.loads(run.out)
    return log


def _uris(log: dict[str, Any]) -> set[tuple[str, str | None]]:
    run = log["runs"][0]
    found = {(a["location"]["uri"], a["location"].get("uriBaseId")) for a in run["artifacts"]}
    for res in run["results"]:
        artifact = res["locations"][0]["physicalLocation"]["artifactLocation"]
        found.add((artifact["uri"], artifact.get("uriBaseId")))
    return found


def test_cli_uris_are_relative_to_the_repository_above_the_inventory(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from outside the repository, with an absolute inventory path: GitHub still
    gets a URI relative to the repository root, and the log passes its rules."""
    repo = _repo_with_inventory(tmp_path)
    outside = tmp_path / "ci-workdir"
    outside.mkdir()
    monkeypatch.chdir(outside)
    log = _sarif_cli(cli, str(repo / "inventories" / "inventory.yaml"))
    assert _uris(log) == {("inventories/inventory.yaml", "%SRCROOT%")}
    assert github_ingestion_problems(log) == []
    # and from a subfolder of the repository, with a relative path
    monkeypatch.chdir(repo / "inventories")
    assert _uris(_sarif_cli(cli, "inventory.yaml")) == {("inventories/inventory.yaml", "%SRCROOT%")}


def test_cli_sarif_root_option_and_an_inventory_outside_it(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo_with_inventory(tmp_path)
    monkeypatch.chdir(tmp_path)
    inventory = str(repo / "inventories" / "inventory.yaml")
    log = _sarif_cli(cli, inventory, "--sarif-root", str(repo / "inventories"))
    assert _uris(log) == {("inventory.yaml", "%SRCROOT%")}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    log = _sarif_cli(cli, inventory, "--sarif-root", str(elsewhere))
    expected = (repo / "inventories" / "inventory.yaml").as_uri()
    assert _uris(log) == {(expected, None)}
    missing = cli("audit", inventory, "--sarif-root", str(tmp_path / "nope"), "-f", "sarif")
    assert missing.code == 2 and "--sarif-root" in missing.err


def test_cli_without_a_repository_uses_the_working_directory(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tma_audit.cli.outputs import find_sarif_root

    folder = tmp_path / "plain"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(REPO / "inventories" / "small-office" / "inventory.yaml", folder / "sub")
    monkeypatch.chdir(folder)
    if any((p / ".git").exists() for p in (folder, *folder.parents)):
        pytest.skip("the temporary folder is inside a repository")
    assert find_sarif_root(Path("sub/inventory.yaml")) == folder
    assert _uris(_sarif_cli(cli, "sub/inventory.yaml")) == {("sub/inventory.yaml", "%SRCROOT%")}


def test_a_folder_that_cannot_be_looked_into_is_not_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tma_audit.cli import outputs

    repo = _repo_with_inventory(tmp_path)
    inventory = repo / "inventories" / "inventory.yaml"
    real_exists = Path.exists

    def exists(self: Path, *args: Any, **kwargs: Any) -> bool:
        if self == repo / "inventories" / ".git":
            raise PermissionError(13, "Permission denied", str(self))
        return real_exists(self, *args, **kwargs)

    monkeypatch.setattr(Path, "exists", exists)
    assert outputs.find_sarif_root(inventory) == repo
