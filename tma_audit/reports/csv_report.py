"""CSV for spreadsheets: one row per finding (fail, unknown, waived), RFC 4180.

A cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`,
a tab or a carriage return) gets a leading apostrophe, so a host name like
`=HYPERLINK(...)` stays text. Rows come most urgent first, like the HTML table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from tma_audit.identity import in_baseline
from tma_audit.model import AuditResult, Outcome
from tma_audit.plan import URGENCY_BY_SUBJECT, Analysis, PlannedFinding, Urgency, analyse
from tma_audit.reports import Memo, RenderOptions, joined_pieces
from tma_audit.reports.summary import evidence_text, ordered_findings

FINDING_COLUMNS = (
    "client",
    "site",
    "subject_type",
    "subject",
    "kind",
    "rule",
    "rule_title",
    "outcome",
    "priority",
    "priority_name",
    "impact",
    "urgency",
    "resolve_by",
    "payer",
    "effort_hours",
    "reason",
    "evidence",
    "remediation",
    "clauses",
    "file",
    "line",
)

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """The value, with a leading apostrophe if a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(_TRIGGERS) else value


class CsvLine:
    """Encodes cells as one CSV line fragment (no line end), each cell neutralised."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        # the real line end, so cells holding one are quoted; it is cut off below
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def __call__(self, cells: Iterable[str]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow([safe_cell(cell) for cell in cells])
        return self._buffer.getvalue()[:-2]


def write_rows(columns: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """CSV text (CRLF line ends, minimal quoting), every cell neutralised."""
    line = CsvLine()
    return "".join(line(row) + "\r\n" for row in [columns, *rows])


def render_csv(result: AuditResult, options: RenderOptions) -> str:
    return "".join(csv_chunks(result, options))


def csv_chunks(result: AuditResult, options: RenderOptions) -> Iterator[str]:
    """The CSV in pieces, to write one after another (never whole in memory)."""
    return joined_pieces(_lines(result), "")


def _lines(result: AuditResult) -> Iterator[str]:
    """One line per finding, from fragments encoded once: the subject's cells once per
    subject, the rule-and-verdict cells once per shared verdict."""
    analysis = analyse(result)
    line = CsvLine()
    client = analysis.result.client.name
    shared: Memo[tuple[str, int, Urgency], str] = Memo()
    subjects: Memo[int, tuple[str, str]] = Memo()  # by id(subject): one object per subject
    baselined = result.baseline is not None  # then a last column: "yes" or "no"
    yield line((*FINDING_COLUMNS, "baselined") if baselined else FINDING_COLUMNS) + "\r\n"
    for f in ordered_findings(analysis):
        subject = f.subject
        key = (f.rule_id, id(f.verdict), URGENCY_BY_SUBJECT[subject.type])
        middle = shared.get(key)
        if middle is None:
            middle = shared[key] = line(_shared(analysis, f))
        ends = subjects.get(id(subject))
        if ends is None:
            location = subject.location
            ends = subjects[id(subject)] = (
                line(
                    [
                        client,
                        subject.site or "",
                        subject.type.value,
                        subject.id,
                        subject.kind.value if subject.kind is not None else "",
                    ]
                ),
                line(
                    [
                        location.file if location is not None else "",
                        str(location.line) if location is not None else "",
                    ]
                ),
            )
        if baselined:
            known = in_baseline(result, f.rule_id, subject, f.verdict)
            yield f"{ends[0]},{middle},{ends[1]},{'yes' if known else 'no'}\r\n"
        else:
            yield f"{ends[0]},{middle},{ends[1]}\r\n"


def _shared(analysis: Analysis, f: PlannedFinding) -> list[str]:
    rule = analysis.rules[f.rule_id]
    triage = f.triage
    waived = f.outcome == Outcome.WAIVED
    return [
        rule.id,
        rule.title,
        f.outcome.value,
        "" if waived else str(triage.priority.level),
        "" if waived else triage.priority.name,
        triage.impact.value,
        triage.urgency.value,
        "" if waived else triage.due.isoformat(),
        triage.payer_text,
        f"{triage.effort_hours:g}",
        f.verdict.reason,
        evidence_text(f.verdict),
        rule.remediation.text,
        "; ".join(c.ref for c in rule.clauses),
    ]
