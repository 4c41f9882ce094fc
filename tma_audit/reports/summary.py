"""Summaries and wording shared by the renderers: counts, labels, compliance verdict."""

from __future__ import annotations

from dataclasses import dataclass

from tma_audit.evidence import evidence_section
from tma_audit.identity import baseline_counts, in_baseline
from tma_audit.model import AuditResult, Finding, Outcome, Subject, SubjectType, Verdict
from tma_audit.plan import Analysis, PlannedFinding


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
    return [
        Finding(rule_id, subject, verdict)
        for subject, rule_ids, verdicts in result.results
        for rule_id, verdict in zip(rule_ids, verdicts, strict=True)
        if verdict.warning and verdict.outcome == Outcome.PASS
    ]


EVIDENCE_HEADING = "Evidence: what the unknown items need"


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One rule's line of the Evidence section, worded for people."""

    rule_id: str
    #: `18 unknown: 17 want antivirus agent and definitions, 1 wants environment products`
    wants: str
    #: the one step that settles most of them
    step: str


_WANT = {True: "wants", False: "want"}


def evidence_rows(result: AuditResult) -> list[EvidenceRow]:
    """The Evidence section: per rule with unknown items, what they want and the step."""
    return [
        EvidenceRow(
            e.rule_id,
            f"{e.unknown} unknown: "
            + ", ".join(f"{w.count} want{'s' if w.count == 1 else ''} {w.label}" for w in e.wants),
            e.step,
        )
        for e in evidence_section(result)
    ]


#: How each outcome is named in reports for people.
OUTCOME_LABEL: dict[Outcome, str] = {
    Outcome.PASS: "PASS",
    Outcome.FAIL: "FAIL",
    Outcome.UNKNOWN: "UNKNOWN",
    Outcome.WAIVED: "WAIVED",
    Outcome.NOT_APPLICABLE: "N/A",
}


def subject_label(subject: Subject) -> str:
    """`HDP-XRAY01 (desktop, Quay Street)`, `client: Harbourside Dental Practice Ltd`."""
    if subject.type == SubjectType.ASSET:
        kind = subject.kind.value if subject.kind else "asset"
        site = f", {subject.site}" if subject.site else ""
        return f"{subject.id} ({kind}{site})"
    return f"{subject.type.value}: {subject.id}"


def location_text(subject: Subject) -> str:
    """`inventories/x/inventory.yaml:41`, or an empty string."""
    return str(subject.location) if subject.location is not None else ""


def evidence_text(verdict: Verdict) -> str:
    """`os: Windows 10 Pro; lifecycle: …` (a waiver's approver and expiry are here too)."""
    return "; ".join(f"{key}: {value}" for key, value in verdict.evidence)


def verdict_line(result: AuditResult) -> str:
    """`NOT COMPLIANT: 3 failed, …` or `COMPLIANT: …`, as the table ends."""
    counts = result.counts()
    fails, unknowns = counts[Outcome.FAIL], counts[Outcome.UNKNOWN]
    if fails or unknowns:
        return (
            f"NOT COMPLIANT: {fails} failed, {unknowns} unknown (need evidence), "
            f"{counts[Outcome.WAIVED]} waived, {counts[Outcome.PASS]} passed"
        )
    return f"COMPLIANT: {counts[Outcome.PASS]} passed, {counts[Outcome.WAIVED]} waived"


def baseline_line(result: AuditResult) -> str:
    """`Baseline: 40 findings known, 3 new (only new findings fail the run)`."""
    known, new = baseline_counts(result)
    return f"Baseline: {known} findings known, {new} new (only new findings fail the run)"


def baselined_text(result: AuditResult, f: PlannedFinding, text: str) -> str:
    """A finding's text, `(baselined) …` when it is in the audit's baseline."""
    if result.baseline is not None and in_baseline(result, f.rule_id, f.subject, f.verdict):
        return f"(baselined) {text}"
    return text


def site_scores_text(analysis: Analysis) -> str:
    """`Leeds HQ 88.6%, York Branch 87.6%`; an inventory without sites has one site of
    the placeholder name `(all sites)`, shown as `all sites 0.0%` (not `((all sites) …)`)."""
    return ", ".join(
        f"{s.scope.removeprefix('(').removesuffix(')')} {s.text}" for s in analysis.site_scores
    )


def score_line(analysis: Analysis) -> str:
    """`Score 95.4% (Quay Street 95.4%)`."""
    sites = site_scores_text(analysis)
    return f"Score {analysis.client_score.text}" + (f" ({sites})" if sites else "")


def plan_line(analysis: Analysis) -> str:
    """`Remediation plan: 3 work items, 8 h; 0 projects, 3 purchases, 0 minor changes`."""
    t = analysis.plan.totals
    if not t.work_items:
        return "Remediation plan: nothing to do"
    evidence = f" ({t.evidence_items} need evidence first)" if t.evidence_items else ""
    return (
        f"Remediation plan: {t.work_items} work items{evidence}, {hours(t.hours)}; "
        f"{t.projects} projects, {t.purchases} client purchases, {t.minor_changes} minor changes"
    )


def hours(value: float) -> str:
    """`1.5 h`, `16 h`, `21500 h`."""
    return f"{value:.2f}".rstrip("0").rstrip(".") + " h"


_ORDERED: list[tuple[Analysis, list[PlannedFinding]]] = []


def ordered_findings(analysis: Analysis) -> list[PlannedFinding]:
    """Most urgent first: by priority (waived last), then ruleset order, then subject.

    The last ordering is kept: the HTML and CSV renderers of one run share it."""
    if _ORDERED and _ORDERED[0][0] is analysis:
        return _ORDERED[0][1]
    rank = {rule.id: i for i, rule in enumerate(analysis.result.ruleset.rules)}
    buckets: dict[int, list[PlannedFinding]] = {}
    waived = Outcome.WAIVED
    for f in analysis.findings:
        level = 9 if f.verdict.outcome is waived else f.triage.priority.level
        buckets.setdefault(level * 100_000 + rank[f.rule_id], []).append(f)
    ordered = [f for key in sorted(buckets) for f in buckets[key]]
    _ORDERED[:] = [(analysis, ordered)]
    return ordered
