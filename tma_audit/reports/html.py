"""One self-contained HTML page: summary and charts, findings table, remediation plan.

No external scripts, styles, fonts or images: the style and script are inline, and a
Content-Security-Policy naming their hashes forbids anything else (even a value that
slipped through escaping could load nothing). Charts are inline SVG bars drawn here, so
they need no script and print. The findings table sorts (click a column heading) and
filters (text, outcome, priority, site) with a small script; without it the page still
reads in full. Every value from the inventory goes through `xmlutil.text`/`attr`.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from tma_audit.model import OUTCOME_ORDER, AuditResult, Outcome, Subject
from tma_audit.plan import (
    PRIORITIES,
    URGENCY_BY_SUBJECT,
    Analysis,
    PlannedFinding,
    Urgency,
    analyse,
    due_date,
)
from tma_audit.reports import RenderOptions
from tma_audit.reports.summary import (
    EVIDENCE_HEADING,
    OUTCOME_LABEL,
    evidence_rows,
    evidence_text,
    hours,
    location_text,
    ordered_findings,
    rule_summaries,
    verdict_line,
    warnings_of,
)
from tma_audit.reports.xmlutil import attr, text

_STYLE = """
:root { --fail: #c62828; --unknown: #b26a00; --waived: #00838f; --pass: #2e7d32;
  --na: #8a8a8a; --ink: #1d1d1f; --muted: #5f6368; --line: #d9d9de; --band: #f5f5f7; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 1280px; padding: 16px 24px 48px; }
h1 { font-size: 1.6em; margin: 0 0 4px; } h2 { font-size: 1.3em; margin: 32px 0 8px;
  border-bottom: 2px solid var(--line); padding-bottom: 4px; } h3 { font-size: 1.05em; }
nav a { margin-right: 16px; color: inherit; }
.verdict { font-weight: 700; font-size: 1.1em; margin: 4px 0 8px; }
.verdict.bad { color: var(--fail); } .verdict.good { color: var(--pass); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; }
.note { background: #fff8e1; border-left: 4px solid var(--unknown); padding: 6px 10px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 150px; }
.card .big { font-size: 1.7em; font-weight: 700; } .card .sub { color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 24px; }
.bar-row { display: grid; grid-template-columns: 9em 1fr 4em; align-items: center; gap: 8px;
  margin: 3px 0; }
.bar-label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.bar { width: 100%; height: 14px; display: block; background: var(--band); }
.bar-total { text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
.o-fail { fill: var(--fail); } .o-unknown { fill: var(--unknown); }
.o-waived { fill: var(--waived); } .o-pass { fill: var(--pass); }
.o-not-applicable { fill: var(--na); }
.legend { display: flex; flex-wrap: wrap; gap: 14px; color: var(--muted); margin: 6px 0; }
.legend svg { vertical-align: middle; margin-right: 4px; }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
.controls input, .controls select { font: inherit; padding: 4px 6px; }
.controls input { min-width: 18em; }
#shown { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 6px;
  border-bottom: 1px solid var(--line); }
thead th { background: var(--band); position: sticky; top: 0; }
th button { font: inherit; font-weight: 700; background: none; border: 0; padding: 0;
  cursor: pointer; color: inherit; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.nowrap { white-space: nowrap; }
.tag { font-weight: 700; white-space: nowrap; }
.tag.fail { color: var(--fail); } .tag.unknown { color: var(--unknown); }
.tag.waived { color: var(--waived); }
.small { color: var(--muted); font-size: 0.9em; }
footer { margin-top: 32px; color: var(--muted); font-size: 0.9em; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav, .controls, noscript { display: none; }
  thead th { position: static; }
  tr, .bar-row, .card { break-inside: avoid; }
  h2 { break-after: avoid; }
  .bar, .bar rect, thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""

_SCRIPT = """
(function () {
  "use strict";
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});
  function key(row, col) {
    var cell = row.cells[col];
    return cell ? (cell.getAttribute("data-v") || cell.textContent) : "";
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var keyed = Array.prototype.map.call(body.rows, function (row, i) {
          return [key(row, col), i, row];
        });
        keyed.sort(function (a, b) {
          var c = collator.compare(a[0], b[0]);
          return (ascending ? c : -c) || a[1] - b[1];
        });
        var fragment = document.createDocumentFragment();
        keyed.forEach(function (k) { fragment.appendChild(k[2]); });
        body.appendChild(fragment);
      });
    });
  });
  var table = document.getElementById("findings-table");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var texts = new WeakMap();
  rows.forEach(function (row) { texts.set(row, row.textContent.toLowerCase()); });
  var query = document.getElementById("filter");
  var outcome = document.getElementById("filter-outcome");
  var priority = document.getElementById("filter-priority");
  var site = document.getElementById("filter-site");
  var shown = document.getElementById("shown");
  function apply() {
    var words = query.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var o = outcome.value, p = priority.value, s = site.value, count = 0;
    rows.forEach(function (row) {
      var d = row.dataset, t = texts.get(row);
      var ok = (!o || d.outcome === o) && (!p || d.priority === p) && (!s || d.site === s);
      for (var i = 0; ok && i < words.length; i++) { ok = t.indexOf(words[i]) !== -1; }
      row.hidden = !ok;
      if (ok) { count++; }
    });
    shown.textContent = count + " of " + rows.length + " shown";
  }
  [query, outcome, priority, site].forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });
  apply();
})();
"""

_OUTCOME_CLASS = {o: o.value for o in Outcome}


def _sha256(source: str) -> str:
    return base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


def render_html(result: AuditResult, options: RenderOptions) -> str:
    analysis = analyse(result)
    client = result.client.name
    csp = (
        f"default-src 'none'; style-src 'sha256-{_sha256(_STYLE)}'; "
        f"script-src 'sha256-{_sha256(_SCRIPT)}'; img-src data:; base-uri 'none'; "
        "form-action 'none'"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{attr(csp)}">',
        f"<title>{text(f'tma-audit: {client} ({result.as_of.isoformat()})')}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
    ]
    parts += _header(analysis, options)
    parts += _summary(analysis)
    parts += _evidence(result)
    parts += _findings(analysis)
    parts += _plan(analysis)
    parts += _coming_up(result)
    tool = f"tma-audit {options.tool_version}".strip()
    parts += [
        f"<footer>{text(tool)} · ruleset {text(result.ruleset.id)} "
        f"{text(result.ruleset.version)} · audit date {result.as_of.isoformat()}. Score: "
        "impact-weighted share of passes (high 3, medium 2, low 1); unknown and waived "
        "items count as not passing, not-applicable ones not at all.</footer>",
        f"<script>{_SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


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
        '<table id="findings-table" class="sortable">',
        f"<thead><tr>{thead}</tr></thead>",
        "<tbody>",
    ]
    lines.extend(_finding_rows(analysis))
    lines += ["</tbody>", "</table>", "</section>"]
    return lines


def _finding_rows(analysis: Analysis) -> Iterable[str]:
    """One row per finding: the cells that depend on the verdict are built once per
    verdict and scope, those of the subject once per subject."""
    shared: dict[tuple[str, int, Urgency], tuple[str, str, str]] = {}
    subjects: dict[int, tuple[str, str, str]] = {}  # by id(subject): one object each
    for f in ordered_findings(analysis):
        subject = f.subject
        urgency = URGENCY_BY_SUBJECT[subject.type]
        key = (f.rule_id, id(f.verdict), urgency)
        parts = shared.get(key)
        if parts is None:
            parts = shared[key] = _shared_cells(analysis, f)
        row_head, head, tail = parts
        cells = subjects.get(id(subject))
        if cells is None:
            cells = subjects[id(subject)] = (
                f' data-site="{attr(subject.site or "")}">',
                f"<td>{text(subject.id)}</td><td>{text(_type(subject))}</td>"
                f"<td>{text(subject.site or '')}</td>",
                f'<td class="small">{text(location_text(subject))}</td></tr>',
            )
        yield f"{row_head}{cells[0]}{head}{cells[1]}{tail}{cells[2]}"


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
    triage = f.triage
    verdict = f.verdict
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
        f"</span></td><td>{text(f.rule_id)}</td>"
    )
    evidence = evidence_text(verdict)
    reason = text(verdict.reason) + (
        f'<div class="small">{text(evidence)}</div>' if evidence else ""
    )
    tail = (
        f"<td>{reason}</td><td>{text(triage.payer_text)}</td>"
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
    lines += ['<table id="plan-table" class="sortable">', f"<thead><tr>{thead}</tr></thead>"]
    lines.append("<tbody>")
    for item in plan.items:
        triage = item.triage
        subjects = item.subjects
        more = f" and {len(subjects) - 20} more" if len(subjects) > 20 else ""
        listed = ", ".join(subjects[:20]) + more
        lines.append(
            f'<tr><td class="nowrap">{item.id}</td>'
            f'<td data-v="{triage.priority.level}" title="{attr(triage.priority.title)}">'
            f'{triage.priority.label}</td><td class="nowrap">{triage.due.isoformat()}</td>'
            f'<td>{text(item.headline)}<div class="small">{text(item.action)}</div>'
            f'<div class="small">{text(listed)}</div></td>'
            f"<td>{text(item.site or '')}</td>"
            f'<td class="num">{len(item.findings)}</td><td>{text(triage.payer_text)}</td>'
            f'<td class="num" data-v="{item.effort_hours:g}">{hours(item.effort_hours)}</td></tr>'
        )
    lines += ["</tbody>", "</table>", "</section>"]
    return lines


def _evidence(result: AuditResult) -> list[str]:
    rows = evidence_rows(result)
    lines = ['<section id="evidence">', f"<h2>{text(EVIDENCE_HEADING)}</h2>"]
    if not rows:
        return [*lines, "<p>No item is unknown for want of evidence.</p>", "</section>"]
    lines += [
        "<table>",
        "<thead><tr><th>Rule</th><th>Unknown items want</th><th>To settle most</th></tr></thead>",
        "<tbody>",
        *(
            f"<tr><td>{text(r.rule_id)}</td><td>{text(r.wants)}</td><td>{text(r.step)}</td></tr>"
            for r in rows
        ),
        "</tbody>",
        "</table>",
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
