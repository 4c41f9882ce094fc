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
from tma_audit.plan import PlannedFinding, analyse
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
    subject, the rule's own cells once per rule, the priority and payment cells once per
    (triage, outcome), the reason and evidence once per verdict. (CSV quotes each cell
    on its own, so cells encoded apart and joined by commas are the line encoded whole;
    each fragment has two cells or more, as a single empty cell would be written `""`.)"""
    analysis = analyse(result)
    line = CsvLine()
    client = analysis.result.client.name
    rules = {
        rule_id: (
            line([rule.id, rule.title]),
            line([rule.remediation.text, "; ".join(c.ref for c in rule.clauses)]),
        )
        for rule_id, rule in analysis.rules.items()
    }
    triages: dict[tuple[int, Outcome], str] = {}  # triages are shared: a few dozen
    verdicts: Memo[int, str] = Memo()  # by id(verdict)
    subjects: Memo[int, tuple[str, str]] = Memo()  # by id(subject): one object per subject
    baselined = result.baseline is not None  # then a last column: "yes" or "no"
    yield line((*FINDING_COLUMNS, "baselined") if baselined else FINDING_COLUMNS) + "\r\n"
    for f in ordered_findings(analysis):
        subject = f.subject
        verdict = f.verdict
        triage = f.triage
        key = (id(triage), f.outcome)
        priority = triages.get(key)
        if priority is None:
            priority = triages[key] = line(_priority_cells(f))
        reason = verdicts.get(id(verdict))
        if reason is None:
            reason = verdicts[id(verdict)] = line([verdict.reason, evidence_text(verdict)])
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
        head, tail = rules[f.rule_id]
        if baselined:
            known = in_baseline(result, f.rule_id, subject, verdict)
            yield (
                f"{ends[0]},{head},{priority},{reason},{tail},{ends[1]},"
                f"{'yes' if known else 'no'}\r\n"
            )
        else:
            yield f"{ends[0]},{head},{priority},{reason},{tail},{ends[1]}\r\n"


def _priority_cells(f: PlannedFinding) -> list[str]:
    """From outcome to effort: what the finding's triage and outcome say."""
    triage = f.triage
    waived = f.outcome == Outcome.WAIVED
    return [
        f.outcome.value,
        "" if waived else str(triage.priority.level),
        "" if waived else triage.priority.name,
        triage.impact.value,
        triage.urgency.value,
        "" if waived else triage.due.isoformat(),
        triage.payer_text,
        f"{triage.effort_hours:g}",
    ]
