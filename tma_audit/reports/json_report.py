"""The JSON report: versioned, documented in docs/json-report.md, stable ordering.

Top-level keys are indented for reading; each result is one line, so diffs of a saved
report show one changed line per changed outcome and 200,000 results render quickly.
"""

from __future__ import annotations

import json
from typing import Any

from tma_audit.model import AuditResult, Finding, Outcome
from tma_audit.reports import RenderOptions
from tma_audit.reports.summary import rule_summaries

FORMAT_NAME = "tma-audit-report"
FORMAT_VERSION = "1.0"


def render_json(result: AuditResult, options: RenderOptions) -> str:
    header = report_header(result, options)
    dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    lines = [dumps(_finding(f)) for f in result.findings]
    head = json.dumps(header, ensure_ascii=False, indent=2, sort_keys=True)
    body = ",\n    ".join(lines)
    results = f"[\n    {body}\n  ]" if lines else "[]"
    # The header's keys are sorted; "results" comes last so the header reads first.
    return head[:-2] + f',\n  "results": {results}\n}}\n'


def report_header(result: AuditResult, options: RenderOptions) -> dict[str, Any]:
    counts = result.counts()
    ruleset = result.ruleset
    data = result.data
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "tool": {"name": "tma-audit", "version": options.tool_version},
        "audit_date": result.as_of.isoformat(),
        "client": {
            "name": result.client.name,
            "contact": result.client.contact,
            "sites": [{"name": s.name, "internet": s.internet} for s in result.client.sites],
        },
        "inventory": list(result.inventory_sources),
        "ruleset": {
            "id": ruleset.id,
            "version": ruleset.version,
            "title": ruleset.title,
            "parameters": ruleset.parameters,
        },
        "data": {
            "date": data.date.isoformat(),
            "updates_date": data.updates_date.isoformat() if data.updates_date else None,
            "origin": data.origin,
            "sources": [{"source": s, "date": d} for s, d in data.sources],
        },
        "summary": {
            "outcomes": {o.value: counts[o] for o in Outcome},
            "findings": counts[Outcome.FAIL] + counts[Outcome.UNKNOWN],
            "by_rule": {
                s.rule_id: {o.value: s.counts[o] for o in Outcome} for s in rule_summaries(result)
            },
        },
        "notes": list(result.notes),
        "rules": [
            {
                "id": rule.id,
                "title": rule.title,
                "enabled": rule.enabled,
                "clauses": [{"ref": c.ref, "text": c.text} for c in rule.clauses],
                "check": rule.check,
                "params": rule.params,
                "impact": rule.impact.value,
                "remediation": {
                    "text": rule.remediation.text,
                    "payer": rule.remediation.payer.value,
                    "effort_hours": rule.remediation.effort_hours,
                },
                "waiver": rule.waiver_text,
            }
            for rule in ruleset.rules
        ],
    }


def _finding(f: Finding) -> dict[str, Any]:
    subject = f.subject
    out: dict[str, Any] = {
        "rule": f.rule_id,
        "subject": {
            "type": subject.type.value,
            "id": subject.id,
        },
        "outcome": f.outcome.value,
        "reason": f.reason,
    }
    if subject.site is not None:
        out["subject"]["site"] = subject.site
    if subject.kind is not None:
        out["subject"]["kind"] = subject.kind.value
    if subject.location is not None:
        out["subject"]["file"] = subject.location.file
        out["subject"]["line"] = subject.location.line
    if f.evidence:
        out["evidence"] = dict(f.evidence)
    if f.warning:
        out["warning"] = f.warning
    return out
