"""The portfolio summary's formats: table, CSV, JSON and one HTML page. Each returns text.

The HTML page is self-contained (inline style and script, allowed by their hashes in a
Content-Security-Policy, as the audit's HTML report): one row per client, sortable by a
click on a column heading, each client linked to its own HTML report; the book's
lifecycle deadlines below. Every value from a folder or inventory is escaped.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from enum import StrEnum

from tma_audit.portfolio import ClientSummary, Portfolio
from tma_audit.reports.csv_report import safe_cell, write_rows
from tma_audit.reports.xmlutil import attr, html_head, text


class PortfolioFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    HTML = "html"


#: the file each format gets in --output-dir
FILE_NAMES = {
    PortfolioFormat.TABLE: "portfolio.txt",
    PortfolioFormat.CSV: "portfolio.csv",
    PortfolioFormat.JSON: "portfolio.json",
    PortfolioFormat.HTML: "portfolio.html",
}


def _score(client: ClientSummary) -> str:
    return "" if client.score is None else f"{client.score:.1f}"


def _rules(client: ClientSummary) -> str:
    """`MS-1 2F 1U; SC-3 1W`: fails, unknowns and waived by rule."""
    return "; ".join(
        f"{rule_id} " + " ".join(f"{n}{k[0].upper()}" for k, n in counts.items())
        for rule_id, counts in client.by_rule.items()
    )


def _change(client: ClientSummary) -> str:
    change = client.change
    if change is None:
        return ""
    status = change.get("status")
    if status != "seen":
        return str(status)
    parts = []
    if change.get("score"):
        parts.append(f"score {change['score']:+.1f}")
    for name in ("fail", "unknown", "waived"):
        if change.get(name):
            parts.append(f"{name} {change[name]:+d}")
    return ", ".join(parts) or "no change"


def _waivers(client: ClientSummary) -> str:
    return "; ".join(f"{w['waiver']} {w['expires']}" for w in client.waivers_expiring)


def _deadlines(client: ClientSummary) -> str:
    grouped: dict[tuple[str, str], int] = {}
    for d in client.deadlines:
        grouped[(d.date, d.what)] = grouped.get((d.date, d.what), 0) + 1
    return "; ".join(f"{what} {date} ×{n}" for (date, what), n in sorted(grouped.items()))


COLUMNS = [
    "client folder",
    "client",
    "score",
    "fail",
    "unknown",
    "waived",
    "P1",
    "P2",
    "by rule",
    "waivers expiring",
    "deadlines",
    "change",
    "exit code",
    "error",
]


def _row(client: ClientSummary) -> list[str]:
    broken = client.error is not None
    return [
        client.folder,
        client.client or "",
        _score(client),
        "" if broken else str(client.fails),
        "" if broken else str(client.unknowns),
        "" if broken else str(client.waived),
        "" if broken else str(client.p1),
        "" if broken else str(client.p2),
        _rules(client),
        _waivers(client),
        _deadlines(client),
        _change(client),
        str(client.exit_code),
        client.error or "",
    ]


def render_csv(portfolio: Portfolio) -> str:
    return write_rows(COLUMNS, ([safe_cell(c) for c in _row(x)] for x in portfolio.clients))


def render_json(portfolio: Portfolio) -> str:
    return json.dumps(portfolio.to_json(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _heading(portfolio: Portfolio) -> list[str]:
    clients = portfolio.clients
    broken = sum(1 for c in clients if c.error is not None)
    lines = [
        f"Portfolio {portfolio.root}: {len(clients)} clients, audit date "
        f"{portfolio.as_of.isoformat()}" + (f", {broken} could not be audited" if broken else "")
    ]
    if portfolio.previous_date:
        lines.append(f"Change since the last run ({portfolio.previous_date})")
    if portfolio.removed:
        lines.append(f"No longer in the book: {', '.join(portfolio.removed)}")
    return lines


def render_table(portfolio: Portfolio) -> str:
    """Plain text: one line per client, then the book's deadlines."""
    short = ["client folder", "score", "fail", "unknown", "waived", "P1", "P2", "change"]
    rows = []
    for client in portfolio.clients:
        full = dict(zip(COLUMNS, _row(client), strict=True))
        if client.error is not None:
            rows.append([client.folder, f"ERROR (exit {client.exit_code}): {client.error}"])
        else:
            rows.append([full[c] for c in short])
    widths = [len(c) for c in short]
    for row in rows:
        if len(row) == len(short):
            widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    lines = [*_heading(portfolio), ""]
    lines.append("  ".join(c.ljust(w) for c, w in zip(short, widths, strict=True)).rstrip())
    for row in rows:
        if len(row) == len(short):
            lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        else:
            lines.append(f"{row[0].ljust(widths[0])}  {row[1]}")
    lines += ["", *_deadline_lines(portfolio), ""]
    return "\n".join(lines)


def _deadline_lines(portfolio: Portfolio) -> list[str]:
    deadlines = portfolio.deadlines
    window = f"the next {portfolio.look_ahead_days} days"
    if not deadlines:
        return [f"No lifecycle deadline in {window}."]
    lines = [f"Lifecycle deadlines in {window}, across the book:"]
    for d in deadlines:
        lines.append(
            f"  {d.date}  {d.what}: {d.items} item(s) at {len(d.clients)} client(s) "
            f"({', '.join(d.clients)})"
        )
    return lines


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2430}"
    "table{border-collapse:collapse;width:100%;font-size:.9rem}"
    "th,td{border-bottom:1px solid #d5d9e0;padding:.3rem .5rem;text-align:left;"
    "vertical-align:top}"
    "th{background:#eef1f5}"
    "th button{font:inherit;font-weight:bold;border:0;background:none;padding:0;"
    "cursor:pointer;text-align:left}"
    "th[aria-sort=ascending]::after{content:' \\25B2'}"
    "th[aria-sort=descending]::after{content:' \\25BC'}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "tr.error td{background:#fdecea}"
    "footer{margin-top:2rem;color:#5a6270;font-size:.8rem}"
)
_SCRIPT = (
    "document.querySelectorAll('table.sortable').forEach(function(t){"
    "var hs=t.querySelectorAll('th');hs.forEach(function(h,i){"
    "h.querySelector('button').addEventListener('click',function(){"
    "var asc=h.getAttribute('aria-sort')!=='ascending';"
    "hs.forEach(function(o){o.removeAttribute('aria-sort')});"
    "h.setAttribute('aria-sort',asc?'ascending':'descending');"
    "var b=t.tBodies[0];var rs=Array.prototype.slice.call(b.rows);"
    "rs.sort(function(x,y){var a=x.cells[i].getAttribute('data-sort'),"
    "c=y.cells[i].getAttribute('data-sort');var n=h.classList.contains('num');"
    "var r=n?(parseFloat(a||'-1')-parseFloat(c||'-1')):a.localeCompare(c);"
    "return asc?r:-r});rs.forEach(function(r){b.appendChild(r)})})})});"
)


def _sha256(source: str) -> str:
    return base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


_NUMERIC = {"score", "fail", "unknown", "waived", "P1", "P2", "exit code"}


def render_html(portfolio: Portfolio) -> str:
    csp = (
        f"default-src 'none'; style-src 'sha256-{_sha256(_STYLE)}'; "
        f"script-src 'sha256-{_sha256(_SCRIPT)}'; img-src data:; base-uri 'none'; "
        "form-action 'none'"
    )
    title = f"tma-audit portfolio: {portfolio.root} ({portfolio.as_of.isoformat()})"
    parts = [
        *html_head(title, csp, _STYLE),
        f"<h1>{text(title)}</h1>",
        *(f"<p>{text(line)}</p>" for line in _heading(portfolio)[1:]),
        '<table class="sortable" id="clients">',
        "<thead><tr>"
        + "".join(_th(c, "num" if c in _NUMERIC else "text") for c in COLUMNS)
        + "</tr></thead>",
        "<tbody>",
    ]
    for client in portfolio.clients:
        parts.append(_html_row(client))
    parts += ["</tbody>", "</table>", "<h2>Lifecycle deadlines</h2>"]
    deadlines = portfolio.deadlines
    if deadlines:
        parts.append('<table class="sortable" id="deadlines"><thead><tr>')
        parts.append(
            _th("date", "text")
            + _th("what", "text")
            + _th("items", "num")
            + _th("clients", "text")
            + "</tr></thead><tbody>"
        )
        for d in deadlines:
            clients = ", ".join(d.clients)
            parts.append(
                f'<tr><td data-sort="{attr(d.date)}">{text(d.date)}</td>'
                f'<td data-sort="{attr(d.what)}">{text(d.what)}</td>'
                f'<td class="num" data-sort="{d.items}">{d.items}</td>'
                f'<td data-sort="{attr(clients)}">{text(clients)}</td></tr>'
            )
        parts.append("</tbody></table>")
    else:
        parts.append(f"<p>None in the next {portfolio.look_ahead_days} days.</p>")
    parts += [
        "<footer>Score: impact-weighted share of passes; unknown and waived items count as "
        "not passing. Click a column heading to sort.</footer>",
        f"<script>{_SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _th(name: str, kind: str) -> str:
    """A column heading: a button sorts by it (keyboard too)."""
    return f'<th scope="col" class="{kind}"><button type="button">{text(name)}</button></th>'


def _html_row(client: ClientSummary) -> str:
    cells = dict(zip(COLUMNS, _row(client), strict=True))
    out = []
    for column, value in cells.items():
        cls = ' class="num"' if column in _NUMERIC else ""
        shown = text(value)
        if column == "client folder" and client.report:
            shown = f'<a href="{attr(client.report)}">{shown}</a>'
        out.append(f'<td{cls} data-sort="{attr(value)}">{shown}</td>')
    row_class = ' class="error"' if client.error is not None else ""
    return f"<tr{row_class}>" + "".join(out) + "</tr>"


RENDERERS: dict[PortfolioFormat, Callable[[Portfolio], str]] = {
    PortfolioFormat.TABLE: render_table,
    PortfolioFormat.CSV: render_csv,
    PortfolioFormat.JSON: render_json,
    PortfolioFormat.HTML: render_html,
}
