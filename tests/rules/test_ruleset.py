"""The default ruleset: clauses quoted from the contract, metadata complete, loads fast."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tma_audit.model import Ruleset
from tma_audit.rules.registry import get_checks

CONTRACT = (
    Path(__file__).resolve().parents[3] / "shared" / "seed" / "technology-management-agreement.txt"
)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not CONTRACT.exists(), reason="the contract is not beside the project")
def test_every_clause_is_quoted_verbatim_from_the_contract(ruleset: Ruleset) -> None:
    contract = _normalise(CONTRACT.read_text(encoding="utf-8"))
    for rule in ruleset.rules:
        for clause in rule.clauses:
            assert _normalise(clause.text) in contract, (rule.id, clause.text)


def test_every_rule_is_complete(ruleset: Ruleset) -> None:
    checks = get_checks()
    for rule in ruleset.rules:
        assert rule.title and rule.clauses and rule.waiver_text, rule.id
        assert rule.check in checks
        assert rule.remediation.text and rule.remediation.effort_hours >= 0
        spec = checks[rule.check]
        assert set(rule.applies_to.subjects) <= spec.subjects
        for name in spec.params:
            assert name in rule.params, (rule.id, name)


def test_ms3_and_sc7_cite_both_clauses(ruleset: Ruleset) -> None:
    for rule_id in ("MS-3", "SC-7"):
        rule = ruleset.rule(rule_id)
        assert rule is not None
        refs = {c.ref for c in rule.clauses}
        assert refs == {"Minimum Standards 3", "Schedule C (Client Responsibilities)"}


# --- every outcome has a reason ---------------------------------------------------------------


def test_every_rule_of_the_default_ruleset_is_pinned() -> None:
    from tma_audit.rules import load_default_ruleset

    ids = {rule.id for rule in load_default_ruleset().rules}
    assert ids == {
        "MS-1",
        "MS-1U",
        "MS-2",
        "MS-2U",
        "MS-3",
        "MS-4",
        "MS-5",
        "MS-6",
        *(f"SC-{n}" for n in range(1, 11)),
    }
