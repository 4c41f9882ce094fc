"""The Evidence section: per rule, what its unknown items want, and the step to settle them.

An unknown is a finding of its own ("needs evidence"). On a large export the unknowns
are thousands of items, but few missing facts: this turns them into a to-do list ("1,204
devices want antivirus evidence: add a CrowdStrike or Defender export"). Pure: it reads
an AuditResult and the coverage the audit ran with.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from operator import itemgetter

from tma_audit.model import AuditResult, Coverage, Outcome, Verdict
from tma_audit.rules.coverage import GAP_KEY
from tma_audit.rules.registry import EvidenceWanted, get_checks


@dataclass(frozen=True, slots=True)
class Fact:
    """A kind of evidence a rule can want, and how to get it."""

    key: str
    label: str
    #: the step when no source gives it
    step: str
    #: the step when some source gives it, but not for these items ({sources})
    fill: str | None = None


_FACTS: dict[str, Fact] = {
    f.key: f
    for f in (
        Fact(
            "os",
            "an operating system",
            "add an AD or Intune export, or os.name per asset",
            "give os.name for the assets {sources} lists without one",
        ),
        Fact(
            "os-release",
            "a recognisable OS release",
            "give os.version or os.build (an Intune export carries the build)",
        ),
        Fact(
            "build",
            "a build revision or patch date",
            "add an Intune export (its OS version carries the update revision), or "
            "patch.last_patched per device",
            "give patch.last_patched for the devices without an update revision from {sources}",
        ),
        Fact(
            "update-data",
            "update data as new as the audit date",
            "run `tma-audit data update`, or give patch.last_patched",
        ),
        Fact(
            "licence",
            "genuine and licensed status",
            "give genuine: and licensed: per asset (from the licensing portal)",
        ),
        Fact(
            "lifecycle",
            "the product's lifecycle",
            "give support_expires, or a product name and version the lifecycle data knows",
        ),
        Fact(
            "antivirus",
            "antivirus agent and definitions",
            "add a CrowdStrike or Defender export, or antivirus.agent and "
            "antivirus.definitions per device",
            "give antivirus.agent and antivirus.definitions for the devices {sources} "
            "does not list",
        ),
        Fact(
            "environment",
            "environment products",
            "state environment: (antivirus, backup, email_protection) in the inventory or "
            "companion",
        ),
        Fact(
            "product-dates",
            "product licence and support dates",
            "give license_expires and support_expires for each product in environment:",
        ),
        Fact(
            "firewall-list",
            "a source that lists firewalls",
            "add a FortiManager or IT Glue export, list the firewalls in the inventory, or "
            "say complete: [firewall] in the companion",
        ),
        Fact(
            "network-list",
            "a source that lists routers and switches",
            "add an IT Glue or Lansweeper export, list them in the inventory, or say "
            "complete: [router, switch] in the companion",
        ),
        Fact(
            "firewall-facts",
            "firewall licence, support and form",
            "add a FortiManager export, or license_expires, support_expires, form and "
            "warranty.expires per firewall",
            "give license_expires and form per firewall ({sources} gives support and firmware)",
        ),
        Fact(
            "warranty",
            "warranty end and level",
            "add an IT Glue or Lansweeper export (warranty end), and warranty.level per device",
            "give warranty.level (and warranty.expires where {sources} has none) per device",
        ),
        Fact("role", "the device's role", "give role (core, edge or access) per device"),
        Fact(
            "wireless",
            "a wireless statement",
            "state attestations.wireless per site (each network's security, or no_wireless)",
        ),
        Fact(
            "insurance",
            "cyber insurance",
            "state attestations.cyber_insurance (carrier, expires)",
        ),
        Fact(
            "change-notification",
            "a change-notification contact",
            "state attestations.change_notification.contact",
        ),
        Fact(
            "continuity",
            "the continuity plan's review",
            "state attestations.continuity_plan.last_reviewed",
        ),
        Fact(
            "applications",
            "application support",
            "state attestations.applications (support_expires or support_contact each)",
        ),
        Fact("other", "other evidence", "see each item's reason"),
    )
}

#: a coverage gap's kinds -> the fact wanted
_GAPS = {"firewall": "firewall-list", "wireless": "wireless"}
#: which source-declared fact fills in an Evidence fact (docs/importers.md, "Coverage")
_SOURCE_FACT = {"os": "os", "build": "build", "antivirus": "antivirus", "warranty": "warranty"}
_SOURCE_FACT["firewall-facts"] = "support"


@dataclass(frozen=True, slots=True)
class Want:
    """How many unknown items of a rule want one fact, and the step that gives it."""

    fact: str
    label: str
    count: int
    step: str


@dataclass(frozen=True, slots=True)
class RuleEvidence:
    rule_id: str
    unknown: int
    #: most wanted first
    wants: tuple[Want, ...]

    @property
    def step(self) -> str:
        """The one step that settles most of the rule's unknowns."""
        return self.wants[0].step


def fact_of(check: str, verdict: Verdict) -> str:
    """The fact an unknown verdict of a check wants."""
    return _fact(_wanted(check), verdict)


def _wanted(check: str) -> EvidenceWanted:
    """What a check's unknowns want, as it declares beside its wording (@check(evidence=))."""
    spec = get_checks().get(check)
    return spec.evidence if spec is not None else EvidenceWanted()


def _fact(wanted: EvidenceWanted, verdict: Verdict) -> str:
    for key, value in verdict.evidence:
        if key == GAP_KEY:
            return _GAPS.get(value, "network-list")
    fact = wanted.fact(verdict.reason)
    return fact if fact in _FACTS else "other"  # a plugin may name a fact we do not know


def _step(fact: Fact, coverage: Coverage) -> str:
    sources = coverage.sources_of(_SOURCE_FACT.get(fact.key, ""))
    if sources and fact.fill:
        return fact.fill.format(sources=" or ".join(sources))
    return fact.step


def evidence_section(result: AuditResult) -> tuple[RuleEvidence, ...]:
    """Per rule with unknown items, in ruleset order: what they want, most first."""
    unknown = Outcome.UNKNOWN
    wanted = [rule for rule in result.ruleset.rules if result.by_rule.get(rule.id, {}).get(unknown)]
    if not wanted:
        return ()
    per_rule = _unknown_verdicts(result, [rule.id for rule in wanted])
    out: list[RuleEvidence] = []
    for rule in wanted:
        facts: Counter[str] = Counter()
        wants_of = _wanted(rule.check)
        for verdict, n in per_rule.get(rule.id, {}).items():
            facts[_fact(wants_of, verdict)] += n
        if not facts:
            continue
        wants = tuple(
            Want(key, _FACTS[key].label, n, _step(_FACTS[key], result.coverage))
            for key, n in sorted(facts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        out.append(RuleEvidence(rule.id, sum(facts.values()), wants))
    return tuple(out)


def _unknown_verdicts(result: AuditResult, rule_ids: list[str]) -> dict[str, dict[Verdict, int]]:
    """Per rule: each unknown verdict and how many subjects have it.

    The audit counted them as it judged; when waivers have since waived some (the
    totals no longer agree with `by_rule`), they are counted again from the results.
    """
    unknown = Outcome.UNKNOWN
    counted = result.unknown_verdicts
    if all(
        sum(counted.get(rule_id, {}).values()) == result.by_rule[rule_id][unknown]
        for rule_id in rule_ids
    ):
        return counted
    per_rule: dict[str, Counter[Verdict]] = {rule_id: Counter() for rule_id in rule_ids}
    # subjects of one kind share their rule_ids tuple: count equal rows once (in C)
    for (ids, verdicts), n in Counter(map(itemgetter(1, 2), result.results)).items():
        for rule_id, verdict in zip(ids, verdicts, strict=True):
            if verdict.outcome is unknown:
                per_rule[rule_id][verdict] += n
    return {rule_id: dict(c) for rule_id, c in per_rule.items()}
