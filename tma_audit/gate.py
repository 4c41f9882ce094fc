"""The CI gate: which findings make a run fail (`--fail-on`), and the exit code."""

from __future__ import annotations

from dataclasses import dataclass

from tma_audit.errors import ExitCode, InputError
from tma_audit.model import AuditResult, Impact, Outcome, Ruleset
from tma_audit.plan import PRIORITY_BY_LEVEL, analyse


@dataclass(frozen=True, slots=True)
class FailOn:
    """Fail on findings of rules with at least `impact`, of at least `priority` (1 is the
    most urgent: `priority=2` means P1 and P2), or of the listed rules.

    No threshold and no rules means "any finding" (the default).
    """

    impact: Impact | None = None
    rules: frozenset[str] = frozenset()
    priority: int | None = None

    @property
    def any(self) -> bool:
        return self.impact is None and self.priority is None and not self.rules


def parse_fail_on(text: str, ruleset: Ruleset) -> FailOn:
    """`any`, `low|medium|high`, `p1`…`p4`, rule IDs, or a mix: `high,SC-3`, `p2,MS-5`."""
    impact: Impact | None = None
    priority: int | None = None
    rules: set[str] = set()
    known = {rule.id.upper(): rule.id for rule in ruleset.rules}
    priorities = {f"p{level}": level for level in PRIORITY_BY_LEVEL}
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        low = item.lower()
        if low == "any":
            impact = Impact.LOW
            continue
        if low in {i.value for i in Impact}:
            candidate = Impact(low)
            impact = candidate if impact is None or candidate.rank < impact.rank else impact
            continue
        if low in priorities:
            level = priorities[low]
            priority = level if priority is None else max(priority, level)
            continue
        rule_id = known.get(item.upper())
        if rule_id is None:
            raise InputError(
                f"--fail-on: {item!r} is neither any, low, medium, high, p1, p2, p3, p4 nor "
                f"a rule ID of ruleset {ruleset.id}",
                field="--fail-on",
            )
        rules.add(rule_id)
    return FailOn(impact=impact, rules=frozenset(rules), priority=priority)


def gating_findings(result: AuditResult, fail_on: FailOn) -> int:
    """How many un-waived findings (fail or unknown) are at or above the threshold (and,
    with a baseline, not in it)."""
    if result.baseline is not None:
        return _new_gating_findings(result, fail_on, result.baseline)
    impacts = {rule.id: rule.impact for rule in result.ruleset.rules}
    count = 0
    by_rule: set[str] = set()
    for rule_id, counts in result.by_rule.items():
        if (
            fail_on.any
            or rule_id in fail_on.rules
            or (fail_on.impact is not None and impacts[rule_id].rank >= fail_on.impact.rank)
        ):
            count += counts[Outcome.FAIL] + counts[Outcome.UNKNOWN]
            by_rule.add(rule_id)
    if fail_on.priority is not None:
        # a finding's priority depends on its scope too: count those not counted above
        threshold = fail_on.priority
        count += sum(
            1
            for f in analyse(result).findings
            if f.verdict.outcome.is_finding
            and f.rule_id not in by_rule
            and f.triage.priority.level <= threshold
        )
    return count


def _new_gating_findings(result: AuditResult, fail_on: FailOn, baseline: frozenset[str]) -> int:
    """As `gating_findings`, counting only findings whose identity is not in the baseline."""
    from tma_audit.identity import finding_id

    impacts = {rule.id: rule.impact for rule in result.ruleset.rules}
    count = 0
    for f in analyse(result).findings:
        if not f.verdict.outcome.is_finding:
            continue
        gates = (
            fail_on.any
            or f.rule_id in fail_on.rules
            or (fail_on.impact is not None and impacts[f.rule_id].rank >= fail_on.impact.rank)
            or (fail_on.priority is not None and f.triage.priority.level <= fail_on.priority)
        )
        if gates and finding_id(f.rule_id, f.subject, f.verdict) not in baseline:
            count += 1
    return count


def exit_code(result: AuditResult, fail_on: FailOn) -> ExitCode:
    return ExitCode.FINDINGS if gating_findings(result, fail_on) else ExitCode.COMPLIANT
