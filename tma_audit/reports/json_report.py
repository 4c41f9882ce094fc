"""The JSON report: versioned, documented in docs/json-report.md, stable ordering.

Top-level keys are indented for reading; each result is one line, so diffs of a saved
report show one changed line per changed outcome and 200,000 results render quickly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from itertools import chain
from json.encoder import encode_basestring_ascii as _string
from typing import Any

from tma_audit import reports
from tma_audit.evidence import evidence_section
from tma_audit.identity import (
    BASELINE_TRACKED,
    baseline_counts,
    fact_text,
    id_of,
    subject_text,
)
from tma_audit.model import (
    AssetKind,
    AuditResult,
    Outcome,
    Rule,
    Subject,
    SubjectResult,
    SubjectType,
    Verdict,
)
from tma_audit.plan import PRIORITIES, Urgency, analyse, due_date, priority_for, urgency_of
from tma_audit.reports import Memo, RenderOptions, joined_pieces
from tma_audit.reports.summary import rule_summaries

FORMAT_NAME = "tma-audit-report"
FORMAT_VERSION = "1.3"


def render_json(result: AuditResult, options: RenderOptions) -> str:
    return "".join(json_chunks(result, options))


#: the outcomes that are findings (`Outcome.is_finding`, as a set)
_FINDING = frozenset(outcome for outcome in Outcome if outcome.is_finding)


def json_chunks(result: AuditResult, options: RenderOptions) -> Iterator[str]:
    """The JSON report in pieces, to write one after another.

    200,000 assets make a report of a quarter of a gigabyte: written chunk by chunk it
    is never whole in memory (nor is the list of its lines).
    """
    header = report_header(result, options)
    head = json.dumps(header, indent=2, sort_keys=True)
    rules = {rule.id: rule for rule in result.ruleset.rules}
    lines = _result_lines(result.results, rules, result.baseline)
    # The header's keys are sorted; "results" comes last so the header reads first.
    first = next(lines, None)
    if first is None:
        yield head[:-2] + ',\n  "results": []\n}\n'
        return
    yield head[:-2] + ',\n  "results": [\n    '
    yield from joined_pieces(chain((first,), lines), ",\n    ")
    yield "\n  ]\n}\n"


def _result_lines(
    results: tuple[SubjectResult, ...],
    rules: dict[str, Rule],
    baseline: frozenset[str] | None = None,
) -> Iterator[str]:
    """One line per subject: `{"outcomes": [...], "subject": {...}}`, keys sorted.

    With a baseline, each fail, unknown and waived outcome starts with `"baselined":
    true|false` (its finding identity is, or is not, in the baseline).

    Subjects with equal evidence share a Verdict, and a Verdict belongs to one rule and
    one subject type (see SubjectResult), so each verdict is encoded once: a 35,000-asset
    audit has ~180,000 outcomes but a few thousand verdicts.
    """
    encode = json.JSONEncoder(sort_keys=True).encode
    # per subject type: verdict -> the outcome's JSON (its priority depends on the rule
    # and on the subject type); a Verdict hashes by identity
    # (plain dicts, bounded by hand below: a Memo's own __setitem__ costs ~10 % here)
    fragments: dict[SubjectType, dict[Verdict, str]] = {t: {} for t in SubjectType}
    # per (file, kind, site, type): the subject's JSON around its id and line
    shapes: dict[tuple[str | None, AssetKind | None, str | None, SubjectType], _Shape] = {}
    # id(evidence tuple) -> (the tuple, its JSON): verdicts share evidence tuples (MS-3's
    # per OS whatever the licence flags; SC-7's copies of MS-3's), encoded once
    evidence_seen: Memo[int, tuple[object, str]] = Memo()
    levels: dict[tuple[str, Urgency], int] = {}  # a finding's priority, per rule and urgency
    for subject, rule_ids, verdicts in results:
        known = fragments[subject.type]
        parts = list(map(known.get, verdicts))
        if None in parts:
            for i, (rule_id, verdict) in enumerate(zip(rule_ids, verdicts, strict=True)):
                if parts[i] is None:
                    level = None
                    if verdict.outcome in _FINDING:
                        urgency = urgency_of(subject.type, verdict)
                        level = levels.get((rule_id, urgency))
                        if level is None:
                            level = priority_for(rules[rule_id].impact, urgency).level
                            levels[(rule_id, urgency)] = level
                    parts[i] = known[verdict] = _outcome_json(
                        rule_id, verdict, encode, level, evidence_seen
                    )
            if len(known) > reports.MEMO_ENTRIES:  # as a Memo does: see reports.Memo
                known.clear()
        if baseline is not None:
            parts = _mark_baselined(subject, rule_ids, verdicts, parts, baseline)
        type_, id_, site, kind, loc = subject
        file = loc.file if loc is not None else None
        shape = shapes.get((file, kind, site, type_))
        if shape is None:
            shape = shapes[(file, kind, site, type_)] = _shape(file, kind, site, type_)
        head, middle, tail = shape
        line = f', "line": {loc.line}' if loc is not None else ""
        outcomes = ", ".join(parts)  # type: ignore[arg-type]  # no None is left
        yield f'{{"outcomes": [{outcomes}], "subject": {head}{_string(id_)}{middle}{line}{tail}}}'


def _mark_baselined(
    subject: Subject,
    rule_ids: tuple[str, ...],
    verdicts: tuple[Verdict, ...],
    parts: list[str | None],
    baseline: frozenset[str],
) -> list[str | None]:
    """The outcomes' JSON with `"baselined"` (the first key in sorted order) on each
    tracked outcome."""
    subject_part = subject_text(subject)
    marked: list[str | None] = []
    for rule_id, verdict, part in zip(rule_ids, verdicts, parts, strict=True):
        if verdict.outcome in BASELINE_TRACKED:
            known = id_of(rule_id, subject_part, fact_text(verdict)) in baseline
            marked.append(f'{{"baselined": {"true" if known else "false"}, {str(part)[1:]}')
        else:
            marked.append(part)
    return marked


#: a subject's JSON object around its id and line: (head, middle, tail)
_Shape = tuple[str, str, str]


def _shape(
    file: str | None, kind: AssetKind | None, site: str | None, subject_type: SubjectType
) -> _Shape:
    """The subject object's keys in sorted order: file, id, kind, line, site, type."""
    head = f'{{"file": {_string(file)}, "id": ' if file is not None else '{"id": '
    middle = f', "kind": "{kind.value}"' if kind is not None else ""
    site_text = f', "site": {_string(site)}' if site is not None else ""
    return head, middle, f'{site_text}, "type": "{subject_type.value}"}}'


def _baseline_summary(result: AuditResult) -> dict[str, Any]:
    """`"baseline": {"findings": N, "new": M}` when the audit had a baseline: its un-waived
    findings that were in the baseline, and those that were not (they fail the run)."""
    if result.baseline is None:
        return {}
    counts = baseline_counts(result)
    return {"baseline": {"findings": counts[0], "new": counts[1]}}


def _outcome_json(
    rule_id: str,
    v: Verdict,
    encode: Callable[[object], str],
    priority: int | None,
    evidence_seen: dict[int, tuple[object, str]] | None = None,
) -> str:
    evidence = ""
    if v.evidence:
        seen = evidence_seen.get(id(v.evidence)) if evidence_seen is not None else None
        if seen is None:
            seen = (v.evidence, _evidence_json(v.evidence, encode))  # kept: its id stays
            if evidence_seen is not None:
                evidence_seen[id(v.evidence)] = seen
        evidence = f'"evidence": {seen[1]}, '
    warning = f', "warning": {_string(v.warning)}' if v.warning else ""
    level = f'"priority": {priority}, ' if priority is not None else ""
    own = f'"own_outcome": "{v.own_outcome.value}", ' if v.own_outcome is not None else ""
    return (
        f'{{{evidence}"outcome": "{v.outcome.value}", {own}{level}'
        f'"reason": {_string(v.reason)}, "rule": {_string(rule_id)}{warning}}}'
    )


def _evidence_json(evidence: tuple[tuple[str, str], ...], encode: Callable[[object], str]) -> str:
    """`encode(dict(evidence))` with sorted keys, built from the C escaper when every key
    and value is a string (they are; anything else goes to the encoder)."""
    items = dict(evidence)
    if not all(isinstance(k, str) and isinstance(x, str) for k, x in items.items()):
        return encode(items)
    return "{" + ", ".join(f"{_string(k)}: {_string(x)}" for k, x in sorted(items.items())) + "}"


def report_header(result: AuditResult, options: RenderOptions) -> dict[str, Any]:
    counts = result.counts()
    ruleset = result.ruleset
    data = result.data
    analysis = analyse(result)
    totals = analysis.plan_totals
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "tool": {"name": "tma-audit", "version": options.tool_version},
        "audit_date": result.as_of.isoformat(),
        "client": {
            "name": result.client.name,
            "contact": result.client.contact,
            "sites": [{"name": s.name, "internet": s.internet} for s in result.client.sites],
        },
        "inventory": list(result.inventory_sources),
        "ruleset": {
            "id": ruleset.id,
            "version": ruleset.version,
            "title": ruleset.title,
            "parameters": ruleset.parameters,
        },
        "data": {
            "date": data.date.isoformat(),
            "updates_date": data.updates_date.isoformat() if data.updates_date else None,
            "origin": data.origin,
            "sources": [{"source": s, "date": d} for s, d in data.sources],
        },
        "summary": {
            "outcomes": {o.value: counts[o] for o in Outcome},
            "findings": counts[Outcome.FAIL] + counts[Outcome.UNKNOWN],
            "by_rule": {
                s.rule_id: {o.value: s.counts[o] for o in Outcome} for s in rule_summaries(result)
            },
            "by_priority": {str(level): n for level, n in analysis.by_priority.items()},
            "score": {
                "client": analysis.client_score.value,
                "sites": [{"name": s.scope, "score": s.value} for s in analysis.site_scores],
            },
            "plan": {
                "work_items": totals.work_items,
                "findings": totals.findings,
                "hours": totals.hours,
                "projects": totals.projects,
                "purchases": totals.purchases,
                "minor_changes": totals.minor_changes,
                "evidence_items": totals.evidence_items,
            },
        },
        "priorities": [
            {
                "level": p.level,
                "name": p.name,
                "respond_hours": p.respond_hours,
                "plan_hours": p.plan_hours,
                "resolve_hours": p.resolve_hours,
                "due": due_date(result.as_of, p).isoformat(),
            }
            for p in PRIORITIES
        ],
        "notes": list(result.notes),
        **_baseline_summary(result),
        "evidence": [
            {
                "rule": e.rule_id,
                "unknown": e.unknown,
                "step": e.step,
                "wants": [
                    {"fact": w.fact, "label": w.label, "count": w.count, "step": w.step}
                    for w in e.wants
                ],
            }
            for e in evidence_section(result)
        ],
        "rules": [
            {
                "id": rule.id,
                "title": rule.title,
                "enabled": rule.enabled,
                "clauses": [{"ref": c.ref, "text": c.text} for c in rule.clauses],
                "check": rule.check,
                "params": rule.params,
                "impact": rule.impact.value,
                "remediation": {
                    "text": rule.remediation.text,
                    "payer": rule.remediation.payer.value,
                    "effort_hours": rule.remediation.effort_hours,
                },
                "waiver": rule.waiver_text,
            }
            for rule in ruleset.rules
        ],
    }
