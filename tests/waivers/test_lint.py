"""`waivers lint`: each problem with its line, errors versus warnings."""

from __future__ import annotations

import datetime as dt

from tests.waivers.conftest import AS_OF, MIDSIZE_WAIVERS, register
from tma_audit.model import AuditResult, Ruleset
from tma_audit.waivers.lint import LintIssue, Severity, lint_register
from tma_audit.waivers.register_file import load_register

COMPLETE = """\
    justification: Budgeted for 2027.
    compensating_controls: []
    requested_by: Priya
    approved_by: Martin Hartwell
    approval_date: 2026-11-20
    reference: WD-1
"""


def lines(issues: list[LintIssue]) -> list[str]:
    return [i.format("w.yaml") for i in issues]


def test_a_clean_register_has_no_issues(ruleset: Ruleset, midsize: AuditResult) -> None:
    reg = register(
        "client: Hartwell & Pryce Building Supplies Ltd\nwaivers:\n"
        "  - id: W-1\n    rules: [MS-1]\n    scope: {hostnames: [LDS-ACCESS01]}\n"
        "    expires: 2027-05-20\n" + COMPLETE
    )
    assert lint_register(reg, ruleset, AS_OF, midsize) == []


def test_each_problem_is_reported_with_its_line(ruleset: Ruleset) -> None:
    text = (
        "waivers:\n"
        "  - id: W-1\n"  # 2
        "    rules: [MS-1, MS-9, sc-3]\n"  # 3
        "    scope: {client: true}\n"  # 4
        "    expires: 2026-11-24\n" + COMPLETE + "  - id: W-2\n"  # 5: expired  # 12
        "    rules: [SC-3]\n"
        "    scope: {client: true}\n"
        "    expires: 2028-01-31\n"  # 15: too long
         + COMPLETE + "  - id: W-3\n"  # 22
        "    rules: [SC-3]\n"
        "    scope: {client: true}\n"
        "    expires: 2026-12-01\n"  # 25: expiring within 30 days
         + COMPLETE + "  - id: W-4\n"  # 32: missing fields
        "    rules: [SC-3]\n"
        "    scope: {client: true, hostnames: [X]}\n"
        "    expires: 2026-10-01\n"
        "    approval_date: 2026-12-01\n"  # 36: after the expiry, and in the future
    )
    issues = lint_register(register(text, "w.yaml"), ruleset, AS_OF)
    assert lines(issues) == [
        "w.yaml:3: error: W-1: rules[1]: unknown rule 'MS-9' (did you mean 'SC-9'?): ruleset "
        "tma-default has no such rule",
        "w.yaml:5: error: W-1: expires: expired on 2026-11-24: its findings count again; "
        "renew it or remove it",
        "w.yaml:15: error: W-2: expires: too long: 437 days from approval (2026-11-20) to expiry "
        "(2028-01-31); the ruleset allows at most 365 (waiver_max_days), so it ends on "
        "2027-11-20",
        "w.yaml:25: warning: W-3: expires: expires on 2026-12-01 (in 5 days; waiver_warn_days "
        "is 30)",
        "w.yaml:32: error: W-4: missing justification, compensating_controls, requested_by, "
        "approved_by, reference (write `compensating_controls: []` when there are none)",
        "w.yaml:34: warning: W-4: scope: `client: true` covers everything: the other selectors "
        "add nothing",
        "w.yaml:35: error: W-4: expires: expires (2026-10-01) before it was approved (2026-12-01)",
        "w.yaml:36: warning: W-4: approval_date: approved after the audit date 2026-11-26: not "
        "in force yet",
    ]
    assert [i.severity for i in issues].count(Severity.ERROR) == 5


def test_disabled_rules_are_a_warning(ruleset: Ruleset) -> None:
    from dataclasses import replace

    disabled = replace(
        ruleset,
        rules=tuple(replace(r, enabled=r.id != "SC-10") for r in ruleset.rules),
    )
    reg = register(
        "waivers:\n  - id: W-1\n    rules: [SC-10]\n    scope: {client: true}\n"
        "    expires: 2027-01-31\n" + COMPLETE
    )
    assert lines(lint_register(reg, disabled, AS_OF)) == [
        "w.yaml:3: warning: W-1: rules[0]: rule SC-10 is disabled in ruleset tma-default: "
        "nothing to waive"
    ]


def test_scopes_are_checked_against_the_inventory(ruleset: Ruleset, midsize: AuditResult) -> None:
    text = (
        "client: Someone Else\n"  # 1
        "waivers:\n"
        "  - id: W-1\n"  # 3
        "    rules: [MS-1]\n"
        "    scope:\n"
        "      hostnames: [LDS-ACCESS01, LDS-NOPE]\n"  # 6
        '      globs: ["ZZZ-*"]\n'  # 7
        "      site: [Leeds HQ, Atlantis]\n"  # 8
        "      items: [No Such Product]\n"  # 9
        "    expires: 2027-01-31\n" + COMPLETE + "  - id: W-2\n"  # 17
        "    rules: [MS-1]\n"  # 18: MS-1 judges servers only
        "    scope: {hostnames: [LDS-PC001]}\n"
        "    expires: 2027-01-31\n" + COMPLETE + "  - id: W-3\n"  # 27
        "    rules: [MS-2]\n"
        "    scope: {hostnames: [LDS-PC001]}\n"  # passes MS-2
        "    expires: 2027-01-31\n" + COMPLETE + "  - id: W-4\n"  # 37
        "    rules: [MS-2]\n"
        "    scope: {hostnames: [GONE-PC]}\n"  # 39
        "    expires: 2027-01-31\n" + COMPLETE
    )
    issues = lint_register(register(text, "w.yaml"), ruleset, AS_OF, midsize)
    assert lines(issues) == [
        "w.yaml:1: error: client: the register is for 'Someone Else', the inventory is of "
        "'Hartwell & Pryce Building Supplies Ltd'",
        "w.yaml:6: error: W-1: scope.hostnames[1]: 'LDS-NOPE': no asset of the inventory has "
        "this host name",
        "w.yaml:7: error: W-1: scope.globs[0]: 'ZZZ-*': matches no host name or item of the "
        "inventory",
        "w.yaml:8: error: W-1: scope.site[1]: 'Atlantis': the inventory has no such site",
        "w.yaml:9: error: W-1: scope.items[0]: 'No Such Product': no item of the inventory has "
        "this name",
        "w.yaml:18: error: W-2: rules: MS-1 judge none of the 1 item(s) in scope",
        "w.yaml:27: warning: W-3: covers no fail or unknown finding on 2026-11-26 (MS-2 pass "
        "for the items in scope): it can be retired",
        "w.yaml:39: error: W-4: scope.hostnames[0]: 'GONE-PC': no asset of the inventory has "
        "this host name",
        "w.yaml:39: error: W-4: scope: the scope matches nothing in the inventory",
    ]


def test_the_example_register_shows_an_expired_an_expiring_and_a_draft_waiver(
    ruleset: Ruleset, midsize: AuditResult
) -> None:
    reg = load_register(MIDSIZE_WAIVERS)
    issues = lint_register(reg, ruleset, AS_OF, midsize)
    text = lines(issues)
    assert [i.waiver_id for i in issues] == ["W-2026-003", "W-2026-004", "W-2026-006"]
    assert "expires on 2026-12-15 (in 19 days" in text[0]
    assert "expired on 2026-10-31" in text[1]
    assert "missing justification, compensating_controls, approved_by, approval_date" in text[2]
    # a year on, everything has expired
    later = lint_register(reg, ruleset, dt.date(2027, 11, 26), midsize)
    assert sum("expired on" in i.message for i in later) == 6
