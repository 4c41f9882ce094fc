"""`tma-audit waivers lint`: what is wrong or about to go wrong in a register. Pure.

Errors (exit 1): missing fields, unknown rule IDs, expired, longer than the ruleset
allows, expiring before approval, and, given the audited inventory, a register for
another client and selectors or scopes that match nothing. Warnings (printed, exit 0):
expiring within the warning window, approved after the audit date, a disabled rule, a
waiver that covers no current finding.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from enum import StrEnum

from tma_audit.model import AuditResult, Rule, Ruleset
from tma_audit.waivers.expiry import WaiverPolicy, assess, effective_expiry
from tma_audit.waivers.matching import WaiverIndex, compile_glob, fold, host_of, selectors
from tma_audit.waivers.waiver import COMPLETION_FIELDS, Waiver, WaiverRegister, same_name


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class LintIssue:
    line: int
    severity: Severity
    waiver_id: str | None
    field: str | None
    message: str

    def format(self, file: str) -> str:
        who = f"{self.waiver_id}: " if self.waiver_id else ""
        where = f"{self.field}: " if self.field else ""
        return f"{file}:{self.line}: {self.severity.value}: {who}{where}{self.message}"


def lint_register(
    register: WaiverRegister,
    ruleset: Ruleset,
    as_of: dt.date,
    audit: AuditResult | None = None,
) -> list[LintIssue]:
    """Every issue, sorted by line. `audit` is the inventory's audit without waivers."""
    policy = WaiverPolicy.from_parameters(ruleset.parameters)
    rules = {rule.id.upper(): rule for rule in ruleset.rules}
    issues: list[LintIssue] = []
    if (
        audit is not None
        and register.client is not None
        and not same_name(register.client, audit.client.name)
    ):
        issues.append(
            LintIssue(
                register.client_line or 1,
                Severity.ERROR,
                None,
                "client",
                f"the register is for {register.client!r}, the inventory is of "
                f"{audit.client.name!r}",
            )
        )
    for waiver in register.waivers:
        issues.extend(_fields(waiver))
        issues.extend(_rules(waiver, rules, ruleset.id))
        issues.extend(_dates(waiver, as_of, policy))
        if waiver.scope.client and selectors(waiver.scope):
            issues.append(
                _issue(
                    waiver,
                    "scope",
                    Severity.WARNING,
                    "`client: true` covers everything: the other selectors add nothing",
                )
            )
    if audit is not None:
        issues.extend(_coverage(register, audit))
    return sorted(issues, key=lambda i: (i.line, i.severity != Severity.ERROR, i.message))


def _issue(waiver: Waiver, field: str | None, severity: Severity, message: str) -> LintIssue:
    line = waiver.line_of(field) if field else waiver.line
    return LintIssue(line, severity, waiver.id, field, message)


def _fields(waiver: Waiver) -> list[LintIssue]:
    missing = [name for name in COMPLETION_FIELDS if getattr(waiver, name) is None]
    if not missing:
        return []
    hint = ""
    if "compensating_controls" in missing:
        hint = " (write `compensating_controls: []` when there are none)"
    return [
        _issue(
            waiver,
            None,
            Severity.ERROR,
            f"missing {', '.join(missing)}{hint}",
        )
    ]


def _rules(waiver: Waiver, rules: dict[str, Rule], ruleset_id: str) -> list[LintIssue]:
    issues = []
    for index, rule_id in enumerate(waiver.rules):
        field = f"rules[{index}]"
        rule = rules.get(rule_id.upper())
        if rule is None:
            close = difflib.get_close_matches(rule_id.upper(), list(rules), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            issues.append(
                _issue(
                    waiver,
                    field,
                    Severity.ERROR,
                    f"unknown rule {rule_id!r}{hint}: ruleset {ruleset_id} has no such rule",
                )
            )
        elif not rule.enabled:
            issues.append(
                _issue(
                    waiver,
                    field,
                    Severity.WARNING,
                    f"rule {rule.id} is disabled in ruleset {ruleset_id}: nothing to waive",
                )
            )
    return issues


def _dates(waiver: Waiver, as_of: dt.date, policy: WaiverPolicy) -> list[LintIssue]:
    issues = []
    approved, expires = waiver.approval_date, waiver.expires
    if approved is not None and expires is not None:
        length = (expires - approved).days
        if length < 0:
            issues.append(
                _issue(
                    waiver,
                    "expires",
                    Severity.ERROR,
                    f"expires ({expires.isoformat()}) before it was approved "
                    f"({approved.isoformat()})",
                )
            )
        elif length > policy.max_days:
            issues.append(
                _issue(
                    waiver,
                    "expires",
                    Severity.ERROR,
                    f"too long: {length} days from approval ({approved.isoformat()}) to "
                    f"expiry ({expires.isoformat()}); the ruleset allows at most "
                    f"{policy.max_days} (waiver_max_days), so it ends on "
                    f"{effective_expiry(waiver, policy)[0]}",
                )
            )
    if approved is not None and approved > as_of:
        issues.append(
            _issue(
                waiver,
                "approval_date",
                Severity.WARNING,
                f"approved after the audit date {as_of.isoformat()}: not in force yet",
            )
        )
    assessment = assess(waiver, as_of, policy)
    expiry = assessment.effective_expiry
    days = assessment.days_left
    if expiry is not None and days is not None and (approved is None or approved <= expiry):
        if days < 0:
            issues.append(
                _issue(
                    waiver,
                    "expires",
                    Severity.ERROR,
                    f"expired on {expiry.isoformat()}: its findings count again; renew it "
                    "or remove it",
                )
            )
        elif days <= policy.warn_days:
            when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            issues.append(
                _issue(
                    waiver,
                    "expires",
                    Severity.WARNING,
                    f"expires on {expiry.isoformat()} ({when}; waiver_warn_days is "
                    f"{policy.warn_days})",
                )
            )
    return issues


def _coverage(register: WaiverRegister, audit: AuditResult) -> list[LintIssue]:
    """Selectors and scopes that match nothing in the audited inventory."""
    return [*_unmatched_selectors(register, audit), *_unused_scopes(register, audit)]


#: what a selector that matches nothing is told, by kind
_UNMATCHED = {
    "hostnames": "no asset of the inventory has this host name",
    "sites": "the inventory has no such site",
    "items": "no item of the inventory has this name",
    "globs": "matches no host name or item of the inventory",
}


def _unmatched_selectors(register: WaiverRegister, audit: AuditResult) -> list[LintIssue]:
    """Each host name, site, item or glob of a scope that names nothing audited."""
    hosts: set[str] = set()
    sites: set[str] = set()
    ids: set[str] = set()
    for result in audit.results:
        subject = result.subject
        host = host_of(subject)
        if host is not None:
            hosts.add(fold(host))
        if subject.site is not None:
            sites.add(fold(subject.site))
        ids.add(fold(subject.id))
    sites.update(fold(site.name) for site in audit.client.sites)
    names = hosts | ids
    known = {"hostnames": hosts, "sites": sites, "items": ids}
    issues: list[LintIssue] = []
    for waiver in register.waivers:
        for kind, values in (
            ("hostnames", waiver.scope.hostnames),
            ("sites", waiver.scope.sites),
            ("globs", waiver.scope.globs),
            ("items", waiver.scope.items),
        ):
            key = "site" if kind == "sites" else kind
            for index, value in enumerate(values):
                if kind == "globs":
                    pattern = compile_glob(value)
                    found = any(pattern.match(name) for name in names)
                else:
                    found = fold(value) in known[kind]
                if not found:
                    field = f"scope.{key}[{index}]"
                    issues.append(
                        LintIssue(
                            waiver.lines.get(field, waiver.line_of("scope")),
                            Severity.ERROR,
                            waiver.id,
                            field,
                            f"{value!r}: {_UNMATCHED[kind]}",
                        )
                    )
    return issues


def _unused_scopes(register: WaiverRegister, audit: AuditResult) -> list[LintIssue]:
    """Waivers whose scope reaches nothing, whose rules judge nothing in scope, or that
    cover no current finding."""
    # which subjects, rules and findings each waiver's scope reaches
    waiver_index = WaiverIndex(register.waivers)
    in_scope: dict[str, int] = {}
    judged: dict[str, int] = {}
    findings: dict[str, int] = {}
    wanted = {w.id: frozenset(r.upper() for r in w.rules) for w in register.waivers}
    for result in audit.results:
        for waiver in waiver_index.candidates(result.subject):
            in_scope[waiver.id] = in_scope.get(waiver.id, 0) + 1
            for rule_id, verdict in zip(result.rule_ids, result.verdicts, strict=True):
                if rule_id.upper() in wanted[waiver.id]:
                    judged[waiver.id] = judged.get(waiver.id, 0) + 1
                    if verdict.outcome.is_finding:
                        findings[waiver.id] = findings.get(waiver.id, 0) + 1
    issues: list[LintIssue] = []
    for waiver in register.waivers:
        named = ", ".join(waiver.rules)
        if not in_scope.get(waiver.id):
            issues.append(
                _issue(
                    waiver, "scope", Severity.ERROR, "the scope matches nothing in the inventory"
                )
            )
        elif not judged.get(waiver.id):
            issues.append(
                _issue(
                    waiver,
                    "rules",
                    Severity.ERROR,
                    f"{named} judge none of the {in_scope[waiver.id]} item(s) in scope",
                )
            )
        elif not findings.get(waiver.id):
            issues.append(
                _issue(
                    waiver,
                    None,
                    Severity.WARNING,
                    f"covers no fail or unknown finding on {audit.as_of.isoformat()} "
                    f"({named} pass for the items in scope): it can be retired",
                )
            )
    return issues
