"""One self-contained HTML page: summary and charts, findings table, remediation plan.

No external scripts, styles, fonts or images: the style and script (package data in
reports/assets/report.css and report.js) are inlined, and a
Content-Security-Policy naming their hashes forbids anything else (even a value that
slipped through escaping could load nothing). Charts are inline SVG bars drawn here, so
they need no script and print. The findings table sorts (click a column heading) and
filters (text, outcome, priority, site) with a small script; without it the page still
reads in full. Every value from the inventory goes through `xmlutil.text`/`attr`.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources

from tma_audit.identity import in_baseline
from tma_audit.model import OUTCOME_ORDER, AuditResult, Outcome, Subject
from tma_audit.plan import (
    PRIORITIES,
    Analysis,
    PlannedFinding,
    analyse,
    due_date,
)
from tma_audit.reports import Memo, RenderOptions, joined_pieces
from tma_audit.reports.summary import (
    EVIDENCE_HEADING,
    OUTCOME_LABEL,
    baseline_line,
    evidence_rows,
    evidence_text,
    hours,
    location_text,
    ordered_findings,
    rule_summaries,
    verdict_line,
    warnings_of,
)
from tma_audit.reports.xmlutil import attr, html_head, text


@cache
def _asset(name: str) -> str:
    """A package-data file of tma_audit/reports/assets, as inlined into the page: a newline
    first (the page has always had one after `<style>`/`<script>`), then the file's bytes
    as they are (the CSP hash is of exactly this text)."""
    data = resources.files("tma_audit.reports").joinpath("assets", name).read_bytes()
    return "\n" + data.decode("utf-8")


def stylesheet() -> str:
    """The report's stylesheet as inlined (other pages of the tool share it)."""
    return _asset("report.css")


def stylesheet_hash() -> str:
    """The base64 SHA-256 of `stylesheet()`, for a Content-Security-Policy."""
    return _sha256(stylesheet())


_OUTCOME_CLASS = {o: o.value for o in Outcome}


def _sha256(source: str) -> str:
    return base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


def render_html(result: AuditResult, options: RenderOptions) -> str:
    return "".join(html_chunks(result, options))


def html_chunks(result: AuditResult, options: RenderOptions) -> Iterator[str]:
    """The page in pieces, to write one after another: the findings' rows (one per
    finding, most of the page) are never all in memory."""
    analysis = analyse(result)
    client = result.client.name
    style, script = _asset("report.css"), _asset("report.js")
    csp = (
        f"default-src 'none'; style-src 'sha256-{_sha256(style)}'; "
        f"script-src 'sha256-{_sha256(script)}'; img-src data:; base-uri 'none'; "
        "form-action 'none'"
    )
    parts = html_head(f"tma-audit: {client} ({result.as_of.isoformat()})", csp, style)
    parts += _header(analysis, options)
    parts += _summary(analysis)
    parts += _evidence(result)
    parts += _findings(analysis)
    yield "\n".join(parts) + "\n"
    rows = joined_pieces(_finding_rows(analysis), "\n")
    if piece := next(rows, ""):
        yield piece
        yield from rows
        yield "\n"
    parts = ["</tbody>", "</table></div>", "</section>"]
    parts += _plan(analysis)
    parts += _coming_up(result)
    tool = f"tma-audit {options.tool_version}".strip()
    parts += [
        f"<footer>{text(tool)} · ruleset {text(result.ruleset.id)} "
        f"{text(result.ruleset.version)} · audit date {result.as_of.isoformat()}. Score: "
        "impact-weighted share of passes (high 3, medium 2, low 1); unknown and waived "
        "items count as not passing, not-applicable ones not at all.</footer>",
        f"<script>{script}</script>",
        "</body>",
        "</html>",
    ]
    yield "\n".join(parts) + "\n"


def _header(analysis: Analysis, options: RenderOptions) -> list[str]:
    result = analysis.result
    data = result.data
    counts = result.counts()
    good = not (counts[Outcome.FAIL] or counts[Outcome.UNKNOWN])
    updates = f"; Windows updates to {data.updates_date.isoformat()}" if data.updates_date else ""
    meta = [
        ("Audit date", result.as_of.isoformat()),
        ("Ruleset", f"{result.ruleset.id} {result.ruleset.version}: {result.ruleset.title}"),
        ("Lifecycle data", f"{data.date.isoformat()} ({data.origin}){updates}"),
        ("Inventory", ", ".join(result.inventory_sources)),
    ]
    if result.client.contact:
        meta.insert(0, ("Contact", result.client.contact))
    lines = [
        "<header>",
        f"<h1>{text(f'tma-audit: {result.client.name}')}</h1>",
        f'<p class="verdict {"good" if good else "bad"}">{text(verdict_line(result))}</p>',
        *([f"<p>{text(baseline_line(result))}</p>"] if result.baseline is not None else []),
        '<dl class="meta">',
        *(f"<dt>{text(k)}</dt><dd>{text(v)}</dd>" for k, v in meta if v),
        "</dl>",
        *(f'<p class="note">{text(note)}</p>' for note in result.notes),
        '<nav><a href="#summary">Summary</a><a href="#evidence">Evidence</a>'
        '<a href="#findings">Findings</a>'
        '<a href="#plan">Remediation plan</a><a href="#coming-up">Coming up</a></nav>',
        "</header>",
    ]
    return lines


def _card(big: str, label: str, sub: str = "") -> str:
    sub_html = f'<div class="sub">{text(sub)}</div>' if sub else ""
    return (
        f'<div class="card"><div class="big">{text(big)}</div>'
        f"<div>{text(label)}</div>{sub_html}</div>"
    )


def _summary(analysis: Analysis) -> list[str]:
    result = analysis.result
    score = analysis.client_score
    totals = analysis.plan.totals
    cards = [_card(score.text, "Compliance score", result.client.name)]
    cards += [_card(s.text, "Site score", s.scope) for s in analysis.site_scores]
    cards += [
        _card(str(analysis.by_priority[p.level]), p.title, f"resolve by {_due(analysis, p.level)}")
        for p in PRIORITIES
    ]
    cards.append(
        _card(
            hours(totals.hours),
            f"Remediation: {totals.work_items} work items",
            f"{totals.projects} projects, {totals.purchases} purchases, "
            f"{totals.minor_changes} minor changes",
        )
    )
    by_rule = [(f"{s.rule_id}", f"{s.rule_id} {s.title}", s.counts) for s in rule_summaries(result)]
    by_site = [(s.scope, s.scope, s.counts) for s in analysis.site_scores]
    lines = [
        '<section id="summary">',
        "<h2>Summary</h2>",
        '<div class="cards">',
        *cards,
        "</div>",
        _legend(),
        '<div class="charts">',
        "<div><h3>Outcomes per rule</h3>",
        *_bars(by_rule),
        "</div>",
    ]
    if by_site:
        lines += ["<div><h3>Outcomes per site</h3>", *_bars(by_site), "</div>"]
    lines += ["</div>", "</section>"]
    return lines


def _due(analysis: Analysis, level: int) -> str:
    priority = next(p for p in PRIORITIES if p.level == level)
    return due_date(analysis.result.as_of, priority).isoformat()


def _legend() -> str:
    items = "".join(
        f'<span><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" '
        f'class="o-{o.value}"/></svg>{text(o.value)}</span>'
        for o in OUTCOME_ORDER
    )
    return f'<div class="legend">{items}</div>'


def _bars(rows: Iterable[tuple[str, str, dict[Outcome, int]]]) -> list[str]:
    """Stacked bars of outcome counts, one per row, drawn as SVG rectangles."""
    lines = []
    for label, title, counts in rows:
        total = sum(counts.values())
        x = 0.0
        rects = []
        described = []
        for outcome in OUTCOME_ORDER:
            n = counts.get(outcome, 0)
            if not n:
                continue
            width = 1000 * n / total
            rects.append(
                f'<rect x="{x:.1f}" width="{width:.1f}" height="10" class="o-{outcome.value}">'
                f"<title>{text(f'{outcome.value}: {n}')}</title></rect>"
            )
            described.append(f"{n} {outcome.value}")
            x += width
        aria = f"{title}: " + (", ".join(described) or "no outcomes")
        lines.append(
            f'<div class="bar-row"><span class="bar-label" title="{attr(title)}">'
            f"{text(label)}</span>"
            f'<svg class="bar" viewBox="0 0 1000 10" preserveAspectRatio="none" role="img" '
            f'aria-label="{attr(aria)}">{"".join(rects)}</svg>'
            f'<span class="bar-total">{total}</span></div>'
        )
    return lines


def _select(element_id: str, label: str, options: Iterable[tuple[str, str]]) -> str:
    opts = "".join(f'<option value="{attr(v)}">{text(t)}</option>' for v, t in options)
    return (
        f'<label>{text(label)} <select id="{element_id}">'
        f'<option value="">all</option>{opts}</select></label>'
    )


def _findings(analysis: Analysis) -> list[str]:
    """The findings section up to its table's rows (`_finding_rows`)."""
    findings = analysis.findings
    sites = sorted({f.subject.site for f in findings if f.subject.site}, key=str.casefold)
    present = [o for o in OUTCOME_ORDER if any(f.outcome == o for f in findings)]
    controls = [
        '<div class="controls">',
        '<label>Filter <input type="search" id="filter" placeholder="host, rule, reason …" '
        'autocomplete="off"></label>',
        _select("filter-outcome", "Outcome", ((o.value, o.value) for o in present)),
        _select("filter-priority", "Priority", ((str(p.level), p.title) for p in PRIORITIES)),
        _select("filter-site", "Site", ((s, s) for s in sites)),
        '<label><input type="checkbox" id="group-asset"> Group by asset</label>',
        '<button type="button" data-export="findings-table">Export shown rows (CSV)</button>',
        f'<span id="shown" aria-live="polite">{len(findings)} of {len(findings)} shown</span>',
        "</div>",
    ]
    head = [
        ("Priority", "num"),
        ("Outcome", ""),
        ("Rule", ""),
        ("Subject", ""),
        ("Type", ""),
        ("Site", ""),
        ("Reason", ""),
        ("Who pays", ""),
        ("Effort", "num"),
        ("Resolve by", ""),
        ("Defined at", ""),
    ]
    thead = _thead(head)
    lines = [
        '<section id="findings">',
        f"<h2>Findings ({len(findings)})</h2>",
        '<p class="small">Failed and unknown items (unknown: the evidence is missing, never '
        "a pass) with their Schedule D priority, and waived items with their waiver.</p>",
        *controls,
        "<noscript><p>Sorting and filtering need JavaScript.</p></noscript>",
        '<div class="wide"><table id="findings-table" class="sortable">',
        f"<thead><tr>{thead}</tr></thead>",
        "<tbody>",
    ]
    return lines


def _finding_rows(analysis: Analysis) -> Iterable[str]:
    """One row per finding: the cells that depend on the triage and outcome once per
    triage and outcome, the reason's once per verdict, the subject's once per subject."""
    # by (id(triage), outcome): the cells but the reason (triages are shared, a few dozen)
    shared: dict[tuple[int, Outcome], tuple[str, str, str]] = {}
    reasons: Memo[int, str] = Memo()  # by id(verdict): the reason's cell
    subjects: Memo[int, tuple[str, str, str]] = Memo()  # by id(subject): one object each
    baseline = analysis.result.baseline
    for f in ordered_findings(analysis):
        subject = f.subject
        verdict = f.verdict
        key = (id(f.triage), f.outcome)
        parts = shared.get(key)
        if parts is None:
            parts = shared[key] = _shared_cells(analysis, f)
        row_head, head, after = parts
        reason = reasons.get(id(verdict))
        if reason is None:
            evidence = evidence_text(verdict)
            reason = reasons[id(verdict)] = (
                f"<td>{text(verdict.reason)}"
                + (f'<div class="small">{text(evidence)}</div>' if evidence else "")
                + "</td>"
            )
        cells = subjects.get(id(subject))
        if cells is None:
            cells = subjects[id(subject)] = (
                f' data-site="{attr(subject.site or "")}">',
                f"<td>{text(subject.id)}</td><td>{text(_type(subject))}</td>"
                f"<td>{text(subject.site or '')}</td>",
                f'<td class="small">{text(location_text(subject))}</td></tr>',
            )
        if baseline is not None and in_baseline(analysis.result, f.rule_id, subject, f.verdict):
            row_head = f'{row_head} data-baselined="yes"'
            head = head.replace("</span></td>", _BASELINED_TAG, 1)
        yield f"{row_head}{cells[0]}{head}{cells[1]}{reason}{after}{cells[2]}"


#: after the outcome's tag, on a finding the baseline (`audit --baseline`) already had
_BASELINED_TAG = (
    '</span> <span class="tag baselined" title="in the baseline: does not fail the run">'
    "baselined</span></td>"
)


def _thead(columns: list[tuple[str, str]]) -> str:
    """Sortable column headings: (name, CSS class)."""
    button = '<button type="button">{}</button></th>'
    return "".join(
        (f'<th class="{cls}">' if cls else "<th>") + button.format(text(name))
        for name, cls in columns
    )


def _type(subject: Subject) -> str:
    return subject.kind.value if subject.kind is not None else subject.type.value


def _shared_cells(analysis: Analysis, f: PlannedFinding) -> tuple[str, str, str]:
    """A finding's row, less the subject's cells and the reason: what its triage and
    outcome say (row start; priority, outcome and rule; payer, effort and due date)."""
    triage = f.triage
    waived = f.outcome == Outcome.WAIVED
    level = "" if waived else str(triage.priority.level)
    priority = (
        '<td class="num" data-v="9">–</td>'
        if waived
        else f'<td class="num" data-v="{level}" title="{attr(triage.priority.title)}">'
        f"{triage.priority.label}</td>"
    )
    outcome = (
        f'<td><span class="tag {_OUTCOME_CLASS[f.outcome]}">{OUTCOME_LABEL[f.outcome]}'
        f'</span></td><td class="rule" data-v="{attr(f.rule_id)}">{text(f.rule_id)}'
        f'<div class="small">{text(analysis.rules[f.rule_id].title)}</div></td>'
    )
    tail = (
        f"<td>{text(triage.payer_text)}</td>"
        f'<td class="num" data-v="{triage.effort_hours:g}">{hours(triage.effort_hours)}</td>'
        f'<td class="nowrap">{"" if waived else triage.due.isoformat()}</td>'
    )
    row_head = f'<tr data-outcome="{f.outcome.value}" data-priority="{level}"'
    return row_head, priority + outcome, tail


def _plan(analysis: Analysis) -> list[str]:
    plan = analysis.plan
    t = plan.totals
    lines = [
        '<section id="plan">',
        "<h2>Remediation plan</h2>",
        f"<p>{t.work_items} work items covering {t.findings} findings: "
        f"<strong>{hours(t.hours)}</strong> of engineering; {t.projects} projects "
        f"(Schedule B: over 4 hours or a major version upgrade), {t.purchases} client "
        f"purchases (Schedule C), {t.minor_changes} minor changes (included once the "
        f"Agreement runs)"
        + (f"; {t.evidence_items} items need evidence first" if t.evidence_items else "")
        + ". Due dates count the Schedule D resolution targets in 8-hour business days "
        "from the audit date.</p>",
    ]
    if not plan.items:
        lines += ["<p>Nothing to do.</p>", "</section>"]
        return lines
    thead = _thead(
        [
            ("Item", ""),
            ("Priority", ""),
            ("Resolve by", ""),
            ("Work", ""),
            ("Site", ""),
            ("Items", "num"),
            ("Who pays", ""),
            ("Effort", "num"),
        ]
    )
    lines += [
        '<div class="controls">',
        '<label>Filter <input type="search" id="plan-filter" placeholder="work, host, site …" '
        'autocomplete="off"></label>',
        _select("plan-priority", "Priority", ((str(p.level), p.title) for p in PRIORITIES)),
        '<button type="button" data-export="plan-table">Export shown rows (CSV)</button>',
        f'<span id="plan-shown" aria-live="polite">{len(plan.items)} of {len(plan.items)} '
        "shown</span>",
        "</div>",
        '<div class="wide"><table id="plan-table" class="sortable">',
        f"<thead><tr>{thead}</tr></thead>",
    ]
    lines.append("<tbody>")
    for item in plan.items:
        triage = item.triage
        subjects = item.subjects
        more = f" and {len(subjects) - 20} more" if len(subjects) > 20 else ""
        listed = ", ".join(subjects[:20]) + more
        lines.append(
            f'<tr data-priority="{triage.priority.level}"><td class="nowrap">{item.id}</td>'
            f'<td data-v="{triage.priority.level}" title="{attr(triage.priority.title)}">'
            f'{triage.priority.label}</td><td class="nowrap">{triage.due.isoformat()}</td>'
            f'<td>{text(item.headline)}<div class="small">{text(item.action)}</div>'
            f'<div class="small">{text(listed)}</div></td>'
            f"<td>{text(item.site or '')}</td>"
            f'<td class="num">{len(item.findings)}</td><td>{text(triage.payer_text)}</td>'
            f'<td class="num" data-v="{item.effort_hours:g}">{hours(item.effort_hours)}</td></tr>'
        )
    lines += ["</tbody>", "</table></div>", "</section>"]
    return lines


def _evidence(result: AuditResult) -> list[str]:
    rows = evidence_rows(result)
    lines = ['<section id="evidence">', f"<h2>{text(EVIDENCE_HEADING)}</h2>"]
    if not rows:
        return [*lines, "<p>No item is unknown for want of evidence.</p>", "</section>"]
    lines += [
        '<div class="wide"><table>',
        "<thead><tr><th>Rule</th><th>Unknown items want</th><th>To settle most</th></tr></thead>",
        "<tbody>",
        *(
            f"<tr><td>{text(r.rule_id)}</td><td>{text(r.wants)}</td><td>{text(r.step)}</td></tr>"
            for r in rows
        ),
        "</tbody>",
        "</table></div>",
        "</section>",
    ]
    return lines


def _coming_up(result: AuditResult) -> list[str]:
    warnings = warnings_of(result)
    lines = ['<section id="coming-up">', f"<h2>Coming up ({len(warnings)})</h2>"]
    if not warnings:
        return [*lines, "<p>Nothing ends within the look-ahead window.</p>", "</section>"]
    lines.append("<ul>")
    lines += [
        f"<li>{text(f.subject.id)} ({text(f.rule_id)}): {text(f.warning or '')}</li>"
        for f in warnings
    ]
    lines += ["</ul>", "</section>"]
    return lines
