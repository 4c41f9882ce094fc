"""Applying a register to an audit: waived, expired, expiring, incomplete; scopes; counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from tests.waivers.conftest import AS_OF, MIDSIZE_WAIVERS, register
from tma_audit.audit import run_audit
from tma_audit.errors import WaiverError
from tma_audit.gate import FailOn, exit_code
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import AuditResult, Finding, Inventory, Outcome, Ruleset
from tma_audit.waivers.register import apply_waivers
from tma_audit.waivers.register_file import load_register

SIGNED = """\
approved_by: Martin Hartwell
approval_date: 2026-11-20
justification: Replacement budgeted for 2027.
"""


def entry(
    wid: str, rules: str, scope: str, expires: str = "2027-05-20", signed: str = SIGNED
) -> str:
    return (
        f"  - id: {wid}\n    rules: {rules}\n    scope: {scope}\n    expires: {expires}\n"
        + "\n".join("    " + line for line in signed.strip("\n").splitlines())
        + "\n"
    )


def waivers(*entries: str) -> str:
    return "waivers:\n" + "".join(entries)


def findings_of(result: AuditResult, subject_id: str) -> dict[str, Finding]:
    return {f.rule_id: f for f in result.findings if f.subject.id == subject_id}


def check_counts(result: AuditResult) -> None:
    """by_rule always equals the outcomes in the results (the gate reads by_rule)."""
    seen: dict[str, Counter[Outcome]] = {}
    for f in result.findings:
        seen.setdefault(f.rule_id, Counter())[f.outcome] += 1
    for rule_id, counts in result.by_rule.items():
        for outcome in Outcome:
            assert counts.get(outcome, 0) == seen.get(rule_id, Counter())[outcome], (
                rule_id,
                outcome,
            )


def test_covered_findings_are_waived_and_keep_their_reason(midsize: AuditResult) -> None:
    reg = register(
        waivers(entry("W-1", "[MS-1, MS-3, SC-7]", "{hostnames: [lds-access01]}")),
        "reg.yaml",
    )
    out = apply_waivers(midsize, reg, AS_OF)
    before = findings_of(midsize, "LDS-ACCESS01")
    after = findings_of(out, "LDS-ACCESS01")
    for rule_id in ("MS-1", "MS-3", "SC-7"):
        old, new = before[rule_id], after[rule_id]
        assert old.outcome == Outcome.FAIL and new.outcome == Outcome.WAIVED
        assert new.reason.startswith(old.reason)
        assert "W-1" in new.reason and "Martin Hartwell" in new.reason
        assert "2027-05-20" in new.reason and "Replacement budgeted" in new.reason
        evidence = dict(new.evidence)
        assert evidence["waiver"] == "W-1"
        assert evidence["waiver_approved_by"] == "Martin Hartwell"
        assert evidence["waiver_expires"] == "2027-05-20"
        assert evidence["waiver_justification"] == "Replacement budgeted for 2027."
        assert evidence["waived_outcome"] == "fail"
        assert set(old.evidence) <= set(new.evidence)
    # a rule the waiver does not name is untouched; so is every other subject
    assert after["MS-4"] == before["MS-4"]
    changed = [
        (a.subject.id, a.rule_id)
        for a, b in zip(midsize.findings, out.findings, strict=True)
        if a.verdict is not b.verdict
    ]
    # hostnames cover the host and the software on it (Paxton Net2 is unknown: MS-3, SC-7)
    assert sorted(changed) == sorted(
        [
            ("LDS-ACCESS01", "MS-1"),
            ("LDS-ACCESS01", "MS-3"),
            ("LDS-ACCESS01", "SC-7"),
            ("LDS-ACCESS01: Paxton Net2 6.07", "MS-3"),
            ("LDS-ACCESS01: Paxton Net2 6.07", "SC-7"),
        ]
    )
    check_counts(out)
    assert out.by_rule["MS-1"][Outcome.WAIVED] == 1
    assert out.by_rule["MS-1"][Outcome.FAIL] == midsize.by_rule["MS-1"][Outcome.FAIL] - 1
    assert out.notes[-1].startswith("waivers from reg.yaml: 1 of 1 in force on 2026-11-26")
    # the input is not modified
    assert findings_of(midsize, "LDS-ACCESS01")["MS-1"].outcome == Outcome.FAIL


def test_waiving_every_finding_makes_the_audit_compliant(midsize: AuditResult) -> None:
    rules = "[" + ", ".join(r.id for r in midsize.ruleset.rules) + "]"
    out = apply_waivers(midsize, register(waivers(entry("W-ALL", rules, "{client: true}"))), AS_OF)
    assert exit_code(midsize, FailOn()) == 1
    assert exit_code(out, FailOn()) == 0
    assert not any(f.outcome.is_finding for f in out.findings)
    check_counts(out)
    waived = sum(1 for f in out.findings if f.outcome == Outcome.WAIVED)
    assert waived == sum(1 for f in midsize.findings if f.outcome.is_finding)


def test_shared_verdicts_stay_shared(midsize: AuditResult) -> None:
    """Subjects with equal evidence share a verdict; waived, they share the waived one."""
    reg = register(waivers(entry("W-1", "[MS-4]", '{globs: ["WKF-PC00*"]}')))
    out = apply_waivers(midsize, reg, AS_OF)
    waived = [f for f in out.findings if f.rule_id == "MS-4" and f.outcome == Outcome.WAIVED]
    assert [f.subject.id for f in waived] == [f"WKF-PC00{i}" for i in range(1, 6)]
    assert len({id(f.verdict) for f in waived}) == 1


def test_an_expired_waiver_covers_nothing_and_marks_its_findings(midsize: AuditResult) -> None:
    reg = register(
        waivers(
            entry(
                "W-OLD",
                "[MS-4]",
                '{globs: ["wkf-pc00*"]}',
                expires="2026-10-31",
                signed="approved_by: X\napproval_date: 2026-05-01",
            ),
        )
    )
    out = apply_waivers(midsize, reg, AS_OF)
    marked = [f for f in out.findings if "W-OLD" in f.reason]
    assert [f.subject.id for f in marked] == [f"WKF-PC00{i}" for i in range(1, 6)]
    for f in marked:
        assert f.rule_id == "MS-4" and f.outcome == Outcome.FAIL
        assert f.reason.endswith("(waiver W-OLD expired on 2026-10-31)")
        assert dict(f.evidence)["waiver_expired"] == "2026-10-31"
    assert exit_code(out, FailOn()) == 1
    assert "waiver W-OLD expired on 2026-10-31; 5 finding(s) count again" in out.notes
    check_counts(out)
    # the expiry day itself is still covered (dates are inclusive)
    on_the_day = apply_waivers(midsize, reg, dt.date(2026, 10, 31))
    assert any(f.outcome == Outcome.WAIVED for f in on_the_day.findings)


def test_an_in_force_waiver_wins_over_an_expired_one(midsize: AuditResult) -> None:
    reg = register(
        waivers(
            entry("W-OLD", "[SC-3]", "{client: true}", expires="2026-11-01"),
            entry("W-NEW", "[SC-3]", "{client: true}", expires="2027-01-31"),
        )
    )
    out = apply_waivers(midsize, reg, AS_OF)
    sc3 = next(f for f in out.findings if f.rule_id == "SC-3")
    assert sc3.outcome == Outcome.WAIVED and dict(sc3.evidence)["waiver"] == "W-NEW"


def test_waivers_expiring_soon_are_warned_about(midsize: AuditResult) -> None:
    reg = register(waivers(entry("W-SOON", "[SC-3]", "{client: true}", expires="2026-12-10")))
    out = apply_waivers(midsize, reg, AS_OF)
    sc3 = next(f for f in out.findings if f.rule_id == "SC-3")
    assert sc3.outcome == Outcome.WAIVED
    assert sc3.warning == "waiver expires on 2026-12-10 (in 14 days)"
    assert (
        "waiver W-SOON expires on 2026-12-10 (in 14 days): renew it or fix the 1 finding(s) "
        "it covers" in out.notes
    )
    # outside the window (waiver_warn_days, 30 by default): no warning
    later = register(waivers(entry("W-LATER", "[SC-3]", "{client: true}", expires="2027-01-31")))
    out = apply_waivers(midsize, later, AS_OF)
    assert next(f for f in out.findings if f.rule_id == "SC-3").warning is None
    assert not any("W-LATER" in note for note in out.notes)


def test_incomplete_and_future_waivers_cover_nothing(midsize: AuditResult) -> None:
    reg = register(
        waivers(
            entry("W-DRAFT", "[SC-3]", "{client: true}", signed="reference: WD-1"),
            entry(
                "W-FUTURE",
                "[SC-9]",
                "{client: true}",
                signed="approved_by: X\napproval_date: 2026-12-01",
            ),
        )
    )
    out = apply_waivers(midsize, reg, AS_OF)
    assert out.results == midsize.results
    assert (
        "waiver W-DRAFT covers nothing: approved_by, approval_date missing (complete it "
        "once signed)" in out.notes
    )
    assert "waiver W-FUTURE covers nothing yet: approved after the audit date" in out.notes


def test_the_ruleset_caps_a_waivers_length(midsize: AuditResult, ruleset: Ruleset) -> None:
    reg = register(waivers(entry("W-LONG", "[SC-3]", "{client: true}", expires="2028-12-31")))
    # approved 2026-11-20 + 365 days = 2027-11-20
    out = apply_waivers(midsize, reg, AS_OF)
    sc3 = next(f for f in out.findings if f.rule_id == "SC-3")
    assert dict(sc3.evidence)["waiver_expires"] == "2027-11-20"
    assert any("cut to the ruleset's maximum of 365 days" in note for note in out.notes)
    later = apply_waivers(midsize, reg, dt.date(2027, 11, 21))
    sc3 = next(f for f in later.findings if f.rule_id == "SC-3")
    assert sc3.outcome == Outcome.FAIL and "expired on 2027-11-20" in sc3.reason


@pytest.mark.parametrize(
    ("scope", "rules", "expected"),
    [
        ("{hostnames: [YRK-PC002, yrk-pc007]}", "[MS-3]", {"YRK-PC002", "YRK-PC007"}),
        # waivers cover unknowns too (YRK-PC001's genuine status is not stated)
        (
            '{globs: ["YRK-PC0[01]*"]}',
            "[ms-3]",
            {"YRK-PC001", "YRK-PC002", "YRK-PC007", "YRK-PC011", "YRK-PC016"},
        ),
        ('{globs: ["YRK-PC00?"]}', "[MS-3]", {"YRK-PC001", "YRK-PC002", "YRK-PC007"}),
        (
            "{site: York Branch}",
            "[MS-3]",
            {"YRK-PC001", "YRK-PC002", "YRK-PC007", "YRK-PC011", "YRK-PC016"},
        ),
        ("{site: [york branch, Wakefield DC]}", "[SC-8]", {"York Branch", "Wakefield DC"}),
        (
            '{items: ["LDS-SQL02: Microsoft SQL Server 2014 Standard SP3 12.0.6449.1"]}',
            "[MS-3]",
            {"LDS-SQL02: Microsoft SQL Server 2014 Standard SP3 12.0.6449.1"},
        ),
        ("{items: [Veeam Backup & Replication]}", "[SC-6, MS-5]", {"Veeam Backup & Replication"}),
        (
            "{items: [Hartwell & Pryce Building Supplies Ltd]}",
            "[SC-3, MS-5]",
            {"Hartwell & Pryce Building Supplies Ltd"},
        ),
        (
            "{client: true}",
            "[SC-2]",
            {
                "LDS-CORE02",
                "LDS-SW-F2B",
                "WKF-SW01",
                "WKF-SW02",
                "WKF-SW03",
                "YRK-RTR01",
                "YRK-SW02",
            },
        ),
    ],
)
def test_scopes(midsize: AuditResult, scope: str, rules: str, expected: set[str]) -> None:
    out = apply_waivers(midsize, register(waivers(entry("W-1", rules, scope))), AS_OF)
    waived = {f.subject.id for f in out.findings if f.outcome == Outcome.WAIVED}
    assert waived == expected
    check_counts(out)


def test_unknown_rules_are_noted_not_fatal(midsize: AuditResult) -> None:
    out = apply_waivers(
        midsize, register(waivers(entry("W-1", "[MS-99]", "{client: true}"))), AS_OF
    )
    assert out.results == midsize.results
    assert "waiver W-1: no rule MS-99 in ruleset tma-default" in out.notes


def test_a_register_for_another_client_is_refused(midsize: AuditResult) -> None:
    reg = register("client: Someone Else Ltd\nwaivers: []\n", "other.yaml")
    with pytest.raises(WaiverError, match=r"other.yaml:1: client: the waiver register is for"):
        apply_waivers(midsize, reg, AS_OF)
    same = register("client: '  hartwell & pryce   building supplies ltd'\nwaivers: []\n")
    apply_waivers(midsize, same, AS_OF)  # case and spacing do not matter


def test_run_audit_applies_the_register(
    midsize_inventory: Inventory, ruleset: Ruleset, lifecycle: Lifecycle, midsize: AuditResult
) -> None:
    reg = load_register(MIDSIZE_WAIVERS)
    via_audit = run_audit(midsize_inventory, ruleset, lifecycle, AS_OF, waivers=reg)
    applied = apply_waivers(midsize, reg, AS_OF)

    def values(result: AuditResult) -> list[tuple[object, ...]]:
        # Verdicts compare by identity: compare what they say
        return [
            (f.rule_id, f.subject, f.outcome, f.reason, f.evidence, f.warning)
            for f in result.findings
        ]

    assert values(via_audit) == values(applied)
    assert (via_audit.by_rule, via_audit.notes) == (applied.by_rule, applied.notes)
    outcomes = Counter(f.outcome for f in via_audit.findings)
    assert outcomes[Outcome.WAIVED] == 12
    check_counts(via_audit)


def test_an_expired_waiver_keeps_a_restating_finding_counted_once(
    midsize: AuditResult,
) -> None:
    # MS-4 for the environment fails on its devices while its product passes: with an
    # expired waiver it still counts once (the devices carry the work)
    from tma_audit.plan import analyse

    env = findings_of(midsize, "Hartwell & Pryce Building Supplies Ltd")["MS-4"]
    assert (env.outcome, env.verdict.own_outcome) == (Outcome.FAIL, Outcome.PASS)
    before = analyse(midsize).plan_totals
    reg = register(
        waivers(
            entry(
                "W-OLD",
                "[MS-4]",
                "{items: [Hartwell & Pryce Building Supplies Ltd]}",
                expires="2026-10-31",
                signed="approved_by: X\napproval_date: 2026-05-01",
            ),
        )
    )
    out = apply_waivers(midsize, reg, AS_OF)
    marked = findings_of(out, "Hartwell & Pryce Building Supplies Ltd")["MS-4"]
    assert marked.reason.endswith("(waiver W-OLD expired on 2026-10-31)")
    assert (marked.outcome, marked.verdict.own_outcome) == (Outcome.FAIL, Outcome.PASS)
    assert analyse(out).plan_totals == before
