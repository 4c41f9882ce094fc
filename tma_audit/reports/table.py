"""The terminal report: summary per rule and outcome, then findings with reasons."""

from __future__ import annotations

import io
import textwrap
from collections import defaultdict
from collections.abc import Iterator

from rich.color import ColorSystem
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from tma_audit.model import OUTCOME_ORDER, AuditResult, Outcome, Subject
from tma_audit.plan import Analysis, PlannedFinding, analyse
from tma_audit.reports import GroupBy, RenderOptions
from tma_audit.reports.summary import (
    EVIDENCE_HEADING,
    OUTCOME_LABEL,
    baseline_line,
    baselined_text,
    evidence_rows,
    plan_line,
    rule_summaries,
    score_line,
    subject_label,
    verdict_line,
    warnings_of,
)
from tma_audit.safetext import for_terminal

STYLE = {
    Outcome.PASS: "green",
    Outcome.FAIL: "bold red",
    Outcome.UNKNOWN: "yellow",
    Outcome.WAIVED: "cyan",
    Outcome.NOT_APPLICABLE: "dim",
}
_SHORT = {
    Outcome.PASS: "pass",
    Outcome.FAIL: "fail",
    Outcome.UNKNOWN: "unkn",
    Outcome.WAIVED: "waiv",
    Outcome.NOT_APPLICABLE: "n/a",
}


def terminal(options: RenderOptions) -> Console:
    """A console that renders into memory at the report's width, coloured or not.

    Markup is off: a `[bold]` or `[/]` in a rule title or a host name is text. Text
    from the inventory, ruleset or data goes through `for_terminal` on its way in.
    """
    return Console(
        markup=False,
        file=io.StringIO(),
        width=options.width,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )


def text_of(console: Console) -> str:
    """What a `terminal` console rendered, without the blanks rich pads lines with."""
    assert isinstance(console.file, io.StringIO)
    return _unpadded(console.file.getvalue())


def _unpadded(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n"))


#: characters of report the table renderer holds before handing them on
CHUNK_CHARS = 1 << 20


def render_table(result: AuditResult, options: RenderOptions) -> str:
    return "".join(table_chunks(result, options))


def table_chunks(result: AuditResult, options: RenderOptions) -> Iterator[str]:
    """The table report in pieces of about a megabyte, cut after a line end: 200,000
    assets make ~60 MB of findings, never whole in memory when written to a file."""
    console = terminal(options)
    buffer = console.file  # long finding lists are written straight into it
    assert isinstance(buffer, io.StringIO)
    analysis = analyse(result)
    paint = _Painter(options.color)
    _header(console, result)
    _summary(console, result)
    # The findings and warnings are laid out here, not by rich: a large audit has tens
    # of thousands of them, and rich's table layout would take minutes.
    findings = analysis.findings
    if findings:
        if options.group_by == GroupBy.RULE:
            groups = _by_rule(buffer, analysis, paint, options.width)
        else:
            groups = _by_subject(buffer, analysis, paint, options.width)
        for _ in groups:
            if buffer.tell() >= CHUNK_CHARS:
                yield _lines_so_far(buffer)
    warnings = warnings_of(result)
    if warnings:
        heading = "Coming up (passing today, within the look-ahead window)"
        buffer.write("\n" + paint(heading, "bold") + "\n")
        mark = paint("  !", "yellow")
        wrapper = _Wrapper(options.width)
        for f in warnings:
            wrapper.row(buffer, mark, 3, f"{f.subject.id} [{f.rule_id}]: {f.warning}")
            if buffer.tell() >= CHUNK_CHARS:
                yield _lines_so_far(buffer)
    _evidence(buffer, result, paint, options.width)
    _verdict(console, analysis)
    # rich pads table cells to the full width; trailing blanks only get in the way
    yield _unpadded(buffer.getvalue())


def _lines_so_far(buffer: io.StringIO) -> str:
    """The buffer's complete lines, unpadded; what follows the last line end stays. Cut
    after a line end, the pieces unpadded one by one read as the whole unpadded."""
    text = buffer.getvalue()
    cut = text.rfind("\n") + 1
    buffer.seek(0)
    buffer.truncate()
    buffer.write(text[cut:])
    return _unpadded(text[:cut])


def _evidence(out: io.StringIO, result: AuditResult, paint: _Painter, width: int) -> None:
    rows = evidence_rows(result)
    if not rows:
        return
    out.write("\n" + paint(EVIDENCE_HEADING, "bold") + "\n")
    wrapper = _Wrapper(width)
    rule_width = max(len(row.rule_id) for row in rows)
    for row in rows:
        label = f"  {row.rule_id:<{rule_width}}"
        wrapper.row(out, label, len(label), f"{row.wants}. To settle most: {row.step}")


class _Painter:
    """ANSI styling of short labels, cached (no-op without colour)."""

    def __init__(self, color: bool) -> None:
        self.color = color
        self.cache: dict[tuple[str, str], str] = {}

    def __call__(self, text: str, style: str) -> str:
        text = for_terminal(text)
        if not self.color:
            return text
        key = (text, style)
        painted = self.cache.get(key)
        if painted is None:
            painted = self.cache[key] = Style.parse(style).render(
                text, color_system=ColorSystem.STANDARD
            )
        return painted


class _Wrapper:
    """Wraps text into a column (long words folded); repeated texts are wrapped once."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.cache: dict[tuple[str, int], str] = {}

    def row(self, out: io.StringIO, label: str, label_width: int, text: str) -> None:
        """`label text…`, the text's further lines indented under its first line."""
        key = (text, label_width)
        body = self.cache.get(key)
        if body is None:
            indent = label_width + 1
            lines = textwrap.wrap(
                for_terminal(text), max(10, self.width - indent), break_on_hyphens=False
            ) or [""]
            body = self.cache[key] = ("\n" + " " * indent).join(lines) + "\n"
        out.write(f"{label} {body}")


def _marks(paint: _Painter) -> dict[tuple[Outcome, str], tuple[str, int]]:
    """`  FAIL    P3` per outcome and priority label: painted, and its width."""
    marks = {}
    for outcome in Outcome:
        for label in ("", "P1", "P2", "P3", "P4"):
            plain = f"  {OUTCOME_LABEL[outcome]:<7} {label:<2}"
            marks[(outcome, label)] = (paint(plain, STYLE[outcome]), len(plain))
    return marks


def _mark_key(f: PlannedFinding) -> tuple[Outcome, str]:
    """The outcome and, for un-waived findings, the Schedule D priority."""
    outcome = f.verdict.outcome
    return outcome, f.triage.priority.label if outcome.is_finding else ""


def _by_subject(
    out: io.StringIO, analysis: Analysis, paint: _Painter, width: int
) -> Iterator[None]:
    """Writes the findings under each subject heading, yielding after each heading's."""
    out.write("\n" + paint("Findings by asset and item", "bold") + "\n")
    groups: dict[Subject, list[PlannedFinding]] = defaultdict(list)
    for f in analysis.findings:
        groups[f.subject].append(f)
    labels: dict[str, list[PlannedFinding]] = defaultdict(list)
    for subject, items in groups.items():  # subjects that read the same share a heading
        labels[subject_label(subject)].extend(items)
    marks = _marks(paint)
    wrapper = _Wrapper(width)
    for label, items in labels.items():
        out.write(paint(label, "bold") + "\n")
        rule_ids = {f.rule_id: for_terminal(f.rule_id) for f in items}
        rule_width = max(map(len, rule_ids.values()))
        for f in items:
            mark, mark_width = marks[_mark_key(f)]
            wrapper.row(
                out,
                f"{mark} {rule_ids[f.rule_id]:<{rule_width}}",
                mark_width + 1 + rule_width,
                baselined_text(analysis.result, f, f.verdict.reason),
            )
        yield


def _by_rule(out: io.StringIO, analysis: Analysis, paint: _Painter, width: int) -> Iterator[None]:
    """Writes the findings under each rule heading, yielding after every few hundred."""
    out.write("\n" + paint("Findings by rule", "bold") + "\n")
    groups: dict[str, list[PlannedFinding]] = defaultdict(list)
    for f in analysis.findings:
        groups[f.rule_id].append(f)
    marks = _marks(paint)
    wrapper = _Wrapper(width)
    written = 0
    for rule in analysis.result.ruleset.rules:
        items = groups.get(rule.id)
        if not items:
            continue
        out.write(paint(f"{rule.id} {rule.title}", "bold") + "\n")
        for f in items:
            mark, mark_width = marks[_mark_key(f)]
            reason = baselined_text(analysis.result, f, f.verdict.reason)
            wrapper.row(out, mark, mark_width, f"{subject_label(f.subject)}: {reason}")
            written += 1
            if written % 500 == 0:
                yield
        yield


def _header(console: Console, result: AuditResult) -> None:
    data = result.data
    updates = f"; Windows updates to {data.updates_date.isoformat()}" if data.updates_date else ""
    console.print(Text(for_terminal(f"tma-audit: {result.client.name}"), style="bold"))
    console.print(
        for_terminal(
            f"Audit date {result.as_of.isoformat()} · ruleset {result.ruleset.id} "
            f"{result.ruleset.version}"
        )
    )
    console.print(for_terminal(f"Lifecycle data {data.date.isoformat()} ({data.origin}){updates}"))
    if result.inventory_sources:
        console.print(for_terminal(f"Inventory: {', '.join(result.inventory_sources)}"))
    for note in result.notes:
        console.print(Text(for_terminal(f"Note: {note}"), style="yellow"))
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
        table.add_row(for_terminal(summary.rule_id), for_terminal(summary.title), *cells)
    console.print(table)


def _verdict(console: Console, analysis: Analysis) -> None:
    counts = analysis.result.counts()
    compliant = not (counts[Outcome.FAIL] or counts[Outcome.UNKNOWN])
    console.print()
    style = "bold green" if compliant else "bold red"
    console.print(Text(verdict_line(analysis.result), style=style))
    if analysis.result.baseline is not None:
        console.print(baseline_line(analysis.result))
    console.print(for_terminal(score_line(analysis)))
    console.print(plan_line(analysis))
