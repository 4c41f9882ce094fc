"""Summaries shared by the renderers: counts per rule and outcome, compliance verdict."""

from __future__ import annotations

from dataclasses import dataclass

from tma_audit.model import AuditResult, Finding, Outcome


@dataclass(frozen=True, slots=True)
class RuleSummary:
    rule_id: str
    title: str
    counts: dict[Outcome, int]


def rule_summaries(result: AuditResult) -> list[RuleSummary]:
    per_rule: dict[str, dict[Outcome, int]] = {
        rule.id: dict.fromkeys(Outcome, 0) for rule in result.ruleset.rules if rule.enabled
    }
    for finding in result.findings:
        per_rule[finding.rule_id][finding.outcome] += 1
    return [
        RuleSummary(rule.id, rule.title, per_rule[rule.id])
        for rule in result.ruleset.rules
        if rule.enabled
    ]


def warnings_of(result: AuditResult) -> list[Finding]:
    """Passing items with a look-ahead warning (support, licence or warranty ending soon)."""
    return [f for f in result.findings if f.warning and f.outcome == Outcome.PASS]
