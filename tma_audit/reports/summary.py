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
    zero = dict.fromkeys(Outcome, 0)
    return [
        RuleSummary(rule.id, rule.title, result.by_rule.get(rule.id, zero))
        for rule in result.ruleset.rules
        if rule.enabled
    ]


def warnings_of(result: AuditResult) -> list[Finding]:
    """Passing items with a look-ahead warning (support, licence or warranty ending soon)."""
    return [f for f in result.findings if f.warning and f.outcome == Outcome.PASS]
