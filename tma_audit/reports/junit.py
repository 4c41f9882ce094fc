"""JUnit XML for CI dashboards: one test suite per rule, one test case per subject.

Valid against the JUnit schema CI systems accept (Jenkins xUnit's junit-10.xsd, which
GitLab, Azure DevOps and GitHub test reporters read too): fail and unknown are
`<failure>`s with the reason; waived and not-applicable are `<skipped>` with the reason;
passes are plain test cases (with the look-ahead warning in `<system-out>`, if any).
Each suite carries the client, ruleset, audit date and data dates as properties.
Times are 0 and the only timestamp is the audit date: the output is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from tma_audit.model import AuditResult, Outcome, Rule, SubjectType, Verdict
from tma_audit.plan import URGENCY_BY_SUBJECT, Analysis, Triage, Urgency, analyse
from tma_audit.reports import Memo, RenderOptions, joined_pieces
from tma_audit.reports.summary import evidence_text, hours, location_text, subject_label
from tma_audit.reports.xmlutil import attr, text

_SKIPPED = frozenset({Outcome.WAIVED, Outcome.NOT_APPLICABLE})


def render_junit(result: AuditResult, options: RenderOptions) -> str:
    return "".join(junit_chunks(result, options))


def junit_chunks(result: AuditResult, options: RenderOptions) -> Iterator[str]:
    """The JUnit XML in pieces, to write one after another (never whole in memory)."""
    return joined_pieces(chain(_lines(result, options), ("",)), "\n")


def _lines(result: AuditResult, options: RenderOptions) -> Iterator[str]:
    """The document's lines (a test case with its children is one "line"): suite by
    suite, each walking the results for its rule's test cases."""
    analysis = analyse(result)
    enabled = [rule for rule in result.ruleset.rules if rule.enabled]
    counts = {rule.id: result.by_rule.get(rule.id, dict.fromkeys(Outcome, 0)) for rule in enabled}
    yield '<?xml version="1.0" encoding="UTF-8"?>'
    total = sum(sum(c.values()) for c in counts.values())
    failures = sum(c[Outcome.FAIL] + c[Outcome.UNKNOWN] for c in counts.values())
    yield (
        f'<testsuites name="{attr("tma-audit: " + result.client.name)}" tests="{total}" '
        f'failures="{failures}" errors="0" time="0">'
    )
    properties = _properties(result, analysis, options)
    timestamp = f"{result.as_of.isoformat()}T00:00:00"
    results = result.results
    # each subject's name, once; where a failing subject is defined, once (by position)
    names = [attr(subject_label(subject)) for subject, _, _ in results]
    wheres: Memo[int, str] = Memo()
    # (rule, id(verdict), urgency) -> the test case's children and closing tag, split
    # where the subject's own location goes
    bodies: Memo[tuple[str, int, Urgency], tuple[str, str]] = Memo()
    closings: dict[int, str] = {}  # by id(triage): triages are shared, a few dozen
    passed = Outcome.PASS
    for rule in enabled:
        c = counts[rule.id]
        tests = sum(c.values())
        fails = c[Outcome.FAIL] + c[Outcome.UNKNOWN]
        skipped = c[Outcome.WAIVED] + c[Outcome.NOT_APPLICABLE]
        yield (
            f'  <testsuite name="{attr(f"{rule.id} {rule.title}")}" tests="{tests}" '
            f'failures="{fails}" errors="0" skipped="{skipped}" time="0" '
            f'timestamp="{timestamp}" package="tma-audit">'
        )
        yield properties + _rule_properties(rule)
        rule_id = rule.id
        opening = f'    <testcase classname="{attr(f"tma-audit.{rule_id}")}" name="'
        # a subject's rules are one tuple shared by many subjects: the rule's place in
        # it is looked up once per tuple
        places: dict[int, int] = {}
        for number, (subject, rule_ids, verdicts) in enumerate(results):
            place = places.get(id(rule_ids))
            if place is None:
                place = places[id(rule_ids)] = (
                    rule_ids.index(rule_id) if rule_id in rule_ids else -1
                )
            if place < 0:
                continue
            verdict = verdicts[place]
            if verdict.outcome is passed and not verdict.warning:
                yield f'{opening}{names[number]}" time="0"/>'
                continue
            urgency = URGENCY_BY_SUBJECT[subject.type]
            key = (rule_id, id(verdict), urgency)
            body = bodies.get(key)
            if body is None:
                body = bodies[key] = _body(analysis, rule_id, verdict, subject.type, closings)
            before, after = body
            if after:  # a failure: say where the subject is defined
                where = wheres.get(number)
                if where is None:
                    label = subject_label(subject)
                    location = location_text(subject)
                    where = wheres[number] = text(f"{label} at {location}" if location else label)
                yield f'{opening}{names[number]}" time="0">{before}{where}{after}'
            else:
                yield f'{opening}{names[number]}" time="0">{before}'
        yield "  </testsuite>"
    yield "</testsuites>"


def _body(
    analysis: Analysis,
    rule_id: str,
    verdict: Verdict,
    subject_type: SubjectType,
    closings: dict[int, str],
) -> tuple[str, str]:
    """A test case's children and closing tag, in two parts for a failure: the subject's
    location goes between them. Not a failure: all in the first part. A failure's rule,
    priority and remediation lines depend on its triage only (`closings`, by id)."""
    outcome = verdict.outcome
    evidence = evidence_text(verdict)
    if outcome.is_finding:
        triage = analysis.triage_of(rule_id, subject_type, verdict)
        closing = closings.get(id(triage))
        if closing is None:
            closing = closings[id(triage)] = _closing(analysis.rules[rule_id], triage)
        label = "FAIL" if outcome == Outcome.FAIL else "UNKNOWN (needs evidence)"
        message = verdict.reason if outcome == Outcome.FAIL else f"needs evidence: {verdict.reason}"
        return (
            f'\n      <failure type="{outcome.value}" message="{attr(message)}">'
            f"{text(f'{label}: {verdict.reason}')}\nSubject: ",
            ("\n" + text(f"Evidence: {evidence}") if evidence else "") + closing,
        )
    if outcome in _SKIPPED:
        detail = f">{text(evidence)}</skipped>" if evidence else "/>"
        return (
            f'\n      <skipped type="{outcome.value}" '
            f'message="{attr(f"{outcome.value}: {verdict.reason}")}"{detail}'
            "\n    </testcase>",
            "",
        )
    warning = text(verdict.warning or "")
    return f"\n      <system-out>{warning}</system-out>\n    </testcase>", ""


def _closing(rule: Rule, triage: Triage) -> str:
    """A failure's last lines and closing tags: its rule, priority and remediation."""
    clauses = "; ".join(c.ref for c in rule.clauses)
    lines = [
        f"Rule: {rule.id} {rule.title} ({clauses})",
        f"Priority: {triage.priority.title} (impact {triage.impact.value}, urgency "
        f"{triage.urgency.value}); resolve by {triage.due.isoformat()}",
        f"Remediation ({triage.payer_text}, {hours(triage.effort_hours)}): {rule.remediation.text}",
    ]
    return "".join("\n" + text(line) for line in lines) + "</failure>\n    </testcase>"


def _properties(result: AuditResult, analysis: Analysis, options: RenderOptions) -> str:
    data = result.data
    values = [
        ("client", result.client.name),
        ("ruleset", f"{result.ruleset.id} {result.ruleset.version}"),
        ("audit_date", result.as_of.isoformat()),
        ("data_date", data.date.isoformat()),
        ("updates_date", data.updates_date.isoformat() if data.updates_date else ""),
        ("inventory", ", ".join(result.inventory_sources)),
        ("score", analysis.client_score.text),
        ("tool", f"tma-audit {options.tool_version}".strip()),
    ]
    return "    <properties>\n" + "".join(
        f'      <property name="{name}" value="{attr(value)}"/>\n' for name, value in values
    )


def _rule_properties(rule: Rule) -> str:
    values = [
        ("rule", rule.id),
        ("impact", rule.impact.value),
        ("clauses", "; ".join(c.ref for c in rule.clauses)),
    ]
    lines = [f'      <property name="{name}" value="{attr(value)}"/>\n' for name, value in values]
    return "".join(lines) + "    </properties>"
