"""Markdown for a pull-request comment: summary table, findings by priority, the plan.

GitHub holds at most 65,536 characters in a comment: the comment stays under
`LIMIT` (65,000) and, when the findings do not fit, ends with a note saying how many are
left out and where to find them. Details sit in collapsible `<details>` blocks. Every
value from the inventory is escaped: Markdown and HTML syntax, table pipes, @mentions
and #references become character references, so a host name cannot format, link or
notify anything.
"""

from __future__ import annotations

from collections import defaultdict

from tma_audit.model import OUTCOME_ORDER, AuditResult, Outcome
from tma_audit.plan import PRIORITIES, Analysis, PlannedFinding, analyse, due_date
from tma_audit.reports import RenderOptions
from tma_audit.reports.summary import (
    EVIDENCE_HEADING,
    OUTCOME_LABEL,
    baseline_line,
    baselined_text,
    evidence_rows,
    evidence_text,
    hours,
    location_text,
    rule_summaries,
    site_scores_text,
    verdict_line,
    warnings_of,
)

LIMIT = 65_000
_NOTE_RESERVE = 600
_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "|": "&#124;",
        "\\": "&#92;",
        "`": "&#96;",
        "*": "&#42;",
        "_": "&#95;",
        "[": "&#91;",
        "]": "&#93;",
        "~": "&#126;",
        "@": "&#64;",
        "#": "&#35;",
        "!": "&#33;",
        "\n": " ",
        "\r": " ",
        "\t": " ",
    }
)
_SHORT = {
    Outcome.FAIL: "fail",
    Outcome.UNKNOWN: "unknown",
    Outcome.WAIVED: "waived",
    Outcome.PASS: "pass",
    Outcome.NOT_APPLICABLE: "n/a",
}


def md(value: str) -> str:
    """Inline text safe in Markdown, in a table cell and in HTML (`<summary>`)."""
    return value.translate(_ESCAPES)


class _Budget:
    """Collects lines while they fit under the limit (minus room for closing text)."""

    def __init__(self, limit: int) -> None:
        self.lines: list[str] = []
        self.size = 0
        self.limit = limit
        self.full = False

    def fits(self, text: str, closing: int = 0) -> bool:
        return not self.full and self.size + len(text) + 1 + closing <= self.limit

    def add(self, text: str) -> None:
        self.lines.append(text)
        self.size += len(text) + 1

    def try_add(self, text: str, closing: int = 0) -> bool:
        if self.fits(text, closing):
            self.add(text)
            return True
        self.full = True
        return False


def render_markdown(result: AuditResult, options: RenderOptions, limit: int = LIMIT) -> str:
    analysis = analyse(result)
    out = _Budget(limit - _NOTE_RESERVE)
    for line in _header(analysis, options):
        out.add(line)
    _evidence(out, result)
    shown = _findings(out, analysis)
    if not out.full:
        _waived(out, analysis)
    if not out.full:
        _plan(out, analysis)
    if not out.full:
        _coming_up(out, result)
    total = sum(1 for f in analysis.findings if f.outcome.is_finding)
    footer = []
    if shown < total:
        footer += [
            "",
            f"> **Truncated:** this comment shows {shown} of {total} findings (a comment "
            "holds 65,536 characters). The HTML, JSON, SARIF and CSV reports list them all.",
        ]
    elif out.full:
        footer += ["", "> **Truncated:** some sections did not fit; see the HTML report."]
    tool = f"tma-audit {options.tool_version}".strip()
    footer += ["", f"<sub>{md(tool)} · ruleset {md(result.ruleset.id)}</sub>"]
    return "\n".join(out.lines + footer) + "\n"


def _header(analysis: Analysis, options: RenderOptions) -> list[str]:
    result = analysis.result
    data = result.data
    counts = result.counts()
    compliant = not (counts[Outcome.FAIL] or counts[Outcome.UNKNOWN])
    status = "COMPLIANT" if compliant else "NOT COMPLIANT"
    updates = f", Windows updates to {data.updates_date.isoformat()}" if data.updates_date else ""
    inventory = ", ".join(result.inventory_sources)
    lines = [
        f"## tma-audit: {md(result.client.name)}: {status}",
        "",
        f"Audit date **{result.as_of.isoformat()}** · ruleset {md(result.ruleset.id)} "
        f"{md(result.ruleset.version)} · lifecycle data {data.date.isoformat()} "
        f"({md(data.origin)}){updates}" + (f" · inventory {md(inventory)}" if inventory else ""),
    ]
    lines += [f"> Note: {md(note)}" for note in result.notes]
    sites = md(site_scores_text(analysis))
    totals = analysis.plan.totals
    lines += [
        "",
        f"**Score {analysis.client_score.text}**"
        + (f" ({sites})" if sites else "")
        + f" · {md(verdict_line(result))}",
        *(["", md(baseline_line(result))] if result.baseline is not None else []),
        "",
        f"**Remediation plan:** {totals.work_items} work items, {hours(totals.hours)}: "
        f"{totals.projects} projects, {totals.purchases} client purchases, "
        f"{totals.minor_changes} minor changes"
        + (f"; {totals.evidence_items} need evidence first" if totals.evidence_items else ""),
        "",
        "| Priority (Schedule D) | Findings | Respond within | Plan within | Resolve by |",
        "|---|--:|--:|--:|---|",
    ]
    for p in PRIORITIES:
        lines.append(
            f"| {p.title} | {analysis.by_priority[p.level]} | {hours(p.respond_hours)} | "
            f"{hours(p.plan_hours)} | {due_date(result.as_of, p).isoformat()} "
            f"({hours(p.resolve_hours)}) |"
        )
    lines += [
        "",
        "| Rule | Title | " + " | ".join(_SHORT[o] for o in OUTCOME_ORDER) + " |",
        "|---|---|" + "--:|" * len(OUTCOME_ORDER),
    ]
    for summary in rule_summaries(result):
        cells = " | ".join(
            (f"**{n}**" if o.is_finding and n else str(n) if n else "·")
            for o in OUTCOME_ORDER
            for n in (summary.counts[o],)
        )
        lines.append(f"| {md(summary.rule_id)} | {md(summary.title)} | {cells} |")
    return lines


def _findings(out: _Budget, analysis: Analysis) -> int:
    """Un-waived findings by priority, then rule; returns how many were shown."""
    groups: dict[int, dict[str, list[PlannedFinding]]] = defaultdict(lambda: defaultdict(list))
    for f in analysis.findings:
        if f.outcome.is_finding:
            groups[f.triage.priority.level][f.rule_id].append(f)
    shown = 0
    if not groups:
        out.try_add("\nNo findings: every requirement that applies is met or waived.")
        return 0
    out.try_add("\n### Findings by priority")
    closing = len("\n</details>\n")
    for p in PRIORITIES:
        by_rule = groups.get(p.level)
        if not by_rule:
            continue
        count = sum(len(v) for v in by_rule.values())
        if not out.try_add(f"\n#### {p.title} ({count})", closing + 300):
            return shown
        for rule in analysis.result.ruleset.rules:
            items = by_rule.get(rule.id)
            if not items:
                continue
            fails = sum(1 for f in items if f.outcome == Outcome.FAIL)
            unknowns = len(items) - fails
            what = ", ".join(
                f"{n} {label}" for n, label in ((fails, "fail"), (unknowns, "unknown")) if n
            )
            # the group's remediation: of a finding with work of its own, if any
            triage = next((f.triage for f in items if not f.triage.restates), items[0].triage)
            head = [
                "",
                f"<details><summary><b>{md(rule.id)}</b> {md(rule.title)}: {what}</summary>",
                "",
                f"Remediation ({md(triage.payer_text)}, {hours(triage.effort_hours)} each; "
                f"resolve by {triage.due.isoformat()}): {md(rule.remediation.text)}",
                "",
                "| Outcome | Subject | Site | Reason | Evidence | Defined at |",
                "|---|---|---|---|---|---|",
            ]
            if not out.try_add("\n".join(head), closing + 300):
                return shown
            for f in items:
                row = (
                    f"| {OUTCOME_LABEL[f.outcome]} | {md(f.subject.id)} | "
                    f"{md(f.subject.site or '')} | "
                    f"{md(baselined_text(analysis.result, f, f.verdict.reason))} | "
                    f"{md(evidence_text(f.verdict))} | {md(location_text(f.subject))} |"
                )
                if not out.try_add(row, closing):
                    out.add("\n</details>")
                    return shown
                shown += 1
            out.add("\n</details>")
    return shown


def _waived(out: _Budget, analysis: Analysis) -> None:
    waived = [f for f in analysis.findings if f.outcome == Outcome.WAIVED]
    if not waived:
        return
    lines = [
        "",
        f"### Waived ({len(waived)})",
        "",
        "<details><summary>Findings covered by a liability waiver (accepted risk)</summary>",
        "",
        "| Rule | Subject | Site | Reason | Waiver |",
        "|---|---|---|---|---|",
    ]
    if not out.try_add("\n".join(lines), 300):
        return
    closing = len("\n</details>\n")
    for f in waived:
        row = (
            f"| {md(f.rule_id)} | {md(f.subject.id)} | {md(f.subject.site or '')} | "
            f"{md(f.verdict.reason)} | {md(evidence_text(f.verdict))} |"
        )
        if not out.try_add(row, closing):
            break
    out.add("\n</details>")


def _plan(out: _Budget, analysis: Analysis) -> None:
    plan = analysis.plan
    if not plan.items:
        return
    lines = [
        "",
        f"### Remediation plan ({len(plan.items)} work items)",
        "",
        "<details><summary>Work items, most urgent first</summary>",
        "",
        "| Item | Priority | Resolve by | Work | Site | Items | Who pays | Effort |",
        "|---|---|---|---|---|--:|---|--:|",
    ]
    if not out.try_add("\n".join(lines), 300):
        return
    closing = len("\n</details>\n")
    for item in plan.items:
        triage = item.triage
        row = (
            f"| {item.id} | {triage.priority.label} | {triage.due.isoformat()} | "
            f"{md(item.headline)} | {md(item.site or '')} | {len(item.findings)} | "
            f"{md(triage.payer_text)} | {hours(item.effort_hours)} |"
        )
        if not out.try_add(row, closing):
            break
    out.add("\n</details>")


def _evidence(out: _Budget, result: AuditResult) -> None:
    rows = evidence_rows(result)
    if not rows:
        return
    lines = ["", f"### {EVIDENCE_HEADING}", "", "| Rule | Unknown items want | To settle most |"]
    lines.append("|---|---|---|")
    lines.extend(f"| {md(row.rule_id)} | {md(row.wants)} | {md(row.step)} |" for row in rows)
    out.try_add("\n".join(lines))


def _coming_up(out: _Budget, result: AuditResult) -> None:
    warnings = warnings_of(result)
    if not warnings:
        return
    lines = [
        "",
        f"### Coming up ({len(warnings)})",
        "",
        "<details><summary>Passing today, ending within the look-ahead window</summary>",
        "",
    ]
    if not out.try_add("\n".join(lines), 300):
        return
    closing = len("\n</details>\n")
    for f in warnings:
        if not out.try_add(
            f"- {md(f.subject.id)} ({md(f.rule_id)}): {md(f.warning or '')}", closing
        ):
            break
    out.add("\n</details>")
