"""Waiver drafts: which findings go into which document, and the register to complete.

Pure: from an audit result (and the inventory's asset details) to DraftDocuments, which
`tma_audit.waivers.pdf` renders, and to the text of a companion register with one entry
per waived item, which the engineer completes once the client has signed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tma_audit.errors import InputError
from tma_audit.model import (
    AuditResult,
    Inventory,
    Outcome,
    Rule,
    Ruleset,
    Subject,
    SubjectType,
    Verdict,
)
from tma_audit.plan import Priority, Urgency, priority_for, urgency_of
from tma_audit.waivers.expiry import WaiverPolicy
from tma_audit.waivers.matching import fold, host_of
from tma_audit.waivers.waiver import Grouping, Scope

ITEM_KINDS: dict[SubjectType, str] = {
    SubjectType.CLIENT: "client (company-wide)",
    SubjectType.ENVIRONMENT: "environment (company-wide)",
    SubjectType.SITE: "site",
    SubjectType.ANTIVIRUS: "antivirus product",
    SubjectType.BACKUP: "backup product",
    SubjectType.APPLICATION: "line-of-business application",
}
_LEGAL_SUFFIXES = frozenset(
    {"ltd", "limited", "gmbh", "inc", "llc", "plc", "ag", "sa", "bv", "co", "corp", "kk", "the"}
)


@dataclass(frozen=True, slots=True)
class AssetInfo:
    """A row of a draft's "affected assets" table."""

    name: str
    kind: str
    os: str | None = None
    site: str | None = None


@dataclass(frozen=True, slots=True)
class DraftItem:
    """One finding in a draft: a row of its findings table."""

    number: int
    subject: Subject
    rule: Rule
    verdict: Verdict
    #: Schedule D, as the reports and the remediation plan compute it
    urgency: Urgency
    priority: Priority
    #: the register entry this finding belongs to
    waiver_id: str
    #: other rules that state the same fact about the same item (MS-3 and SC-7: the
    #: same finding, the same reason), cited beside `rule` in one row
    also: tuple[Rule, ...] = ()

    @property
    def rules(self) -> tuple[Rule, ...]:
        return (self.rule, *self.also)


@dataclass(frozen=True, slots=True)
class DraftRow:
    """One row of a draft's findings table: one kind of fact (the same rules, outcome and
    finding up to its numbers: dates, builds, versions) and every item it was found on."""

    number: int
    rules: tuple[Rule, ...]
    outcome: Outcome
    #: each exact text found and on how many items, the most frequent first
    reasons: tuple[tuple[str, int], ...]
    #: the findings, in the audit's order
    items: tuple[DraftItem, ...]
    #: the most urgent of the items' priorities (lowest level)
    priority: Priority
    urgency: Urgency

    @property
    def reason(self) -> str:
        return self.reasons[0][0]

    @property
    def subjects(self) -> tuple[Subject, ...]:
        return tuple(item.subject for item in self.items)


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One pre-filled register entry: one waived item and the rules it fails."""

    id: str
    document_id: str
    subject: Subject
    rules: tuple[str, ...]
    scope: Scope
    reasons: tuple[tuple[str, str], ...]  # (rule id, reason), for the comment above it


@dataclass(frozen=True, slots=True)
class DraftDocument:
    document_id: str
    version: int
    #: what the document covers: "All sites", "Site York Branch", "Rule MS-3", …
    scope_label: str
    #: ASCII words for the file name
    slug: str
    result: AuditResult
    assets: tuple[AssetInfo, ...]
    items: tuple[DraftItem, ...]
    #: the rules its findings cite, in ruleset order
    rules: tuple[Rule, ...]
    expires: dt.date
    controls: tuple[str, ...]
    entries: tuple[RegisterEntry, ...]
    #: the findings table: one row per (rules, outcome, kind of finding); `group_rows`
    rows: tuple[DraftRow, ...]

    @property
    def file_name(self) -> str:
        """A safe file name: only ASCII letters, digits, '-' and '.', never a path."""
        return safe_file_name(self.document_id, self.slug, ".pdf")

    @property
    def csv_name(self) -> str:
        """The per-item list beside the PDF: the same name, `.csv`."""
        return safe_file_name(self.document_id, self.slug, ".csv")


@dataclass(frozen=True, slots=True)
class DraftOptions:
    grouping: Grouping = Grouping.CLIENT
    #: also draft waivers for unknowns (missing evidence), not only failures
    include_unknown: bool = False
    #: only these rule IDs (upper case); None for all
    rules: frozenset[str] | None = None
    #: the expiry / review date; None for the audit date + waiver_review_days
    expires: dt.date | None = None
    controls: tuple[str, ...] = ()
    version: int = 1


def default_expiry(result: AuditResult) -> dt.date:
    policy = WaiverPolicy.from_parameters(result.ruleset.parameters)
    return result.as_of + dt.timedelta(days=policy.review_days)


def rule_filter(text: str | None, ruleset: Ruleset) -> frozenset[str] | None:
    """`--rules MS-3,sc-7`: the rule IDs (upper case) to draft for; None for all."""
    if text is None:
        return None
    known = {rule.id.upper() for rule in ruleset.rules}
    wanted = {item.strip().upper() for item in text.split(",") if item.strip()}
    unknown = sorted(wanted - known)
    if unknown or not wanted:
        raise InputError(
            f"unknown rule {', '.join(unknown) or '(none given)'}; ruleset {ruleset.id} has: "
            f"{', '.join(rule.id for rule in ruleset.rules)}",
            field="--rules",
        )
    return frozenset(wanted)


def check_expiry(expiry: dt.date, result: AuditResult) -> dt.date:
    """`--expires`: after the audit date and at most waiver_max_days later."""
    policy = WaiverPolicy.from_parameters(result.ruleset.parameters)
    longest = result.as_of + dt.timedelta(days=policy.max_days)
    if not result.as_of < expiry <= longest:
        raise InputError(
            f"{expiry.isoformat()} must be after the audit date {result.as_of.isoformat()} "
            f"and at most {policy.max_days} days later ({longest.isoformat()}; ruleset "
            "parameter waiver_max_days)",
            field="--expires",
        )
    return expiry


def clean_controls(controls: Iterable[str]) -> tuple[str, ...]:
    """Compensating controls to print: white space runs as one space, blank ones dropped."""
    return tuple(" ".join(c.split()) for c in controls if c.strip())


def asset_details(inventory: Inventory) -> dict[str, AssetInfo]:
    """Each asset's kind, OS or firmware and site, by folded host name."""
    details: dict[str, AssetInfo] = {}
    for asset in inventory.assets:
        kind = asset.kind.value + (f" ({asset.model})" if asset.model else "")
        os_text = asset.os.describe() if asset.os is not None else None
        details[fold(asset.hostname)] = AssetInfo(asset.hostname, kind, os_text, asset.site)
    return details


def details_from_result(result: AuditResult) -> dict[str, AssetInfo]:
    """Asset details from the audit itself (a saved JSON report): OS from the evidence."""
    details: dict[str, AssetInfo] = {}
    for subject, _rule_ids, verdicts in result.results:
        if subject.type != SubjectType.ASSET:
            continue
        os_text = None
        for verdict in verdicts:
            evidence = dict(verdict.evidence)
            os_text = evidence.get("os") or evidence.get("firmware")
            if os_text:
                break
        kind = subject.kind.value if subject.kind is not None else "asset"
        details[fold(subject.id)] = AssetInfo(subject.id, kind, os_text, subject.site)
    return details


def waivable(verdict: Verdict, include_unknown: bool) -> bool:
    if verdict.outcome == Outcome.FAIL:
        return True
    return include_unknown and verdict.outcome == Outcome.UNKNOWN


def plan_drafts(
    result: AuditResult,
    details: Mapping[str, AssetInfo],
    options: DraftOptions,
) -> tuple[DraftDocument, ...]:
    """The drafts for the audit's fail (and optionally unknown) findings, in a stable order.

    Documents are numbered in the order of their first finding (the audit's order:
    client, environment, sites, assets, software, products, applications); register
    entries are numbered across all documents.
    """
    rules = {rule.id: rule for rule in result.ruleset.rules}
    groups: dict[tuple[str, str], list[tuple[Subject, Rule, Verdict, tuple[Rule, ...]]]] = {}
    for subject, rule_ids, verdicts in result.results:
        # one fact per (outcome, reason) of an item: MS-3 and SC-7 state the same one
        facts: dict[tuple[Outcome, str], list[tuple[Rule, Verdict]]] = {}
        for rule_id, verdict in zip(rule_ids, verdicts, strict=True):
            if not waivable(verdict, options.include_unknown):
                continue
            if options.rules is not None and rule_id.upper() not in options.rules:
                continue
            facts.setdefault((verdict.outcome, verdict.reason), []).append(
                (rules[rule_id], verdict)
            )
        for pairs in facts.values():
            rule, verdict = pairs[0]
            also = tuple(other for other, _ in pairs[1:])
            key = _group_key(options.grouping, subject, rule, result)
            groups.setdefault(key, []).append((subject, rule, verdict, also))
    code = client_code(result.client.name)
    stamp = result.as_of.strftime("%Y%m%d")
    expires = options.expires or default_expiry(result)
    order = {rule.id: index for index, rule in enumerate(result.ruleset.rules)}
    documents: list[DraftDocument] = []
    entry_number = 0
    for number, ((label, slug), findings) in enumerate(groups.items(), start=1):
        document_id = f"WD-{code}-{stamp}-{number:03d}"
        # one register entry per item (subject), with every rule it fails in this draft
        by_subject: dict[Subject, list[tuple[Rule, Verdict]]] = {}
        for subject, rule, verdict, also in findings:
            by_subject.setdefault(subject, []).extend((r, verdict) for r in (rule, *also))
        entries: list[RegisterEntry] = []
        entry_of: dict[Subject, str] = {}
        for subject, pairs in by_subject.items():
            entry_number += 1
            entry_id = f"W-{stamp}-{entry_number:04d}"
            entry_of[subject] = entry_id
            entries.append(
                RegisterEntry(
                    id=entry_id,
                    document_id=document_id,
                    subject=subject,
                    rules=tuple(rule.id for rule, _ in pairs),
                    scope=scope_of(subject),
                    reasons=tuple((rule.id, verdict.reason) for rule, verdict in pairs),
                )
            )
        items = tuple(
            DraftItem(
                number=index,
                subject=subject,
                rule=rule,
                verdict=verdict,
                urgency=urgency_of(subject.type, verdict),
                priority=priority_for(rule.impact, urgency_of(subject.type, verdict)),
                waiver_id=entry_of[subject],
                also=also,
            )
            for index, (subject, rule, verdict, also) in enumerate(findings, start=1)
        )
        cited = sorted({r.id for item in items for r in item.rules}, key=order.__getitem__)
        documents.append(
            DraftDocument(
                document_id=document_id,
                version=options.version,
                scope_label=label,
                slug=slug,
                result=result,
                assets=_assets(by_subject, details),
                items=items,
                rules=tuple(rules[rule_id] for rule_id in cited),
                expires=expires,
                controls=options.controls,
                entries=tuple(entries),
                rows=group_rows(items),
            )
        )
    return tuple(documents)


def group_rows(items: Iterable[DraftItem]) -> tuple[DraftRow, ...]:
    """Findings grouped into rows: the same rules, outcome and kind of finding on many
    items are one row (35,000 desktops past end of support: one row, not 35,000).

    The kind is the reason's first part with its numbers (dates, builds, versions, counts)
    and a leading host name left out (`fact_kind`); the row shows the exact texts with
    their counts, and the CSV beside the PDF each item's own.
    """
    grouped: dict[tuple[tuple[str, ...], Outcome, str], list[DraftItem]] = {}
    for item in items:
        rule_ids = tuple(r.id for r in item.rules)
        key = (rule_ids, item.verdict.outcome, fact_kind(item.verdict.reason))
        grouped.setdefault(key, []).append(item)
    rows = []
    for number, members in enumerate(grouped.values(), start=1):
        first = min(members, key=lambda item: item.priority.level)
        counts: dict[str, int] = {}
        for item in members:
            counts[item.verdict.reason] = counts.get(item.verdict.reason, 0) + 1
        # most frequent first; ties in the audit's order (dicts keep insertion order)
        reasons = sorted(counts.items(), key=lambda pair: -pair[1])
        rows.append(
            DraftRow(
                number=number,
                rules=members[0].rules,
                outcome=members[0].verdict.outcome,
                reasons=tuple(reasons),
                items=tuple(members),
                priority=first.priority,
                urgency=first.urgency,
            )
        )
    return tuple(rows)


_NUMBER = re.compile(r"\d[\d.,:/-]*")
#: "WKF-FW01: licence expired …": a host name (a word with a digit) before the colon
_HOST_PREFIX = re.compile(r"^[A-Za-z0-9._-]*\d[A-Za-z0-9._-]*: ")


def fact_kind(reason: str) -> str:
    """What a reason says, up to its details: "Windows 11 24H2: support ended 2026-10-13"
    and "Windows 11 23H2: support ended 2025-11-11" are one kind of finding."""
    first = reason.split("; ", 1)[0]
    return _NUMBER.sub("#", _HOST_PREFIX.sub("", first))


def _group_key(
    grouping: Grouping, subject: Subject, rule: Rule, result: AuditResult
) -> tuple[str, str]:
    """(scope label, file-name words) of the document a finding goes into."""
    if grouping == Grouping.CLIENT:
        return "All sites", result.client.name
    if grouping == Grouping.SITE:
        if subject.site is None:
            return "Company-wide items", "company-wide"
        return f"Site {subject.site}", f"site {subject.site}"
    if grouping == Grouping.RULE:
        return f"Rule {rule.id}: {rule.title}", rule.id
    return f"{subject.id}, rule {rule.id}", f"{subject.id} {rule.id}"


def _assets(
    by_subject: Mapping[Subject, object], details: Mapping[str, AssetInfo]
) -> tuple[AssetInfo, ...]:
    """Company-wide items, sites, assets (by host name), then products and applications."""
    rows: dict[tuple[int, str], AssetInfo] = {}
    for subject in by_subject:
        host = host_of(subject)
        if host is not None:
            key = (_ROW_RANK[SubjectType.ASSET], fold(host))
            if key not in rows:
                rows[key] = details.get(fold(host)) or AssetInfo(
                    host,
                    subject.kind.value if subject.kind is not None else "asset",
                    None,
                    subject.site,
                )
            continue
        key = (_ROW_RANK[subject.type], fold(subject.id))
        rows.setdefault(key, AssetInfo(subject.id, ITEM_KINDS[subject.type], None, subject.site))
    return tuple(rows[key] for key in sorted(rows))


_ROW_RANK = {t: rank for rank, t in enumerate(SubjectType)}
_ROW_RANK[SubjectType.SOFTWARE] = _ROW_RANK[SubjectType.ASSET]


def scope_of(subject: Subject) -> Scope:
    """The narrowest register scope that covers one item: its exact name.

    Not `hostnames`, which would also cover the software on the host: a signed waiver
    covers the findings it lists, not findings that appear later.
    """
    return Scope(items=(subject.id,))


def client_code(name: str) -> str:
    """Initials of the client's name for document IDs: "Hartwell & Pryce Ltd" -> "HP".

    Names with no Latin letters get a stable code from their hash ("C3F2A").
    """
    words: list[str] = re.findall(r"[A-Za-z0-9]+", ascii_fold(name))
    significant = [w for w in words if w.lower() not in _LEGAL_SUFFIXES] or words
    if len(significant) == 1:
        code = significant[0][:4].upper()
    else:
        code = "".join(w[0] for w in significant[:5]).upper()
    if not code:
        code = "C" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:4].upper()
    return code


def ascii_fold(text: str) -> str:
    """Latin letters without accents ("Zürich" -> "Zurich"); other scripts dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def slugify(text: str, limit: int = 60) -> str:
    words = re.findall(r"[a-z0-9]+", ascii_fold(text).lower())
    slug = "-".join(words)[:limit].strip("-")
    return slug


def safe_file_name(document_id: str, words: str, suffix: str) -> str:
    """`WD-HP-20261126-001-york-branch.pdf`: nothing user-supplied survives but [a-z0-9-]."""
    head = slugify(document_id, 40).upper() or "WD"
    slug = slugify(words)
    return f"{head}-{slug}{suffix}" if slug else f"{head}{suffix}"


# --- the per-item list beside the PDF ----------------------------------------------------

ITEM_COLUMNS = (
    "Row",
    "Item",
    "Kind",
    "Site",
    "OS / firmware",
    "Rules",
    "Clauses",
    "Outcome",
    "Found",
    "Priority",
)


def items_csv(document: DraftDocument) -> str:
    """Every item of every row of the findings table, one line each (CSV, formula cells
    neutralised): the full list the PDF's compact host lists abbreviate."""
    from tma_audit.reports.csv_report import write_rows

    details = {fold(a.name): a for a in document.assets}

    def lines() -> Iterable[list[str]]:
        for row in document.rows:
            rules = " ".join(r.id for r in row.rules)
            clauses = "; ".join(c.ref for r in row.rules for c in r.clauses)
            for item in row.items:
                subject = item.subject
                host = host_of(subject)
                info = details.get(fold(host)) if host is not None else None
                kind = subject.kind.value if subject.kind is not None else subject.type.value
                yield [
                    str(row.number),
                    subject.id,
                    kind,
                    subject.site or "",
                    (info.os if info is not None else None) or "",
                    rules,
                    clauses,
                    row.outcome.value,
                    item.verdict.reason,
                    row.priority.label,
                ]

    return write_rows(ITEM_COLUMNS, lines())


# --- what the engineer is told -------------------------------------------------------------


def nothing_to_waive(result: AuditResult, include_unknown: bool, rules: str | None) -> str:
    """Why no draft was written."""
    what = "fail or unknown" if include_unknown else "fail"
    hint = "" if include_unknown else " (--include-unknown drafts unknowns too)"
    return (
        f"Nothing to waive for {result.client.name} on {result.as_of.isoformat()}: no "
        f"un-waived {what} finding{' of ' + rules if rules else ''}{hint}.\n"
    )


def drafted_summary(
    documents: Sequence[DraftDocument],
    result: AuditResult,
    written: Sequence[tuple[str, DraftDocument, int]],
    register_file: str,
) -> str:
    """What was written (file, findings and pages of each draft; the register), and the
    next steps."""
    entries = sum(len(d.entries) for d in documents)
    findings = sum(len(d.items) for d in documents)
    lines = [
        f"Drafted {len(documents)} waiver(s) for {result.client.name} from the audit of "
        f"{result.as_of.isoformat()}: {findings} finding(s).",
        *(
            f"  {file}  ({len(document.items)} finding(s), {pages} page(s))"
            for file, document, pages in written
        ),
        f"  {register_file}  ({entries} register entr{'y' if entries == 1 else 'ies'} to "
        "complete once signed)",
        "Next: send the PDFs for signature; then complete the register entries "
        "(approved_by, approval_date, justification, compensating_controls, reference), "
        "add them to the client's waiver register, check it with `tma-audit waivers lint "
        "FILE --inventory INVENTORY`, and audit with `--waivers FILE`.",
    ]
    return "\n".join(lines) + "\n"


# --- the companion register ------------------------------------------------------------


def register_file_name(result: AuditResult) -> str:
    """`waivers-draft-HP-2026-11-26.yaml`: the companion register's file name."""
    return f"waivers-draft-{client_code(result.client.name)}-{result.as_of.isoformat()}.yaml"


def register_text(
    documents: Iterable[DraftDocument], result: AuditResult, tool_version: str
) -> str:
    """The YAML of the pre-filled register: one entry per waived item, to complete."""
    documents = tuple(documents)
    policy = WaiverPolicy.from_parameters(result.ruleset.parameters)
    contact = result.client.contact
    lines = [
        f"# Waiver register entries drafted by tma-audit {tool_version} from the audit of "
        f"{result.as_of.isoformat()}",
        f"# (ruleset {result.ruleset.id} {result.ruleset.version}; lifecycle data "
        f"{result.data.date.isoformat()}): one entry per waived item.",
        "#",
        "# Once the client has signed a draft, complete its entries: justification,",
        "# compensating_controls ([] if none), approved_by, approval_date (YYYY-MM-DD) and the",
        "# signed document's location in reference. Until then an entry covers nothing.",
        f"# An entry may run at most {policy.max_days} days from approval to expiry "
        "(ruleset parameter waiver_max_days).",
        "#   tma-audit waivers lint THIS_FILE --inventory INVENTORY   # what is still missing",
        "#   tma-audit audit INVENTORY --waivers THIS_FILE            # the audit honours it",
        "schema: 1",
        f"client: {_quote(result.client.name)}",
    ]
    entries = [(document, entry) for document in documents for entry in document.entries]
    if not entries:
        lines.append("waivers: []")
        return "\n".join(lines) + "\n"
    lines.append("waivers:")
    for document, entry in entries:
        lines.append(f"  # {document.document_id}: {_comment(_label(entry.subject))}")
        for rule_id, reason in entry.reasons:
            lines.append(f"  #   {rule_id}: {_comment(reason)}")
        lines.append(f"  - id: {_quote(entry.id)}")
        lines.append(f"    rules: [{', '.join(_quote(r) for r in entry.rules)}]")
        lines.append(f"    scope: {_scope_yaml(entry.scope)}")
        lines.append("    justification:          # why the client does not remediate now")
        if document.controls:
            controls = ", ".join(_quote(c) for c in document.controls)
            lines.append(f"    compensating_controls: [{controls}]")
        else:
            lines.append("    compensating_controls:  # e.g. [isolated VLAN]; [] if none")
        if contact:
            lines.append(f"    requested_by: {_quote(contact)}")
        else:
            lines.append("    requested_by:           # who asked for the waiver")
        lines.append("    approved_by:            # who signed for the client")
        lines.append("    approval_date:          # YYYY-MM-DD: the date of the last signature")
        lines.append(f"    expires: {document.expires.isoformat()}")
        lines.append(
            f"    reference: {_quote(document.document_id)}  # add the signed copy's location"
        )
    return "\n".join(lines) + "\n"


def _label(subject: Subject) -> str:
    if subject.type == SubjectType.ASSET:
        kind = subject.kind.value if subject.kind else "asset"
        site = f", {subject.site}" if subject.site else ""
        return f"{subject.id} ({kind}{site})"
    return f"{subject.type.value}: {subject.id}"


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML).

    Characters YAML does not allow raw, or reads as line breaks, are escaped.
    """
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


#: DEL, C1 controls, NEL and the Unicode line and paragraph separators
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _comment(text: str) -> str:
    return " ".join(text.split())


def _scope_yaml(scope: Scope) -> str:
    return f"{{items: [{', '.join(_quote(i) for i in scope.items)}]}}"
