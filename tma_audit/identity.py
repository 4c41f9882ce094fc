"""A finding's stable identity: the same problem on the same subject has the same ID in
every run, whatever the inventory's order, line numbers, audit date or outcome.

The identity is the rule, the subject (its type and ID) and the fact that failed: the
values of the verdict's evidence that name *what* is wrong (`FACT_KEYS`: the lifecycle
line the verdict rests on, the operating system, the software, the product), with a
parenthesised build number dropped (`Windows 10 Pro (build 19045.6456)` → `Windows 10
Pro`), so a monthly patch does not make a new finding but an upgrade to another
unsupported release does. Left out on purpose: the outcome (fail → waived is the same
finding with another outcome), the site (an asset moved is the same asset), dates and
counts measured on the audit date (definitions age, days overdue), the reason text, the
file and line. docs/reports.md documents it; baselines and diffs build on it.
"""

from __future__ import annotations

import hashlib
import re
from json.encoder import encode_basestring as _string  # json.dumps(str, ensure_ascii=False)

from tma_audit.model import AuditResult, Outcome, Subject, Verdict

#: The identity's version: part of the hashed text and of the SARIF fingerprint's name.
VERSION = "v1"
#: Evidence keys whose values are the fact that failed, in this order.
FACT_KEYS = ("lifecycle", "os", "software", "product")
_BUILD = re.compile(r"\s*\(build [^)]*\)")


def finding_fact(verdict: Verdict) -> tuple[tuple[str, str], ...]:
    """The evidence that names what is wrong, as (key, value) pairs in FACT_KEYS order."""
    evidence = dict(verdict.evidence)
    return tuple(
        (key, _BUILD.sub("", evidence[key]).strip()) for key in FACT_KEYS if key in evidence
    )


def finding_key(rule_id: str, subject: Subject, verdict: Verdict) -> str:
    """The canonical text the identity hashes: a compact JSON array (no spaces, UTF-8
    characters as they are), readable in a debugger."""
    return key_of(rule_id, subject_text(subject), fact_text(verdict))


def finding_id(rule_id: str, subject: Subject, verdict: Verdict) -> str:
    """The finding's stable ID: 32 hex digits of the SHA-256 of `finding_key`."""
    return id_of(rule_id, subject_text(subject), fact_text(verdict))


# The pieces, for a caller that meets one subject or verdict many times (a report of
# 100,000 findings encodes each once): id_of(rule, subject_text(s), fact_text(v)).


def subject_text(subject: Subject) -> str:
    """The subject's part of the key (JSON: type, id)."""
    return f"{_string(subject.type.value)},{_string(subject.id)}"


def fact_text(verdict: Verdict) -> str:
    """The fact's part of the key (JSON)."""
    pairs = ",".join(f"[{_string(k)},{_string(v)}]" for k, v in finding_fact(verdict))
    return f"[{pairs}]"


def key_of(rule_id: str, subject_part: str, fact_part: str) -> str:
    return f"{_PREFIX}{_string(rule_id)},{subject_part},{fact_part}]"


def id_of(rule_id: str, subject_part: str, fact_part: str) -> str:
    key = key_of(rule_id, subject_part, fact_part)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


_PREFIX = f"[{_string(VERSION)},"


# --- baselines (`audit --baseline OLD.json`) ---------------------------------------------

#: The outcomes a baseline remembers and a report marks: a finding, or a waived one.
BASELINE_TRACKED = frozenset((Outcome.FAIL, Outcome.UNKNOWN, Outcome.WAIVED))


def tracked_ids(result: AuditResult) -> frozenset[str]:
    """The identities of an audit's fail, unknown and waived outcomes: the baseline a
    later audit is compared with."""
    return frozenset(
        id_of(rule_id, subject_text(sr.subject), fact_text(verdict))
        for sr in result.results
        for rule_id, verdict in zip(sr.rule_ids, sr.verdicts, strict=True)
        if verdict.outcome in BASELINE_TRACKED
    )


def in_baseline(
    result: AuditResult, rule_id: str, subject: Subject, verdict: Verdict
) -> bool | None:
    """Whether a tracked outcome is in the audit's baseline; None without a baseline or
    for an outcome a baseline does not track (pass, not applicable)."""
    if result.baseline is None or verdict.outcome not in BASELINE_TRACKED:
        return None
    return finding_id(rule_id, subject, verdict) in result.baseline


def baseline_counts(result: AuditResult) -> tuple[int, int]:
    """(un-waived findings in the baseline, un-waived findings not in it)."""
    known = new = 0
    baseline = result.baseline or frozenset()
    for sr in result.results:
        subject_part = ""
        for rule_id, verdict in zip(sr.rule_ids, sr.verdicts, strict=True):
            if not verdict.outcome.is_finding:
                continue
            subject_part = subject_part or subject_text(sr.subject)
            if id_of(rule_id, subject_part, fact_text(verdict)) in baseline:
                known += 1
            else:
                new += 1
    return known, new
