"""The Evidence section: per rule, how many items are unknown for want of which fact, and
the one step that would settle most of them (issue 10 §2)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.conftest import AUDIT_DATE, REPO
from tests.reports.conftest import OPTIONS, waive
from tma_audit.audit import run_audit
from tma_audit.evidence import evidence_section, fact_of
from tma_audit.inventory import load_inventories, load_inventory
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import AuditResult, Outcome, Ruleset
from tma_audit.reports import Format, get_renderer
from tma_audit.reports.summary import EVIDENCE_HEADING

THREE = REPO / "inventories" / "three-source"


@pytest.fixture(scope="module")
def bare_ad(lifecycle: Lifecycle, ruleset: Ruleset) -> AuditResult:
    inventory = load_inventories([THREE / "ad-computers.csv"], lifecycle=lifecycle)
    return run_audit(inventory, ruleset, lifecycle, AUDIT_DATE)


def _by_rule(result: AuditResult) -> dict[str, dict[str, int]]:
    return {e.rule_id: {w.fact: w.count for w in e.wants} for e in evidence_section(result)}


def test_bare_ad_export_gives_a_to_do_list_of_exports(bare_ad: AuditResult) -> None:
    section = {e.rule_id: e for e in evidence_section(bare_ad)}
    ms4 = section["MS-4"]
    assert ms4.unknown == bare_ad.by_rule["MS-4"][Outcome.UNKNOWN] == 18
    assert [(w.fact, w.count) for w in ms4.wants] == [("antivirus", 17), ("environment", 1)]
    assert ms4.step.startswith("add a CrowdStrike or Defender export")
    assert section["MS-6"].step.startswith("add a FortiManager or IT Glue export")
    assert section["SC-2"].wants[0].fact == "network-list"
    assert section["MS-2U"].wants[0].fact == "build"
    assert section["MS-2U"].step.startswith("add an Intune export")
    # rules with no unknown item have no line
    assert "MS-1" not in section


def test_the_step_names_the_field_when_a_source_already_gives_the_fact(
    lifecycle: Lifecycle, ruleset: Ruleset
) -> None:
    exports = [THREE / "ad-computers.csv", THREE / "crowdstrike-hosts.csv"]
    result = run_audit(
        load_inventories(exports, lifecycle=lifecycle), ruleset, lifecycle, AUDIT_DATE
    )
    ms4 = {e.rule_id: e for e in evidence_section(result)}["MS-4"]
    assert ms4.wants[0].fact == "antivirus"
    assert ms4.wants[0].count == 3  # the hosts CrowdStrike does not list
    assert ms4.step == (
        "give antivirus.agent and antivirus.definitions for the devices CrowdStrike Falcon "
        "(hosts) does not list"
    )


@pytest.mark.parametrize(
    "inventory",
    [
        "inventories/midsize/inventory.yaml",
        "inventories/three-source/inventory.yaml",
        "inventories/small-office/inventory.yaml",
    ],
)
def test_every_unknown_is_counted_under_a_known_fact(
    inventory: str, lifecycle: Lifecycle, ruleset: Ruleset, bare_ad: AuditResult
) -> None:
    for result in (
        run_audit(load_inventory(REPO / inventory), ruleset, lifecycle, AUDIT_DATE),
        bare_ad,
    ):
        section = evidence_section(result)
        assert {e.rule_id: e.unknown for e in section} == {
            rule_id: counts[Outcome.UNKNOWN]
            for rule_id, counts in result.by_rule.items()
            if counts[Outcome.UNKNOWN]
        }
        checks = {rule.id: rule.check for rule in result.ruleset.rules}
        for f in result.findings:
            if f.outcome is Outcome.UNKNOWN:
                assert fact_of(checks[f.rule_id], f.verdict) != "other", f.reason


def test_waived_unknowns_are_not_counted(bare_ad: AuditResult) -> None:
    waived = waive(bare_ad, lambda rule_id, subject_id: rule_id == "MS-4")
    assert "MS-4" not in _by_rule(waived)
    assert _by_rule(waived)["MS-6"] == {"firewall-list": 1}


def test_every_report_for_people_and_the_json_report_carry_it(bare_ad: AuditResult) -> None:
    step = "add a CrowdStrike or Defender export"
    for fmt in (Format.TABLE, Format.MARKDOWN, Format.HTML):
        content = get_renderer(fmt)(bare_ad, OPTIONS)
        assert EVIDENCE_HEADING in content, fmt
        assert "17 want antivirus agent and definitions" in content, fmt
        assert step in content, fmt
    report = json.loads(get_renderer(Format.JSON)(bare_ad, OPTIONS))
    assert report["format_version"] == "1.3"
    ms4 = next(e for e in report["evidence"] if e["rule"] == "MS-4")
    assert ms4["unknown"] == 18
    assert ms4["step"].startswith(step)
    assert ms4["wants"][0] == {
        "fact": "antivirus",
        "label": "antivirus agent and definitions",
        "count": 17,
        "step": ms4["step"],
    }


def test_no_unknowns_no_section(lifecycle: Lifecycle, ruleset: Ruleset) -> None:
    small = run_audit(
        load_inventory(REPO / "inventories/small-office/inventory.yaml"),
        ruleset,
        lifecycle,
        AUDIT_DATE,
    )
    assert evidence_section(small) == ()
    assert EVIDENCE_HEADING not in get_renderer(Format.TABLE)(small, OPTIONS)
    assert json.loads(get_renderer(Format.JSON)(small, OPTIONS))["evidence"] == []


def test_counts_kept_by_the_audit_agree_with_a_walk_of_the_results(bare_ad: AuditResult) -> None:
    walked = dataclasses.replace(bare_ad, unknown_verdicts={})  # as from a saved report
    assert bare_ad.unknown_verdicts  # the audit kept them
    assert evidence_section(walked) == evidence_section(bare_ad)
