"""The remediation plan: PSA-importable CSV rows, or a table for people.

The CSV has one row per work item with the columns a PSA ticket import maps
(ConnectWise Manage, Autotask, HaloPSA): summary (at most 100 characters), description,
priority, due date, company, site, configuration item; then the rule, who pays, the
effort and the item count. A work item about one device, piece of software, product or
application names it as the configuration item; one about several lists them in the
description (at most `LISTED`) and leaves the configuration item empty, as does one
about the company or a site. Cells are neutralised against formula injection.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from tma_audit.model import AuditResult, SubjectType
from tma_audit.plan import Plan, WorkItem, analyse
from tma_audit.reports import RenderOptions
from tma_audit.reports.csv_report import write_rows
from tma_audit.reports.summary import hours, location_text, plan_line, score_line
from tma_audit.reports.table import terminal, text_of
from tma_audit.safetext import for_terminal

PLAN_COLUMNS = (
    "summary",
    "description",
    "priority",
    "due_date",
    "company",
    "site",
    "configuration_item",
    "work_item",
    "rule",
    "payer",
    "effort_hours",
    "items",
    "evidence_needed",
)
#: Subjects listed in a work item's description; the rest are counted.
LISTED = 50
#: Subjects that are not configuration items in a PSA (the company, a site).
_NOT_CONFIGURATION_ITEMS = frozenset(
    {SubjectType.CLIENT, SubjectType.ENVIRONMENT, SubjectType.SITE}
)


def render_plan_csv(result: AuditResult, options: RenderOptions) -> str:
    plan = analyse(result).plan
    return write_rows(PLAN_COLUMNS, (_row(plan, item) for item in plan.items))


def _row(plan: Plan, item: WorkItem) -> list[str]:
    triage = item.triage
    subject = item.findings[0].subject
    single = len(item.findings) == 1 and subject.type not in _NOT_CONFIGURATION_ITEMS
    return [
        item.summary,
        description(item),
        triage.priority.title,
        triage.due.isoformat(),
        plan.client,
        item.site or "",
        subject.id if single else "",
        item.id,
        item.rule.id,
        triage.payer_text,
        f"{item.effort_hours:g}",
        str(len(item.findings)),
        "yes" if item.evidence_needed else "no",
    ]


def description(item: WorkItem) -> str:
    """The ticket text: what to do, who pays, the targets, the clause, each item."""
    triage = item.triage
    priority = triage.priority
    clauses = "; ".join(f"{c.ref}: {c.text}" for c in item.rule.clauses)
    lines = [
        item.action,
        f"Who pays: {triage.payer_text}; effort {hours(triage.effort_hours)} per item, "
        f"{hours(item.effort_hours)} in all.",
        f"{priority.title} (impact {triage.impact.value}, urgency {triage.urgency.value}): "
        f"respond within {hours(priority.respond_hours)}, resolution plan within "
        f"{hours(priority.plan_hours)}, resolved within {hours(priority.resolve_hours)} "
        f"(by {triage.due.isoformat()}).",
        f"Clause: {clauses}",
        f"Items ({len(item.findings)}):",
    ]
    for f in item.findings[:LISTED]:
        where = location_text(f.subject)
        lines.append(f"- {f.subject.id}: {f.verdict.reason}" + (f" [{where}]" if where else ""))
    if len(item.findings) > LISTED:
        lines.append(f"- ... and {len(item.findings) - LISTED} more (see the full report)")
    return "\n".join(lines)


def render_plan_table(result: AuditResult, options: RenderOptions) -> str:
    analysis = analyse(result)
    plan = analysis.plan
    console = terminal(options)
    console.print(Text(for_terminal(f"Remediation plan: {plan.client}"), style="bold"))
    console.print(for_terminal(f"Audit date {plan.as_of.isoformat()} · {score_line(analysis)}"))
    console.print()
    if plan.items:
        table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
        table.add_column("Item", no_wrap=True)
        table.add_column("P", no_wrap=True)
        table.add_column("Due", no_wrap=True)
        table.add_column("Work", ratio=1, overflow="fold")
        table.add_column("Who pays", overflow="fold")
        table.add_column("Hours", justify="right", no_wrap=True)
        for item in plan.items:
            table.add_row(
                for_terminal(item.id),
                item.triage.priority.label,
                item.triage.due.isoformat(),
                for_terminal(item.summary),
                for_terminal(item.triage.payer_text),
                f"{item.effort_hours:g}",
            )
        console.print(table)
        console.print()
    console.print(plan_line(analysis))
    return text_of(console)
