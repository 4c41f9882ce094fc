"""The terminal report: summary per rule and outcome, then findings with reasons."""

from __future__ import annotations

import io
from collections import defaultdict

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tma_audit.model import OUTCOME_ORDER, AuditResult, Finding, Outcome, SubjectType
from tma_audit.reports import GroupBy, RenderOptions
from tma_audit.reports.summary import rule_summaries, warnings_of

STYLE = {
    Outcome.PASS: "green",
    Outcome.FAIL: "bold red",
    Outcome.UNKNOWN: "yellow",
    Outcome.WAIVED: "cyan",
    Outcome.NOT_APPLICABLE: "dim",
}
LABEL = {
    Outcome.PASS: "PASS",
    Outcome.FAIL: "FAIL",
    Outcome.UNKNOWN: "UNKNOWN",
    Outcome.WAIVED: "WAIVED",
    Outcome.NOT_APPLICABLE: "N/A",
}
_SHORT = {
    Outcome.PASS: "pass",
    Outcome.FAIL: "fail",
    Outcome.UNKNOWN: "unkn",
    Outcome.WAIVED: "waiv",
    Outcome.NOT_APPLICABLE: "n/a",
}


def render_table(result: AuditResult, options: RenderOptions) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=options.width,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    _header(console, result)
    _summary(console, result)
    findings = [f for f in result.findings if f.outcome.is_finding or f.outcome == Outcome.WAIVED]
    if findings:
        if options.group_by == GroupBy.RULE:
            _by_rule(console, result, findings)
        else:
            _by_subject(console, findings)
    warnings = warnings_of(result)
    if warnings:
        console.print()
        console.print(Text("Coming up (passing today, within the look-ahead window)", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        for f in warnings:
            grid.add_row(
                Text("  !", style="yellow"), Text(f"{f.subject.id} [{f.rule_id}]: {f.warning}")
            )
        console.print(grid)
    _verdict(console, result)
    # rich pads table cells to the full width; trailing blanks only get in the way
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


def _header(console: Console, result: AuditResult) -> None:
    data = result.data
    updates = f"; Windows updates to {data.updates_date.isoformat()}" if data.updates_date else ""
    console.print(Text(f"tma-audit: {result.client.name}", style="bold"))
    console.print(
        f"Audit date {result.as_of.isoformat()} · ruleset {result.ruleset.id} "
        f"{result.ruleset.version}"
    )
    console.print(f"Lifecycle data {data.date.isoformat()} ({data.origin}){updates}")
    if result.inventory_sources:
        console.print(f"Inventory: {', '.join(result.inventory_sources)}")
    for note in result.notes:
        console.print(Text(f"Note: {note}", style="yellow"))
    console.print()


def _summary(console: Console, result: AuditResult) -> None:
    table = Table(title=None, show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("Rule", no_wrap=True)
    table.add_column("Title", ratio=1, overflow="fold")
    for outcome in OUTCOME_ORDER:
        table.add_column(_SHORT[outcome], justify="right", no_wrap=True)
    for summary in rule_summaries(result):
        cells = []
        for outcome in OUTCOME_ORDER:
            count = summary.counts[outcome]
            style = STYLE[outcome] if count and outcome.is_finding else ""
            cells.append(Text(str(count) if count else "·", style=style))
        table.add_row(summary.rule_id, summary.title, *cells)
    console.print(table)


def _subject_label(f: Finding) -> str:
    subject = f.subject
    if subject.type == SubjectType.ASSET:
        kind = subject.kind.value if subject.kind else "asset"
        site = f", {subject.site}" if subject.site else ""
        return f"{subject.id} ({kind}{site})"
    return f"{subject.type.value}: {subject.id}"


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    return grid


def _add(grid: Table, f: Finding, label: str) -> None:
    grid.add_row(Text(f"  {LABEL[f.outcome]:<7}", style=STYLE[f.outcome]), label, Text(f.reason))


def _by_subject(console: Console, findings: list[Finding]) -> None:
    console.print()
    console.print(Text("Findings by asset and item", style="bold"))
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[_subject_label(f)].append(f)
    for label, items in groups.items():
        console.print(Text(label, style="bold"))
        grid = _grid()
        for f in items:
            _add(grid, f, f.rule_id)
        console.print(grid)


def _by_rule(console: Console, result: AuditResult, findings: list[Finding]) -> None:
    console.print()
    console.print(Text("Findings by rule", style="bold"))
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[f.rule_id].append(f)
    for rule in result.ruleset.rules:
        items = groups.get(rule.id)
        if not items:
            continue
        console.print(Text(f"{rule.id} {rule.title}", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        for f in items:
            grid.add_row(
                Text(f"  {LABEL[f.outcome]:<7}", style=STYLE[f.outcome]),
                Text(f"{_subject_label(f)}: {f.reason}"),
            )
        console.print(grid)


def _verdict(console: Console, result: AuditResult) -> None:
    counts = result.counts()
    fails, unknowns = counts[Outcome.FAIL], counts[Outcome.UNKNOWN]
    console.print()
    if fails or unknowns:
        console.print(
            Text(
                f"NOT COMPLIANT: {fails} failed, {unknowns} unknown (need "
                f"evidence), {counts[Outcome.WAIVED]} waived, "
                f"{counts[Outcome.PASS]} passed",
                style="bold red",
            )
        )
    else:
        console.print(
            Text(
                f"COMPLIANT: {counts[Outcome.PASS]} passed, {counts[Outcome.WAIVED]} waived",
                style="bold green",
            )
        )
