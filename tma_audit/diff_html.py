"""`tma-audit diff -f html`: the diff of two audits as one self-contained page.

The audit report's stylesheet (reports/assets/report.css) is inlined and a
Content-Security-Policy naming its hash forbids everything else: no script, no remote
resource. Every text from the reports is escaped (reports/xmlutil).
"""

from __future__ import annotations

from tma_audit.diff import Diff, score_lines, sections
from tma_audit.reports.html import stylesheet, stylesheet_hash
from tma_audit.reports.xmlutil import attr, html_head, text

#: the outcome cell's class, for the report's colours (fail red, unknown amber …)
_TAGGED = {"fail", "unknown", "waived", "pass", "not-applicable"}


def render_html(diff: Diff) -> str:
    style = stylesheet()
    csp = f"default-src 'none'; style-src 'sha256-{stylesheet_hash()}'; base-uri 'none'"
    client = next((s.name for s in diff.scores if s.scope == "client"), "")
    title = f"tma-audit diff: {client}" if client else "tma-audit diff"
    counts = (
        f"{len(diff.new)} new, {len(diff.resolved)} resolved, {len(diff.changed)} changed "
        f"findings; assets: {len(diff.assets_added)} added, {len(diff.assets_removed)} removed, "
        f"{len(diff.assets_changed)} changed."
    )
    verdict = "bad" if diff.has_new_findings else "good"
    parts = [
        *html_head(title, csp, style),
        "<header>",
        f"<h1>{text(title)}</h1>",
        f'<p class="verdict {verdict}">{text(counts)}</p>',
        "<ul>",
        *(f"<li>Score, {text(line)}</li>" for line in score_lines(diff)),
        "</ul>",
        "</header>",
    ]
    for heading, columns, rows in sections(diff):
        parts += [
            f"<section><h2>{text(heading)} ({len(rows)})</h2>",
            "<table>",
            "<thead><tr>" + "".join(f"<th>{text(c)}</th>" for c in columns) + "</tr></thead>",
            "<tbody>",
        ]
        outcome_column = columns.index("Outcome") if "Outcome" in columns else -1
        for row in rows:
            cells = []
            for index, cell in enumerate(row):
                if index == outcome_column:
                    last = cell.rsplit(" ", 1)[-1]
                    tag = f' class="tag {attr(last)}"' if last in _TAGGED else ""
                    cells.append(f"<td><span{tag}>{text(cell)}</span></td>")
                else:
                    cells.append(f"<td>{text(cell)}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts += ["</tbody>", "</table>", "</section>"]
    if not sections(diff):
        parts.append("<p>Nothing changed between the two audits.</p>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
