"""Schedule D priority, who pays, due dates, the remediation plan and the score."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.conftest import AuditDoc
from tma_audit.model import (
    AuditResult,
    Impact,
    Outcome,
    Payer,
    Remediation,
    Ruleset,
    SubjectType,
)
from tma_audit.plan import (
    PRIORITY_BY_LEVEL,
    URGENCY_BY_SUBJECT,
    Urgency,
    add_business_days,
    analyse,
    counted_outcome,
    due_date,
    needs_purchase,
    payer_of,
    priority_for,
)


@pytest.mark.parametrize(
    ("impact", "urgency", "level"),
    [
        (Impact.HIGH, Urgency.HIGH, 1),
        (Impact.HIGH, Urgency.MEDIUM, 2),
        (Impact.MEDIUM, Urgency.HIGH, 2),
        (Impact.HIGH, Urgency.LOW, 3),
        (Impact.MEDIUM, Urgency.MEDIUM, 3),
        (Impact.LOW, Urgency.HIGH, 3),
        (Impact.MEDIUM, Urgency.LOW, 4),
        (Impact.LOW, Urgency.MEDIUM, 4),
        (Impact.LOW, Urgency.LOW, 4),
    ],
)
def test_the_schedule_d_matrix(impact: Impact, urgency: Urgency, level: int) -> None:
    assert priority_for(impact, urgency).level == level


def test_priorities_carry_the_contract_targets() -> None:
    targets = {
        p.level: (p.name, p.respond_hours, p.plan_hours, p.resolve_hours)
        for p in PRIORITY_BY_LEVEL.values()
    }
    assert targets == {
        1: ("Emergency", 0.2, 0.5, 4),
        2: ("Quick", 0.2, 1, 8),
        3: ("Normal", 0.2, 2, 24),
        4: ("Next Visit", 0.2, 4, 173),
    }
    assert PRIORITY_BY_LEVEL[2].title == "Priority 2 - Quick"


def test_urgency_comes_from_the_scope() -> None:
    assert URGENCY_BY_SUBJECT[SubjectType.ASSET] == Urgency.LOW
    assert URGENCY_BY_SUBJECT[SubjectType.SOFTWARE] == Urgency.LOW
    assert URGENCY_BY_SUBJECT[SubjectType.SITE] == Urgency.MEDIUM
    assert URGENCY_BY_SUBJECT[SubjectType.APPLICATION] == Urgency.MEDIUM
    for whole_company in ("client", "environment", "antivirus", "backup"):
        assert URGENCY_BY_SUBJECT[SubjectType(whole_company)] == Urgency.HIGH
    assert set(URGENCY_BY_SUBJECT) == set(SubjectType)


def test_business_days_skip_weekends() -> None:
    thursday = dt.date(2026, 11, 26)
    assert add_business_days(thursday, 0) == thursday
    assert add_business_days(thursday, 1) == dt.date(2026, 11, 27)
    assert add_business_days(thursday, 2) == dt.date(2026, 11, 30)  # over the weekend
    assert add_business_days(thursday, 10) == dt.date(2026, 12, 10)
    saturday = dt.date(2026, 11, 28)
    assert add_business_days(saturday, 0) == dt.date(2026, 11, 30)  # the clock starts Monday


def test_due_dates_count_8_hour_business_days_from_the_audit_date() -> None:
    thursday = dt.date(2026, 11, 26)
    due = {level: due_date(thursday, p) for level, p in PRIORITY_BY_LEVEL.items()}
    assert due[1] == thursday  # 4 h: the same day
    assert due[2] == thursday  # 8 h: one business day
    assert due[3] == dt.date(2026, 11, 30)  # 24 h = 3 business days: Thu, Fri, Mon
    assert due[4] == dt.date(2026, 12, 25)  # 173 h = 22 business days (about a month)
    sunday = dt.date(2026, 11, 29)
    assert due_date(sunday, PRIORITY_BY_LEVEL[1]) == dt.date(2026, 11, 30)


def test_who_pays(ruleset: Ruleset) -> None:
    rules = {rule.id: rule for rule in ruleset.rules}
    assert payer_of(rules["MS-1"]) == Payer.PROJECT  # a major version upgrade
    assert payer_of(rules["MS-2U"]) == Payer.MINOR_CHANGE  # service pack installation
    assert payer_of(rules["SC-3"]) == Payer.CLIENT_PURCHASE  # insurance
    # a client purchase that takes more than 4 hours of engineering is also a project
    assert rules["MS-5"].remediation.payer == Payer.CLIENT_PURCHASE
    assert rules["MS-5"].remediation.effort_hours > 4
    assert payer_of(rules["MS-5"]) == Payer.PROJECT and needs_purchase(rules["MS-5"])
    long_change = dataclasses.replace(
        rules["MS-2U"], remediation=Remediation("a long change", Payer.MINOR_CHANGE, 4.5)
    )
    assert payer_of(long_change) == Payer.PROJECT and not needs_purchase(long_change)
    exactly_four = dataclasses.replace(
        rules["MS-2U"], remediation=Remediation("four hours", Payer.MINOR_CHANGE, 4)
    )
    assert payer_of(exactly_four) == Payer.MINOR_CHANGE


def test_each_finding_gets_priority_payer_and_due_date(small: AuditResult) -> None:
    analysis = analyse(small)
    found = {(f.rule_id, f.subject.id): f for f in analysis.findings}
    assert set(found) == {
        ("MS-3", "HDP-XRAY01"),
        ("SC-7", "HDP-XRAY01"),
        ("MS-4", "HDP-NB02"),
        ("MS-4", "Harbourside Dental Practice Ltd"),  # the environment: one device stale
    }
    ms3 = found[("MS-3", "HDP-XRAY01")].triage
    assert (ms3.impact, ms3.urgency, ms3.priority.level) == (Impact.HIGH, Urgency.LOW, 3)
    assert ms3.payer == Payer.CLIENT_PURCHASE and ms3.effort_hours == 2
    assert ms3.due == dt.date(2026, 11, 30)
    # the environment's MS-4 restates HDP-NB02's (its product passes): that urgency, low
    env = found[("MS-4", "Harbourside Dental Practice Ltd")].triage
    device = found[("MS-4", "HDP-NB02")].triage
    assert (env.urgency, env.priority) == (device.urgency, device.priority)
    assert (env.restates, env.effort_hours, device.effort_hours) == (True, 0, 4)
    assert analysis.by_priority == {1: 0, 2: 0, 3: 4, 4: 0}


def test_company_wide_findings_are_urgent(audit_doc: AuditDoc) -> None:
    result = audit_doc({"client": {"name": "A", "sites": [{"name": "HQ"}]}})
    analysis = analyse(result)
    by_rule = {f.rule_id: f.triage.priority.level for f in analysis.findings}
    assert by_rule["MS-5"] == 1  # no backup stated: high impact, the whole company
    assert by_rule["SC-3"] == 2  # insurance: medium impact, the whole company
    assert by_rule["SC-4"] == 3  # change notification: low impact, the whole company
    assert by_rule["SC-8"] == 3  # a site's wireless: medium impact, a site
    assert by_rule["MS-6"] == 2  # a site's firewall: high impact, a site


def test_score_weights_impact_and_never_counts_unknown_as_pass(audit_doc: AuditDoc) -> None:
    result = audit_doc({"client": {"name": "A", "sites": [{"name": "HQ"}]}})
    analysis = analyse(result)
    score = analysis.client_score
    # every outcome of an inventory with no evidence is unknown (or not applicable)
    assert score.counts[Outcome.PASS] == 0 and score.counts[Outcome.UNKNOWN] > 0
    assert score.value == 0.0 and score.text == "0.0%"
    weights = {"low": 1, "medium": 2, "high": 3}
    rules = {rule.id: rule for rule in result.ruleset.rules}
    expected_total = sum(
        weights[rules[rule_id].impact.value]
        for _, rule_ids, verdicts in result.results
        for rule_id, verdict in zip(rule_ids, verdicts, strict=True)
        if verdict.outcome != Outcome.NOT_APPLICABLE
    )
    assert score.total == expected_total


def test_score_formula_on_the_small_office(small: AuditResult) -> None:
    analysis = analyse(small)
    score = analysis.client_score
    rules = {rule.id: rule for rule in small.ruleset.rules}
    weight = {Impact.LOW: 1, Impact.MEDIUM: 2, Impact.HIGH: 3}
    passed = total = 0
    for _, rule_ids, verdicts in small.results:
        for rule_id, verdict in zip(rule_ids, verdicts, strict=True):
            if verdict.outcome == Outcome.NOT_APPLICABLE:
                continue
            # a finding restating others counts by its own evidence (Verdict.own_outcome)
            scored = verdict.outcome if verdict.own_outcome is None else verdict.own_outcome
            total += weight[rules[rule_id].impact]
            passed += weight[rules[rule_id].impact] * (scored == Outcome.PASS)
    assert (score.passed, score.total) == (passed, total)
    assert score.value == round(100 * passed / total, 1) == 95.8
    assert [(s.scope, s.text) for s in analysis.site_scores] == [("Quay Street", "95.4%")]


def test_waived_items_are_not_passes_and_need_no_work(
    small: AuditResult, small_waived: AuditResult
) -> None:
    before, after = analyse(small), analyse(small_waived)
    assert after.client_score.value == before.client_score.value  # waiving is not passing
    assert [f.outcome for f in after.findings].count(Outcome.WAIVED) == 2
    # only HDP-NB02's MS-4 is left to fix (the environment's MS-4 restates it)
    assert after.by_priority[3] == 2
    assert [item.rule.id for item in after.plan.items] == ["MS-4"]
    assert after.plan.items[0].subjects == ("HDP-NB02",)


def test_plan_groups_findings_into_work_items(midsize: AuditResult) -> None:
    analysis = analyse(midsize)
    plan = analysis.plan
    # findings with work of their own (MS-4 for the environment restates the devices')
    findings = [f for f in analysis.findings if counted_outcome(f.verdict).is_finding]
    assert sum(len(item.findings) for item in plan.items) == len(findings)
    # most urgent first, numbered in that order
    levels = [item.triage.priority.level for item in plan.items]
    assert levels == sorted(levels)
    assert [item.id for item in plan.items][:3] == ["W-001", "W-002", "W-003"]
    for item in plan.items:
        assert len({f.rule_id for f in item.findings}) == 1
        assert len({f.subject.site for f in item.findings}) == 1
        assert len({counted_outcome(f.verdict) for f in item.findings}) == 1
        assert item.evidence_needed == (
            counted_outcome(item.findings[0].verdict) is Outcome.UNKNOWN
        )
        assert item.effort_hours == item.triage.effort_hours * len(item.findings)
        assert len(item.summary) <= 100
        assert item.triage.due >= midsize.as_of
    totals = plan.totals
    assert totals.work_items == len(plan.items)
    assert totals.hours == sum(item.effort_hours for item in plan.items)
    assert totals.projects == sum(item.triage.payer == Payer.PROJECT for item in plan.items)
    assert totals.purchases == sum(item.triage.purchase for item in plan.items)
    assert totals.findings == len(findings)
    assert totals.evidence_items == sum(item.evidence_needed for item in plan.items)
    assert totals.minor_changes == sum(
        item.triage.payer == Payer.MINOR_CHANGE for item in plan.items
    )
    assert analysis.plan_totals == totals
    ms3_leeds = [i for i in plan.items if i.rule.id == "MS-3" and i.site == "Leeds HQ"]
    assert ms3_leeds and not ms3_leeds[0].evidence_needed and len(ms3_leeds[0].findings) > 1


def test_analysis_is_computed_once_per_result(small: AuditResult, midsize: AuditResult) -> None:
    first = analyse(small)
    assert analyse(small) is first
    analyse(midsize)
    again = analyse(small)
    assert again is not first
    assert again.findings == first.findings and again.plan == first.plan
    assert (again.client_score, again.site_scores) == (first.client_score, first.site_scores)


def test_waive_helper_keeps_counts_consistent(small_waived: AuditResult) -> None:
    counts = small_waived.counts()
    assert counts[Outcome.WAIVED] == 2
    assert counts[Outcome.FAIL] == 2  # HDP-NB02's MS-4, and the environment's


def test_ms4_environment_fail_counts_the_devices_work_once(audit_doc: AuditDoc) -> None:
    """MS-4 for the environment fails while a device is unprotected, but the plan and the
    score count the work once: on the devices (the environment adds no item, no hours)."""
    av = {
        "product": "Defender for Endpoint P2",
        "license_expires": dt.date(2027, 6, 30),
        "support_expires": dt.date(2027, 6, 30),
        "centrally_managed": True,
        "protects_email": True,
    }
    devices = [
        {"hostname": "SRV1", "kind": "server", "site": "HQ", "antivirus": {"agent": "none"}},
        {
            "hostname": "NB1",
            "kind": "notebook",
            "site": "HQ",
            "antivirus": {"agent": "Defender", "definitions": dt.date(2026, 10, 27)},
        },
        {
            "hostname": "PC1",
            "kind": "desktop",
            "site": "HQ",
            "antivirus": {"agent": "Defender", "definitions": dt.date(2026, 11, 25)},
        },
    ]
    inventory = {
        "client": {"name": "A", "sites": [{"name": "HQ"}]},
        "assets": devices,
        "environment": {"antivirus": [av]},
    }
    result = audit_doc(inventory)
    env = next(f for f in result.findings if f.rule_id == "MS-4" and f.subject.id == "A")
    assert env.outcome == Outcome.FAIL
    assert env.reason == "1 of 3 devices unprotected, 1 with stale definitions: see those devices"
    analysis = analyse(result)
    # the same audit with the environment judged on its products alone (as before)
    own = dataclasses.replace(env.verdict, outcome=Outcome.PASS, own_outcome=None)
    alone = dataclasses.replace(
        result,
        results=tuple(
            row._replace(verdicts=tuple(own if v is env.verdict else v for v in row.verdicts))
            for row in result.results
        ),
    )
    before = analyse(alone)
    assert analysis.plan_totals == before.plan_totals
    now, then = analysis.client_score, before.client_score
    assert (now.passed, now.total, now.value) == (then.passed, then.total, then.value)
    assert now.counts[Outcome.FAIL] == then.counts[Outcome.FAIL] + 1  # shown as a fail
    assert analysis.site_scores == before.site_scores  # the environment has no site
    ms4 = [item for item in analysis.plan.items if item.rule.id == "MS-4"]
    assert [item.subjects for item in ms4] == [("NB1", "SRV1")]
    assert sum(item.effort_hours for item in ms4) == 2 * 4  # 4 h per device, none for env
    # the environment's finding is listed (and gated) with the devices' priority
    listed = {(f.rule_id, f.subject.id): f.triage for f in analysis.findings}
    assert listed[("MS-4", "A")].priority == listed[("MS-4", "SRV1")].priority
    assert listed[("MS-4", "A")].effort_hours == 0
    assert analysis.by_priority[3] == before.by_priority[3] + 1
