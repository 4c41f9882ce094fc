"""Compare two audits (saved JSON reports): what is new, resolved, changed.

Pure: the caller reads the reports (reports/json_input.py) and renders the result.
Findings are matched by their stable identity (identity.finding_id), so reordering
the inventory, new line numbers or a new audit date do not make a finding new.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tma_audit.history import report_assets
from tma_audit.identity import BASELINE_TRACKED, finding_id
from tma_audit.model import AuditResult, Outcome


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    rule: str
    subject: str
    outcome: Outcome
    reason: str


@dataclass(frozen=True, slots=True)
class Change:
    entry: Entry
    old: Outcome


@dataclass(frozen=True, slots=True)
class AssetChange:
    asset: str
    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ScoreChange:
    scope: str  # "client" or "site"
    name: str
    old: float | None  # None: no score (nothing counted, or not in that audit)
    new: float | None


@dataclass(frozen=True, slots=True)
class Diff:
    new: tuple[Entry, ...]
    resolved: tuple[Entry, ...]
    changed: tuple[Change, ...]
    assets_added: tuple[str, ...]
    assets_removed: tuple[str, ...]
    assets_changed: tuple[AssetChange, ...]
    scores: tuple[ScoreChange, ...] = ()

    @property
    def has_new_findings(self) -> bool:
        return bool(self.new) or any(c.entry.outcome.is_finding for c in self.changed)


def _entries(result: AuditResult) -> dict[str, Entry]:
    found: dict[str, Entry] = {}
    for sr in result.results:
        for rule_id, verdict in zip(sr.rule_ids, sr.verdicts, strict=True):
            if verdict.outcome not in BASELINE_TRACKED:  # a finding, or a waived one
                continue
            fid = finding_id(rule_id, sr.subject, verdict)
            found.setdefault(
                fid, Entry(fid, rule_id, sr.subject.id, verdict.outcome, verdict.reason)
            )
    return found


def _order(entry: Entry) -> tuple[str, str, str]:
    return (entry.rule, entry.subject, entry.id)


def compare(old: AuditResult, new: AuditResult) -> Diff:
    before, after = _entries(old), _entries(new)
    added = [e for fid, e in after.items() if fid not in before and e.outcome.is_finding]
    gone = [e for fid, e in before.items() if fid not in after]
    changed = [
        Change(e, before[fid].outcome)
        for fid, e in after.items()
        if fid in before and before[fid].outcome != e.outcome
    ]
    # host (case-folded) -> (host, site, OS release): a monthly patch is not a change
    old_assets, new_assets = report_assets(old), report_assets(new)
    asset_changes = [
        AssetChange(facts[0], field, was[index], facts[index])
        for key, facts in sorted(new_assets.items())
        if (was := old_assets.get(key)) is not None
        for field, index in (("os", 2), ("site", 1))
        if was[index] != facts[index] and (field == "site" or (was[index] and facts[index]))
    ]
    return Diff(
        scores=_scores(old, new),
        new=tuple(sorted(added, key=_order)),
        resolved=tuple(sorted(gone, key=_order)),
        changed=tuple(sorted(changed, key=lambda c: _order(c.entry))),
        assets_added=tuple(new_assets[k][0] for k in sorted(set(new_assets) - set(old_assets))),
        assets_removed=tuple(old_assets[k][0] for k in sorted(set(old_assets) - set(new_assets))),
        assets_changed=tuple(asset_changes),
    )


def _scores(old: AuditResult, new: AuditResult) -> tuple[ScoreChange, ...]:
    """The client's score and each site's, before and after (docs/reports.md's score)."""
    from tma_audit.plan import analyse

    before, after = analyse(old), analyse(new)
    changes = [
        ScoreChange("client", new.client.name, before.client_score.value, after.client_score.value)
    ]
    old_sites = {s.scope: s.value for s in before.site_scores}
    new_sites = {s.scope: s.value for s in after.site_scores}
    for name in sorted(set(old_sites) | set(new_sites)):
        changes.append(ScoreChange("site", name, old_sites.get(name), new_sites.get(name)))
    return tuple(changes)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def score_lines(diff: Diff) -> list[str]:
    return [f"{s.scope} {s.name}: {_pct(s.old)} -> {_pct(s.new)}" for s in diff.scores]


def _entry_json(entry: Entry) -> dict[str, str]:
    return {
        "id": entry.id,
        "rule": entry.rule,
        "subject": entry.subject,
        "outcome": entry.outcome.value,
        "reason": entry.reason,
    }


def render_json(diff: Diff) -> str:
    data = {
        "format": "tma-audit-diff",
        "format_version": "1.0",
        "new": [_entry_json(e) for e in diff.new],
        "resolved": [_entry_json(e) for e in diff.resolved],
        "changed": [{**_entry_json(c.entry), "old_outcome": c.old.value} for c in diff.changed],
        "scores": [
            {"scope": s.scope, "name": s.name, "old": s.old, "new": s.new} for s in diff.scores
        ],
        "assets": {
            "added": list(diff.assets_added),
            "removed": list(diff.assets_removed),
            "changed": [
                {"asset": a.asset, "field": a.field, "old": a.old, "new": a.new}
                for a in diff.assets_changed
            ],
        },
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_text(diff: Diff) -> str:
    lines = [
        f"New findings: {len(diff.new)}",
        *(f"  + {e.rule} {e.subject} [{e.outcome.value}] {e.reason}" for e in diff.new),
        f"Resolved findings: {len(diff.resolved)}",
        *(f"  - {e.rule} {e.subject} [{e.outcome.value}]" for e in diff.resolved),
        f"Changed outcomes: {len(diff.changed)}",
        *(
            f"  ~ {c.entry.rule} {c.entry.subject} {c.old.value} -> {c.entry.outcome.value}"
            for c in diff.changed
        ),
        f"Assets added: {len(diff.assets_added)}",
        *(f"  + {a}" for a in diff.assets_added),
        f"Assets removed: {len(diff.assets_removed)}",
        *(f"  - {a}" for a in diff.assets_removed),
        f"Assets changed: {len(diff.assets_changed)}",
        *(f"  ~ {a.asset} {a.field}: {a.old} -> {a.new}" for a in diff.assets_changed),
        "Scores:",
        *(f"  {line}" for line in score_lines(diff)),
    ]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Text safe in a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(diff: Diff) -> str:
    """For a pull-request comment: counts, then a table per non-empty section."""
    lines = [
        "## tma-audit diff",
        "",
        f"**{len(diff.new)}** new, **{len(diff.resolved)}** resolved, "
        f"**{len(diff.changed)}** changed findings; assets: {len(diff.assets_added)} added, "
        f"{len(diff.assets_removed)} removed, {len(diff.assets_changed)} changed.",
        "",
        *(f"- Score, {_md(line)}" for line in score_lines(diff)),
    ]
    for title, header, rows in sections(diff):
        lines += ["", f"### {title}", "", "| " + " | ".join(header) + " |"]
        lines += ["|" + "---|" * len(header)]
        lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


#: a section of the diff for people: (title, column headings, rows of cells)
Section = tuple[str, tuple[str, ...], list[tuple[str, ...]]]


def sections(diff: Diff) -> list[Section]:
    """The non-empty sections a Markdown or HTML diff shows, in order."""
    finding = ("Rule", "Subject", "Outcome", "Reason")
    found: list[Section] = [
        (
            "New findings",
            finding,
            [(e.rule, e.subject, e.outcome.value, e.reason) for e in diff.new],
        ),
        (
            "Resolved findings",
            finding,
            [(e.rule, e.subject, e.outcome.value, e.reason) for e in diff.resolved],
        ),
        (
            "Changed outcomes",
            finding,
            [
                (
                    c.entry.rule,
                    c.entry.subject,
                    f"{c.old.value} → {c.entry.outcome.value}",
                    c.entry.reason,
                )
                for c in diff.changed
            ],
        ),
    ]
    assets: list[tuple[str, ...]] = [(a, "added", "", "") for a in diff.assets_added]
    assets += [(a, "removed", "", "") for a in diff.assets_removed]
    assets += [(a.asset, a.field, a.old, a.new) for a in diff.assets_changed]
    found.append(("Assets", ("Asset", "Change", "Old", "New"), assets))
    return [section for section in found if section[2]]
