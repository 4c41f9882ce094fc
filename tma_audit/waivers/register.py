"""The waiver register, and applying it to an audit result. Pure: no I/O, no clock.

A register is the YAML file of signed waivers kept beside the inventory (see
docs/waivers.md; `tma_audit.waivers.register_file` reads it). `apply_waivers` turns the fail and
unknown findings that an in-force waiver covers into *waived* ones, marks the findings
of expired waivers, and recomputes the outcome counts the CI gate reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from tma_audit.errors import WaiverError
from tma_audit.model import AuditResult, Outcome, SubjectResult, Verdict
from tma_audit.waivers.expiry import Assessment, Status, WaiverPolicy, assess
from tma_audit.waivers.matching import WaiverIndex
from tma_audit.waivers.waiver import Scope, Waiver, WaiverRegister, same_name

__all__ = ["Scope", "Waiver", "WaiverRegister", "apply_waivers"]


def apply_waivers(result: AuditResult, register: WaiverRegister, as_of: dt.date) -> AuditResult:
    """The result with covered findings waived and expired waivers' findings marked.

    A fail or unknown finding covered by a waiver in force on `as_of` becomes *waived*:
    it keeps its reason and evidence, and gains the waiver's id, approver, expiry and
    justification. One covered only by expired waivers keeps its outcome, marked "waiver
    W-… expired on …". Incomplete waivers (not approved, no expiry) and waivers approved
    after `as_of` cover nothing. Every such waiver, and every waiver expiring within the
    ruleset's `waiver_warn_days`, gets a note. Raises WaiverError when the register names
    another client.
    """
    if register.client is not None and not same_name(register.client, result.client.name):
        raise WaiverError(
            f"the waiver register is for {register.client!r}, but the audit is of "
            f"{result.client.name!r}",
            file=register.file,
            line=register.client_line,
            field="client",
        )
    policy = WaiverPolicy.from_parameters(result.ruleset.parameters)
    applier = _Applier(register, policy, as_of)
    counts = {rule_id: dict(c) for rule_id, c in result.by_rule.items()}
    results: list[SubjectResult] = []
    changed = False
    for subject_result in result.results:
        applied = applier.apply(subject_result, counts)
        changed = changed or applied is not subject_result
        results.append(applied)
    return replace(
        result,
        results=tuple(results) if changed else result.results,
        by_rule=counts,
        notes=(*result.notes, *applier.notes(result)),
    )


class _Applier:
    """One register applied on one date: each waiver's assessment, the index of scopes,
    what each waiver covered, and the verdicts rewritten so far."""

    def __init__(self, register: WaiverRegister, policy: WaiverPolicy, as_of: dt.date) -> None:
        self.register = register
        self.as_of = as_of
        self.assessments = {w.id: assess(w, as_of, policy) for w in register.waivers}
        self.index = WaiverIndex(register.waivers)
        self.rules_of = {w.id: frozenset(r.upper() for r in w.rules) for w in register.waivers}
        self.waived_count: dict[str, int] = dict.fromkeys(self.assessments, 0)
        self.expired_count: dict[str, int] = dict.fromkeys(self.assessments, 0)
        # (id of the original verdict, waiver id) -> the rewritten verdict: subjects with
        # equal evidence share verdicts, and keep sharing them once waived
        self.rewritten: dict[tuple[int, str], Verdict] = {}

    def apply(
        self, subject_result: SubjectResult, counts: dict[str, dict[Outcome, int]]
    ) -> SubjectResult:
        """The subject's result with its covered findings rewritten (the same object when
        none is); `counts` (outcomes per rule) follows the rewrites."""
        subject, rule_ids, verdicts = subject_result
        if not any(v.outcome.is_finding for v in verdicts):
            return subject_result
        candidates = self.index.candidates(subject)
        if not candidates:
            return subject_result
        new_verdicts: list[Verdict] | None = None
        for position, (rule_id, verdict) in enumerate(zip(rule_ids, verdicts, strict=True)):
            if not verdict.outcome.is_finding:
                continue
            new = self._rewrite(rule_id, verdict, candidates)
            if new is None:
                continue
            if new.outcome != verdict.outcome:
                rule_counts = counts[rule_id]
                rule_counts[verdict.outcome] -= 1
                rule_counts[new.outcome] = rule_counts.get(new.outcome, 0) + 1
            if new_verdicts is None:
                new_verdicts = list(verdicts)
            new_verdicts[position] = new
        if new_verdicts is None:
            return subject_result
        return SubjectResult(subject, rule_ids, tuple(new_verdicts))

    def _rewrite(
        self, rule_id: str, verdict: Verdict, candidates: Sequence[Waiver]
    ) -> Verdict | None:
        """The finding waived by the in-force waiver that runs longest (then the first in
        the file), or marked with the expired one that ran longest; None if none covers
        its rule."""
        wanted = rule_id.upper()
        covering = [w for w in candidates if wanted in self.rules_of[w.id]]
        if not covering:
            return None
        assessments = self.assessments
        in_force = [w for w in covering if assessments[w.id].status.covers]
        if in_force:
            chosen, make, tally = in_force, _waived, self.waived_count
        else:
            chosen = [w for w in covering if assessments[w.id].status is Status.EXPIRED]
            if not chosen:
                return None
            make, tally = _expired, self.expired_count
        waiver = max(chosen, key=lambda w: assessments[w.id].effective_expiry or self.as_of)
        tally[waiver.id] += 1
        key = (id(verdict), waiver.id)
        new = self.rewritten.get(key)
        if new is None:
            new = self.rewritten[key] = make(verdict, waiver, assessments[waiver.id])
        return new

    def notes(self, result: AuditResult) -> list[str]:
        """The register's note, then each waiver's: unknown rules, not in force, expiring."""
        register, assessments = self.register, self.assessments
        known_rules = {rule.id.upper() for rule in result.ruleset.rules}
        in_force_total = sum(1 for a in assessments.values() if a.status.covers)
        notes = [
            f"waivers from {register.file}: {in_force_total} of {len(register.waivers)} in "
            f"force on {self.as_of.isoformat()}, covering {sum(self.waived_count.values())} "
            "finding(s)"
        ]
        for waiver in register.waivers:
            unknown = [r for r in waiver.rules if r.upper() not in known_rules]
            if unknown:
                notes.append(
                    f"waiver {waiver.id}: no rule {', '.join(unknown)} in ruleset "
                    f"{result.ruleset.id}"
                )
            note = assessments[waiver.id].note(
                self.waived_count[waiver.id], self.expired_count[waiver.id]
            )
            if note:
                notes.append(f"waiver {waiver.id} {note}")
        return notes


def _waived(verdict: Verdict, waiver: Waiver, assessment: Assessment) -> Verdict:
    expires = assessment.effective_expiry
    assert expires is not None and waiver.approval_date is not None
    detail = f"approved by {waiver.approved_by} on {waiver.approval_date.isoformat()}"
    detail += f", expires {expires.isoformat()}"
    reason = f"{verdict.reason} [waived: {waiver.id}, {detail}"
    reason += f": {waiver.justification}]" if waiver.justification else "]"
    evidence = [
        *verdict.evidence,
        ("waiver", waiver.id),
        ("waiver_approved_by", waiver.approved_by or ""),
        ("waiver_approval_date", waiver.approval_date.isoformat()),
        ("waiver_expires", expires.isoformat()),
        ("waived_outcome", verdict.outcome.value),
    ]
    if waiver.justification:
        evidence.append(("waiver_justification", waiver.justification))
    if waiver.reference:
        evidence.append(("waiver_reference", waiver.reference))
    warning = assessment.warning or verdict.warning
    return Verdict(Outcome.WAIVED, reason, tuple(evidence), warning)


def _expired(verdict: Verdict, waiver: Waiver, assessment: Assessment) -> Verdict:
    expires = assessment.effective_expiry
    assert expires is not None
    reason = f"{verdict.reason} (waiver {waiver.id} expired on {expires.isoformat()})"
    evidence = (
        *verdict.evidence,
        ("waiver", waiver.id),
        ("waiver_expired", expires.isoformat()),
    )
    return Verdict(verdict.outcome, reason, evidence, verdict.warning, verdict.own_outcome)
