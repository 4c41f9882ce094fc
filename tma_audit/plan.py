"""What each finding means for the contract: priority, who pays, the plan, the score.

Everything here is derived from an `AuditResult` and the ruleset it carries; nothing
reads the clock (due dates count from the audit date) and nothing does I/O.

- **Priority (Schedule D).** Urgency comes from the finding's scope, i.e. its subject
  type: one device or piece of software affects one user or a small group (low); a site
  or a line-of-business application affects a department (medium); the client, its
  environment and its company-wide antivirus and backup products affect the whole
  company (high). Impact comes from the rule. The matrix gives the priority:
  ``impact rank + urgency rank`` (low 1, medium 2, high 3) of 6 → P1, 5 → P2, 4 → P3,
  3 or 2 → P4, so high/high is an Emergency and low/low waits for the Next Visit.
  Each priority carries the contract's targets (respond, resolution plan, resolved), in
  hours of the Standard SLA's 8-hour business day.
- **Who pays (Schedules B and C).** The rule's remediation says client purchase,
  project or minor change, with an effort estimate per item. A remediation over 4 hours
  (a Major Change Request) or a major version upgrade (the rule says project) is a
  project; a client purchase that takes over 4 hours is a project that also needs the
  purchase.
- **The remediation plan** groups un-waived findings (fail and unknown) into work items:
  one per priority, rule, site and kind (a fix, or evidence to collect for unknowns),
  due by the priority's resolution target counted in business days from the audit date.
- **The score** is the impact-weighted share of passes (see `score`).
- **Counted once.** A finding that restates findings on other subjects (MS-4 for the
  environment fails while a device is unprotected) is counted by its own evidence
  (`Verdict.own_outcome`): the plan gives it work only for what is wrong with the
  subject itself (the antivirus product), and the score counts that outcome. The
  devices' findings carry the devices' work.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import operator
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from tma_audit.model import (
    AuditResult,
    Impact,
    Outcome,
    Payer,
    Rule,
    Subject,
    SubjectType,
    Verdict,
)

# --- Schedule D -------------------------------------------------------------


class Urgency(StrEnum):
    """Schedule D urgency: how many users a finding affects."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _URGENCY_RANK[self]


_URGENCY_RANK = {Urgency.LOW: 1, Urgency.MEDIUM: 2, Urgency.HIGH: 3}

#: The scope of a finding, by what it is about.
URGENCY_BY_SUBJECT: dict[SubjectType, Urgency] = {
    SubjectType.ASSET: Urgency.LOW,  # one device: one user or a small group
    SubjectType.SOFTWARE: Urgency.LOW,  # software on one device
    SubjectType.SITE: Urgency.MEDIUM,  # an office: a department or large group
    SubjectType.APPLICATION: Urgency.MEDIUM,  # a line-of-business application
    SubjectType.CLIENT: Urgency.HIGH,  # the whole company
    SubjectType.ENVIRONMENT: Urgency.HIGH,
    SubjectType.ANTIVIRUS: Urgency.HIGH,  # company-wide products
    SubjectType.BACKUP: Urgency.HIGH,
}


def restates_only(verdict: Verdict) -> bool:
    """A finding whose own evidence passes: it only restates findings on other subjects
    (MS-4 for the environment while a device is unprotected), which carry the work."""
    return verdict.own_outcome is Outcome.PASS and verdict.outcome.is_finding


def urgency_of(subject_type: SubjectType, verdict: Verdict) -> Urgency:
    """A finding's urgency: its scope. A finding that only restates device findings has
    theirs (one device: low)."""
    if restates_only(verdict):
        return URGENCY_BY_SUBJECT[SubjectType.ASSET]
    return URGENCY_BY_SUBJECT[subject_type]


#: Hours in the Standard SLA's business day ("Standard SLA (8 Hours/Day)").
SLA_HOURS_PER_DAY = 8


@dataclass(frozen=True, slots=True)
class Priority:
    """A Schedule D priority and its target times, in SLA hours."""

    level: int
    name: str
    respond_hours: float
    plan_hours: float
    resolve_hours: float

    @property
    def label(self) -> str:
        """`P2`."""
        return f"P{self.level}"

    @property
    def title(self) -> str:
        """`Priority 2 - Quick`, as the contract names it."""
        return f"Priority {self.level} - {self.name}"

    @property
    def resolve_days(self) -> int:
        """Business days the resolution target spans (8 SLA hours a day)."""
        return max(1, math.ceil(self.resolve_hours / SLA_HOURS_PER_DAY))


PRIORITIES: tuple[Priority, ...] = (
    Priority(1, "Emergency", 0.2, 0.5, 4),
    Priority(2, "Quick", 0.2, 1, 8),
    Priority(3, "Normal", 0.2, 2, 24),
    Priority(4, "Next Visit", 0.2, 4, 173),
)
PRIORITY_BY_LEVEL: dict[int, Priority] = {p.level: p for p in PRIORITIES}


def priority_for(impact: Impact, urgency: Urgency) -> Priority:
    """The Schedule D matrix: impact and urgency → priority 1 (Emergency) … 4."""
    total = impact.rank + urgency.rank
    level = {6: 1, 5: 2, 4: 3}.get(total, 4)
    return PRIORITY_BY_LEVEL[level]


def add_business_days(day: dt.date, days: int) -> dt.date:
    """`day` moved forward by `days` Monday-to-Friday days (public holidays ignored)."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    weeks, rest = divmod(days, 5)
    day += dt.timedelta(weeks=weeks)
    while rest:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            rest -= 1
    return day


def due_date(as_of: dt.date, priority: Priority) -> dt.date:
    """The last business day of the resolution target, the SLA clock starting on the
    audit date (or the next business day): P1 and P2 on that day, P3 two business days
    later (24 h = 3 business days), P4 21 business days later (173 h ≈ a month)."""
    return add_business_days(as_of, priority.resolve_days - 1)


# --- Schedules B and C -------------------------------------------------------

#: Schedule B/C: a change taking longer than this at one time is a project.
PROJECT_THRESHOLD_HOURS = 4.0


def payer_of(rule: Rule) -> Payer:
    """Who pays for the rule's remediation, per item."""
    remediation = rule.remediation
    if remediation.payer == Payer.PROJECT or remediation.effort_hours > PROJECT_THRESHOLD_HOURS:
        return Payer.PROJECT
    return remediation.payer


def needs_purchase(rule: Rule) -> bool:
    """Whether the remediation needs the client to buy something (licence, hardware …)."""
    return rule.remediation.payer == Payer.CLIENT_PURCHASE


@dataclass(frozen=True, slots=True)
class Triage:
    """What a finding of one rule at one scope means: shared by all such findings."""

    rule_id: str
    impact: Impact
    urgency: Urgency
    priority: Priority
    payer: Payer
    purchase: bool
    effort_hours: float
    due: dt.date
    #: the findings only restate others (see `restates_only`): no effort of their own
    restates: bool = False

    @property
    def payer_text(self) -> str:
        """`project + client purchase`, `minor-change` …"""
        if self.purchase and self.payer != Payer.CLIENT_PURCHASE:
            return f"{self.payer.value} + {Payer.CLIENT_PURCHASE.value}"
        return self.payer.value


class PlannedFinding(NamedTuple):
    """A fail, unknown or waived outcome with its triage."""

    rule_id: str
    subject: Subject
    verdict: Verdict
    triage: Triage

    @property
    def outcome(self) -> Outcome:
        return self.verdict.outcome


# --- score -------------------------------------------------------------------

#: Weight of an outcome in the score, by the rule's impact.
IMPACT_WEIGHT: dict[Impact, int] = {Impact.LOW: 1, Impact.MEDIUM: 2, Impact.HIGH: 3}


@dataclass(frozen=True, slots=True)
class Score:
    """A compliance score: 100 × Σ weight(pass) / Σ weight(pass, fail, unknown, waived).

    The weight is the rule's impact (low 1, medium 2, high 3). Unknowns count as not
    passing (evidence is missing, never a pass); waived items too (a waiver accepts a
    risk, it does not meet the requirement); not-applicable outcomes do not count. A
    finding that restates others counts by its own outcome (`counted_outcome`).
    No counted outcome at all gives no score (None).
    """

    scope: str
    passed: int
    total: int
    counts: dict[Outcome, int]

    @property
    def value(self) -> float | None:
        if not self.total:
            return None
        return round(100 * self.passed / self.total, 1)

    @property
    def text(self) -> str:
        value = self.value
        return "n/a" if value is None else f"{value:.1f}%"


def counted_outcome(verdict: Verdict) -> Outcome:
    """The outcome the plan and the score count: the subject's own (see `own_outcome`)."""
    own = verdict.own_outcome
    return verdict.outcome if own is None else own


# --- plan --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkItem:
    """Findings of one rule, priority, site and kind, fixed together."""

    number: int
    rule: Rule
    site: str | None
    evidence_needed: bool
    triage: Triage
    findings: tuple[PlannedFinding, ...]

    @property
    def id(self) -> str:
        return f"W-{self.number:03d}"

    @property
    def effort_hours(self) -> float:
        return self.triage.effort_hours * len(self.findings)

    @property
    def subjects(self) -> tuple[str, ...]:
        return tuple(f.subject.id for f in self.findings)

    @property
    def action(self) -> str:
        if self.evidence_needed:
            return (
                "Collect the missing evidence (or fix it if it fails): "
                + self.rule.remediation.text
            )
        return self.rule.remediation.text

    @property
    def headline(self) -> str:
        """`MS-3 12 items, Leeds HQ: Server and desktop software is genuine, …`."""
        prefix = "Evidence needed: " if self.evidence_needed else ""
        count = len(self.findings)
        what = self.findings[0].subject.id if count == 1 else f"{count} items"
        where = f", {self.site}" if self.site and self.site != what else ""
        return f"{prefix}{self.rule.id} {what}{where}: {self.rule.title}"

    @property
    def summary(self) -> str:
        """The headline for a ticket: at most 100 characters."""
        return _clip(self.headline, 100)


@dataclass(frozen=True, slots=True)
class PlanTotals:
    work_items: int = 0
    findings: int = 0
    hours: float = 0.0
    projects: int = 0
    purchases: int = 0
    minor_changes: int = 0
    evidence_items: int = 0


@dataclass(frozen=True, slots=True)
class Plan:
    client: str
    as_of: dt.date
    items: tuple[WorkItem, ...]
    totals: PlanTotals


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


# --- analysis ----------------------------------------------------------------

_FINDING_OUTCOMES = frozenset({Outcome.FAIL, Outcome.UNKNOWN, Outcome.WAIVED})


class Triager:
    """Triage per (rule, urgency), made once and shared."""

    def __init__(self, result: AuditResult) -> None:
        self.as_of = result.as_of
        self.rules = {rule.id: rule for rule in result.ruleset.rules}
        self.cache: dict[tuple[str, Urgency, bool], Triage] = {}

    def __call__(self, rule_id: str, urgency: Urgency, restates: bool = False) -> Triage:
        key = (rule_id, urgency, restates)
        triage = self.cache.get(key)
        if triage is None:
            rule = self.rules[rule_id]
            priority = priority_for(rule.impact, urgency)
            triage = self.cache[key] = Triage(
                rule_id=rule_id,
                impact=rule.impact,
                urgency=urgency,
                priority=priority,
                payer=payer_of(rule),
                purchase=needs_purchase(rule),
                effort_hours=0.0 if restates else float(rule.remediation.effort_hours),
                due=due_date(self.as_of, priority),
                restates=restates,
            )
        return triage


@dataclass(slots=True)
class _Tally:
    passed: int = 0
    total: int = 0
    seen: bool = False
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))

    def add(self, outcome: Outcome, weight: int, count: int, scored: Outcome) -> None:
        """`count` outcomes; the score counts them as `scored` (see `counted_outcome`)."""
        self.seen = True
        self.counts[outcome] += count
        if scored is not Outcome.NOT_APPLICABLE:
            self.total += weight * count
            if scored is Outcome.PASS:
                self.passed += weight * count

    def score(self, scope: str) -> Score:
        return Score(scope, self.passed, self.total, dict(self.counts))


#: verdicts of a column looked at to tell shared verdicts from nearly distinct ones
_SAMPLE = 256


class Analysis:
    """Everything the renderers need beyond the raw result.

    Scores, findings per priority and the plan's totals come from counting each
    (rule, outcome) per site and subject type (subjects with equal evidence share
    Verdict objects, and a Verdict hashes by identity, so the counting runs in C), then
    working on those few dozen counts: the JSON report needs no more. The list of
    findings and the plan's work items are built on first use.
    """

    def __init__(self, result: AuditResult) -> None:
        self.result = result
        triager = Triager(result)
        self.rules: dict[str, Rule] = triager.rules
        #: per (rule, urgency, restates only?): the shared triage
        self.triage: dict[tuple[str, Urgency, bool], Triage] = triager.cache
        weights = {rule_id: IMPACT_WEIGHT[rule.impact] for rule_id, rule in self.rules.items()}
        # How often each (rule, outcome) occurs per site and subject type. Subjects of
        # one place and kind share their rule list, so each rule's column of verdicts
        # is counted in C (a Verdict hashes by identity), then folded by outcome.
        groups: dict[tuple[str | None, SubjectType, int], list[tuple[Verdict, ...]]] = {}
        rule_lists: dict[int, tuple[str, ...]] = {}
        for subject, rule_ids, verdicts in result.results:
            key = (subject.site, subject.type, id(rule_ids))
            group = groups.get(key)
            if group is None:
                groups[key] = [verdicts]
                rule_lists[id(rule_ids)] = rule_ids
            else:
                group.append(verdicts)
        # (rule, outcome, the outcome the plan and score count, urgency) -> how often
        per_place: dict[
            tuple[str | None, SubjectType], dict[tuple[str, Outcome, Outcome, Urgency], int]
        ] = {}
        # what counting needs of a verdict is its outcome and own outcome (urgency and
        # the counted outcome follow from them). Shared verdicts (an AD export: a few per
        # rule) are counted by identity, then folded; nearly distinct ones (a realistic
        # spread of evidence) as (outcome, own outcome) pairs, in C either way. Which,
        # is told by a sample of the column.
        outcomes = operator.attrgetter("outcome", "own_outcome")
        for (site_name, subject_type, rules_id), rows in groups.items():
            counted = per_place.setdefault((site_name, subject_type), {})
            for position, rule_id in enumerate(rule_lists[rules_id]):
                take = operator.itemgetter(position)
                sample = rows[:_SAMPLE]
                if len(set(map(take, sample))) * 4 <= len(sample):  # by identity
                    pairs: Counter[tuple[Outcome, Outcome | None]] = Counter()
                    for verdict, n in Counter(map(take, rows)).items():
                        pairs[verdict.outcome, verdict.own_outcome] += n
                else:
                    pairs = Counter(map(outcomes, map(take, rows)))
                for (outcome, own), n in pairs.items():
                    shape = Verdict(outcome, "", own_outcome=own)
                    urgency = urgency_of(subject_type, shape)
                    four = (rule_id, outcome, counted_outcome(shape), urgency)
                    counted[four] = counted.get(four, 0) + n
        client = _Tally()
        sites: dict[str, _Tally] = {s.name: _Tally() for s in result.client.sites}
        # (triage, evidence needed?, site) -> un-waived findings: one work item each
        per_item: dict[tuple[Triage, bool, str | None], int] = {}
        #: un-waived findings (fail + unknown) per priority level, 1 … 4
        self.by_priority = dict.fromkeys(PRIORITY_BY_LEVEL, 0)
        for site_name, counted in ((k[0], v) for k, v in per_place.items()):
            site = None
            if site_name is not None:
                site = sites.get(site_name)
                if site is None:
                    site = sites[site_name] = _Tally()
            for (rule_id, outcome, scored, urgency), count in counted.items():
                weight = weights[rule_id]
                client.add(outcome, weight, count, scored)
                if site is not None:
                    site.add(outcome, weight, count, scored)
                if outcome.is_finding:
                    triage = triager(rule_id, urgency, not scored.is_finding)
                    self.by_priority[triage.priority.level] += count
                    if scored.is_finding:
                        item = (triage, scored is Outcome.UNKNOWN, site_name)
                        per_item[item] = per_item.get(item, 0) + count
        self.client_score = client.score(result.client.name)
        self.site_scores = tuple(t.score(name) for name, t in sites.items() if t.seen)
        # a work item is one (triage, evidence needed?) group at one site
        self.plan_totals = plan_totals(
            (triage, unknown, n) for (triage, unknown, _), n in per_item.items()
        )

    @functools.cached_property
    def findings(self) -> tuple[PlannedFinding, ...]:
        """Fail, unknown and waived outcomes, in the order of `result.results`."""
        triager = Triager(self.result)
        triager.cache = self.triage
        found: list[PlannedFinding] = []
        append = found.append
        wanted = _FINDING_OUTCOMES
        for subject, rule_ids, verdicts in self.result.results:
            urgency = URGENCY_BY_SUBJECT[subject.type]
            for rule_id, verdict in zip(rule_ids, verdicts, strict=True):
                if verdict.outcome in wanted:
                    if verdict.own_outcome is None:
                        triage = triager(rule_id, urgency)
                    else:
                        triage = triager(
                            rule_id, urgency_of(subject.type, verdict), restates_only(verdict)
                        )
                    append(PlannedFinding(rule_id, subject, verdict, triage))
        return tuple(found)

    @functools.cached_property
    def plan(self) -> Plan:
        """The remediation plan: its work items (its totals are `plan_totals`)."""
        return build_plan(self.result, self.findings, self.rules, self.plan_totals)

    def triage_of(self, rule_id: str, subject_type: SubjectType, verdict: Verdict) -> Triage:
        """The triage of a finding (fail or unknown) of a rule on a subject."""
        key = (rule_id, urgency_of(subject_type, verdict), restates_only(verdict))
        return self.triage[key]


_LAST: list[tuple[AuditResult, Analysis]] = []


def analyse(result: AuditResult) -> Analysis:
    """The analysis of a result (the last one is kept: renderers of one run share it)."""
    if _LAST and _LAST[0][0] is result:
        return _LAST[0][1]
    analysis = Analysis(result)
    _LAST[:] = [(result, analysis)]
    return analysis


def build_plan(
    result: AuditResult,
    findings: Iterable[PlannedFinding],
    rules: dict[str, Rule],
    totals: PlanTotals | None = None,
) -> Plan:
    """Group un-waived findings into work items, most urgent first."""
    order = {rule.id: i for i, rule in enumerate(result.ruleset.rules)}
    waived, unknown = Outcome.WAIVED, Outcome.UNKNOWN
    # grouped by (triage, unknown?, site): a triage is one rule at one priority
    groups: dict[tuple[int, bool, str | None], list[PlannedFinding]] = {}
    for f in findings:
        outcome = counted_outcome(f.verdict)
        if outcome is waived or not outcome.is_finding:
            continue  # waived, or restating findings that carry the work (counted once)
        key = (id(f.triage), outcome is unknown, f.subject.site)
        group = groups.get(key)
        if group is None:
            groups[key] = [f]
        else:
            group.append(f)

    def rank(key: tuple[int, bool, str | None]) -> tuple[int, int, bool, str, str]:
        triage = groups[key][0].triage
        site = key[2] or ""
        return (triage.priority.level, order[triage.rule_id], key[1], site.casefold(), site)

    items: list[WorkItem] = []
    for number, key in enumerate(sorted(groups, key=rank), start=1):
        group = groups[key]
        first = group[0]
        items.append(
            WorkItem(
                number=number,
                rule=rules[first.rule_id],
                site=key[2] or None,
                evidence_needed=key[1],
                triage=first.triage,
                findings=tuple(group),
            )
        )
    if totals is None:
        totals = plan_totals(
            (item.triage, item.evidence_needed, len(item.findings)) for item in items
        )
    return Plan(result.client.name, result.as_of, tuple(items), totals)


def plan_totals(items: Iterable[tuple[Triage, bool, int]]) -> PlanTotals:
    """Totals of work items given as (triage, evidence needed?, number of findings)."""
    work_items = findings = projects = purchases = minor = evidence = 0
    hours = 0.0
    for triage, evidence_needed, count in items:
        work_items += 1
        findings += count
        hours += triage.effort_hours * count
        projects += triage.payer == Payer.PROJECT
        purchases += triage.purchase
        minor += triage.payer == Payer.MINOR_CHANGE
        evidence += evidence_needed
    return PlanTotals(
        work_items=work_items,
        findings=findings,
        hours=round(hours, 2),
        projects=projects,
        purchases=purchases,
        minor_changes=minor,
        evidence_items=evidence,
    )
