"""SARIF 2.1.0 for code scanning: findings annotate the inventory file in a pull request.

One `rule` per ruleset rule (name, clause, help, a `helpUri` to the rule's page under
docs/rules/, `security-severity` and default level from the rule's impact: high → error,
medium → warning, low → note). One `result` per finding: a fail is `kind: fail` with the
level of its impact; an unknown is `kind: review` with `level: none` (SARIF §3.27.10: a
level other than none only with kind fail; unknown is not a fail, a person must supply
evidence); a waived one is `kind: fail` with an accepted external suppression carrying
the waiver's reason. Each result's physical location is the inventory file (YAML or CSV)
and the line where its subject is defined, relative to the SARIF root (`uriBaseId:
%SRCROOT%`; the CLI's `--sarif-root`, by default the repository root above the
inventory); a file outside the root keeps an absolute file URI. The partial fingerprint
`tmaFindingId/v1` is the finding's stable identity (tma_audit/identity.py).

The header is indented; each result is one line, and each shared verdict is encoded
once, as in the JSON report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring_ascii as _string
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from tma_audit.identity import VERSION, fact_text, id_of, subject_text
from tma_audit.model import AuditResult, Impact, Outcome, Rule, Subject, Verdict
from tma_audit.plan import Analysis, Triage, Urgency, analyse
from tma_audit.reports import Memo, RenderOptions, joined_pieces
from tma_audit.reports.summary import hours
from tma_audit.ruledocs import REPOSITORY_URL, documented_rule_ids, rule_doc_url

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVEL: dict[Impact, str] = {Impact.HIGH: "error", Impact.MEDIUM: "warning", Impact.LOW: "note"}
#: GitHub shows `security-severity` (a number string, 0.1-10) as low/medium/high/critical
SECURITY_SEVERITY: dict[Impact, str] = {Impact.HIGH: "8.0", Impact.MEDIUM: "5.5", Impact.LOW: "2.0"}
FINGERPRINT = f"tmaFindingId/{VERSION}"
ROOT_DESCRIPTION = "The SARIF root (tma-audit audit --sarif-root): by default the repository root."
_SENTINEL = "\x00results\x00"


def render_sarif(result: AuditResult, options: RenderOptions) -> str:
    return "".join(sarif_chunks(result, options))


def sarif_chunks(result: AuditResult, options: RenderOptions) -> Iterator[str]:
    """The SARIF log in pieces, to write one after another (never whole in memory)."""
    analysis = analyse(result)
    rules = list(result.ruleset.rules)
    index = {rule.id: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "tma-audit",
                "version": options.tool_version or "0",
                "informationUri": REPOSITORY_URL,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "invocations": [{"executionSuccessful": True}],
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": ROOT_DESCRIPTION}}},
        "artifacts": [
            {"location": _artifact(source, options), "roles": ["analysisTarget"]}
            for source in result.inventory_sources
        ],
        "columnKind": "utf16CodeUnits",
        "properties": _run_properties(result, analysis),
        "results": _SENTINEL,
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    head = json.dumps(log, indent=2)
    cut = head.rindex(json.dumps(_SENTINEL))
    tail = head[cut + len(json.dumps(_SENTINEL)) :] + "\n"
    if not analysis.findings:
        yield head[:cut] + "[]" + tail
        return
    yield head[:cut] + "[\n        "
    yield from joined_pieces(_result_lines(analysis, index, options), ",\n        ")
    yield "\n      ]" + tail


def _rule(rule: Rule) -> dict[str, Any]:
    clauses = "\n".join(f"{c.ref}: {c.text}" for c in rule.clauses)
    remediation = rule.remediation
    payer = f"{remediation.payer.value}, about {hours(remediation.effort_hours)} per item"
    help_text = (
        f"{rule.title}\n\n{clauses}\n\nRemediation ({payer}): {remediation.text}\n\n"
        f"Impact: {rule.impact.value}. Without a fix, a liability waiver: {rule.waiver_text}"
    )
    help_markdown = "\n\n".join(
        [
            f"**{rule.id}: {rule.title}**",
            *(f"> **{c.ref}:** {c.text}" for c in rule.clauses),
            f"**Remediation** ({payer}): {remediation.text}",
            f"**Impact:** {rule.impact.value}. **Waiver text:** {rule.waiver_text}",
        ]
    )
    return {
        "id": rule.id,
        "name": _pascal(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": clauses or rule.title},
        **({"helpUri": rule_doc_url(rule.id)} if rule.id in documented_rule_ids() else {}),
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"enabled": rule.enabled, "level": LEVEL[rule.impact]},
        "properties": {
            "tags": ["security", "tma-audit", "compliance"],
            "security-severity": SECURITY_SEVERITY[rule.impact],
            "impact": rule.impact.value,
            "clauses": [c.ref for c in rule.clauses],
            "payer": remediation.payer.value,
            "effortHours": remediation.effort_hours,
        },
    }


def _pascal(title: str) -> str:
    """`Windows servers run …` → `WindowsServersRun…`."""
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title))


def _artifact(path: str, options: RenderOptions) -> dict[str, str]:
    """A path under the SARIF root as a relative URI under %SRCROOT%; one outside it as
    an absolute file URI. Without a root, a relative path is taken as relative to it."""
    root, cwd = options.sarif_root, options.working_dir
    if root is not None:
        flavour: type[PurePath] = PureWindowsPath if PureWindowsPath(root).drive else PurePosixPath
        full = flavour(path)
        if not full.is_absolute() and cwd is not None:
            full = flavour(cwd) / full
        if full.is_absolute():
            parts: list[str] = []
            for part in full.parts:  # `..` and `.`, without asking the file system
                if part == "..":
                    if len(parts) > 1:
                        parts.pop()
                elif part != ".":
                    parts.append(part)
            full = flavour(*parts)
        try:
            path = full.relative_to(flavour(root)).as_posix()
        except ValueError:
            return {"uri": full.as_uri()} if full.is_absolute() else {"uri": full.as_posix()}
    if PurePosixPath(path).is_absolute():
        return {"uri": PurePosixPath(path).as_uri()}
    if PureWindowsPath(path).is_absolute():
        return {"uri": PureWindowsPath(path).as_uri()}
    posix = PureWindowsPath(path).as_posix() if "\\" in path else path
    return {"uri": quote(posix, safe="/"), "uriBaseId": "%SRCROOT%"}


def _run_properties(result: AuditResult, analysis: Analysis) -> dict[str, Any]:
    data = result.data
    return {
        "client": result.client.name,
        "auditDate": result.as_of.isoformat(),
        "dataDate": data.date.isoformat(),
        "updatesDate": data.updates_date.isoformat() if data.updates_date else None,
        "ruleset": {"id": result.ruleset.id, "version": result.ruleset.version},
        "score": {
            "client": analysis.client_score.value,
            "sites": [{"name": s.scope, "score": s.value} for s in analysis.site_scores],
        },
        "notes": list(result.notes),
    }


def _result_lines(
    analysis: Analysis, index: dict[str, int], options: RenderOptions
) -> Iterator[str]:
    """One line per finding, from parts encoded once per shared verdict and per subject."""
    encode = json.JSONEncoder(sort_keys=True).encode
    shared: Memo[tuple[str, int, Urgency], tuple[str, str, str]] = Memo()
    subjects: Memo[int, tuple[str, str, str, str]] = Memo()  # by id(subject): one object each
    facts: Memo[int, str] = Memo()  # by id(verdict): the identity's fact, encoded once
    artifacts: dict[str, str] = {}
    # (id(triage), outcome) -> the properties around the evidence: triages are shared
    triages: dict[tuple[int, Outcome], tuple[str, str]] = {}
    baseline = analysis.result.baseline
    for f in analysis.findings:
        subject = f.subject
        urgency = f.triage.urgency
        key = (f.rule_id, id(f.verdict), urgency)
        parts = shared.get(key)
        if parts is None:
            parts = shared[key] = _shared(f.rule_id, f.verdict, f.triage, index, encode, triages)
        head, reason, tail = parts
        about = subjects.get(id(subject))
        if about is None:
            about = subjects[id(subject)] = _subject_parts(subject, artifacts, options)
        where, name, properties, subject_key = about
        fact = facts.get(id(f.verdict))
        if fact is None:
            fact = facts[id(f.verdict)] = fact_text(f.verdict)
        fingerprint = id_of(f.rule_id, subject_key, fact)
        state = ""
        if baseline is not None:  # SARIF §3.27.24: new, or unchanged since the baseline
            state = f'"baselineState": "{"unchanged" if fingerprint in baseline else "new"}", '
        # the parts are JSON string contents already escaped: they concatenate safely
        yield (
            f'{{{head}{state}{where}"message": {{"text": "{name}: {reason}"}}, '
            f'"partialFingerprints": {{"{FINGERPRINT}": "{fingerprint}"}}, '
            f"{properties}{tail}"
        )


def _subject_parts(
    subject: Subject, artifacts: dict[str, str], options: RenderOptions
) -> tuple[str, str, str, str]:
    """A subject's locations, escaped name, first properties and identity part."""
    location = subject.location
    physical = ""
    if location is not None:
        artifact = artifacts.get(location.file)
        if artifact is None:
            artifact = artifacts[location.file] = json.dumps(
                _artifact(location.file, options), sort_keys=True
            )
        physical = (
            f'"physicalLocation": {{"artifactLocation": {artifact}, '
            f'"region": {{"startLine": {max(1, location.line)}}}}}, '
        )
    qualified = "/".join(p for p in (subject.site, subject.id) if p)
    logical = (
        f'{{"fullyQualifiedName": {_string(qualified)}, "kind": "{subject.type.value}", '
        f'"name": {_string(subject.id)}}}'
    )
    where = f'"locations": [{{{physical}"logicalLocations": [{logical}]}}], '
    properties = (
        f'"properties": {{"site": {_string(subject.site or "")}, '
        f'"subjectType": "{subject.type.value}", '
    )
    return where, _string(subject.id)[1:-1], properties, subject_text(subject)


def _shared(
    rule_id: str,
    verdict: Verdict,
    triage: Triage,
    index: dict[str, int],
    encode: Callable[[object], str],
    triages: dict[tuple[int, Outcome], tuple[str, str]],
) -> tuple[str, str, str]:
    """The parts of a result shared by every subject with this verdict and scope. The
    properties are encoded in three parts (keys sorted, as the whole would be): those
    before the evidence and after it depend on the triage and outcome only."""
    outcome = verdict.outcome
    # SARIF §3.27.10: a level other than none only with kind fail
    was = dict(verdict.evidence).get("waived_outcome") if outcome == Outcome.WAIVED else None
    if outcome == Outcome.UNKNOWN or was == Outcome.UNKNOWN.value:
        kind, level = "review", "none"  # a waived unknown stays a review, suppressed
    else:
        kind, level = "fail", LEVEL[triage.impact]
    head = f'"kind": "{kind}", "level": "{level}", '
    around = triages.get((id(triage), outcome))
    if around is None:
        before = {"due": triage.due.isoformat(), "effortHours": triage.effort_hours}
        after = {
            "impact": triage.impact.value,
            "outcome": outcome.value,
            "payer": triage.payer_text,
            "priority": triage.priority.level,
            "priorityName": triage.priority.name,
            "urgency": triage.urgency.value,
        }
        around = triages[(id(triage), outcome)] = (encode(before)[1:-1], encode(after)[1:])
    # the rest of the properties object, after site/type
    props = f'{around[0]}, "evidence": {encode(dict(verdict.evidence))}, {around[1]}'
    tail = f'{props}, "ruleId": {encode(rule_id)}, "ruleIndex": {index[rule_id]}'
    if outcome == Outcome.WAIVED:
        suppression = {"kind": "external", "status": "accepted", "justification": verdict.reason}
        tail += f', "suppressions": [{encode(suppression)}]'
    return head, _string(verdict.reason)[1:-1], tail + "}"
