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
import json
import re

from tma_audit.model import Subject, Verdict

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
    """The canonical text the identity hashes: a JSON array, readable in a debugger."""
    parts = [
        VERSION,
        rule_id,
        subject.type.value,
        subject.id,
        [list(p) for p in finding_fact(verdict)],
    ]
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def finding_id(rule_id: str, subject: Subject, verdict: Verdict) -> str:
    """The finding's stable ID: 32 hex digits of the SHA-256 of `finding_key`."""
    key = finding_key(rule_id, subject, verdict)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
