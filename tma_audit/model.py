"""The domain model: immutable records and exhaustive enums shared by every seam.

Nothing here does I/O, reads the clock or knows about the terminal.

Most records are frozen dataclasses. Those made by the hundred thousand in a large
audit (Location, OperatingSystem, Asset, Subject, Finding, SubjectResult) are typed
NamedTuples: just as immutable, hashed in C, and four times cheaper to create than a
frozen dataclass (whose __init__ goes through object.__setattr__ per field).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple


class Outcome(StrEnum):
    """The one outcome each (subject, rule) pair gets."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    WAIVED = "waived"
    NOT_APPLICABLE = "not-applicable"

    @property
    def is_finding(self) -> bool:
        """Fail and unknown are findings: both need action (a fix or evidence)."""
        return self in (Outcome.FAIL, Outcome.UNKNOWN)


OUTCOME_ORDER: tuple[Outcome, ...] = (
    Outcome.FAIL,
    Outcome.UNKNOWN,
    Outcome.WAIVED,
    Outcome.PASS,
    Outcome.NOT_APPLICABLE,
)


class Impact(StrEnum):
    """Schedule D impact of a rule's failure on the business workflow."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _IMPACT_RANK[self]


_IMPACT_RANK = {Impact.LOW: 1, Impact.MEDIUM: 2, Impact.HIGH: 3}


class Payer(StrEnum):
    """Who pays for a remediation (Schedules B and C)."""

    CLIENT_PURCHASE = "client-purchase"
    PROJECT = "project"
    MINOR_CHANGE = "minor-change"


class AssetKind(StrEnum):
    SERVER = "server"
    DESKTOP = "desktop"
    NOTEBOOK = "notebook"
    FIREWALL = "firewall"
    ROUTER = "router"
    SWITCH = "switch"
    ACCESS_POINT = "access-point"


#: Spellings accepted in inventories for each kind (lower-case).
KIND_ALIASES: dict[str, AssetKind] = {
    "server": AssetKind.SERVER,
    "desktop": AssetKind.DESKTOP,
    "workstation": AssetKind.DESKTOP,
    "pc": AssetKind.DESKTOP,
    "notebook": AssetKind.NOTEBOOK,
    "laptop": AssetKind.NOTEBOOK,
    "firewall": AssetKind.FIREWALL,
    "router": AssetKind.ROUTER,
    "switch": AssetKind.SWITCH,
    "access-point": AssetKind.ACCESS_POINT,
    "wireless-access-point": AssetKind.ACCESS_POINT,
    "ap": AssetKind.ACCESS_POINT,
}

#: Kinds whose operating system and software the Minimum Standards govern.
COMPUTER_KINDS = frozenset({AssetKind.SERVER, AssetKind.DESKTOP, AssetKind.NOTEBOOK})
CLIENT_DEVICE_KINDS = frozenset({AssetKind.DESKTOP, AssetKind.NOTEBOOK})


class Role(StrEnum):
    CORE = "core"
    EDGE = "edge"
    ACCESS = "access"


class FormFactor(StrEnum):
    HARDWARE = "hardware"
    VIRTUAL = "virtual"
    SOFTWARE = "software"


class SubjectType(StrEnum):
    """What a finding is about."""

    CLIENT = "client"
    ENVIRONMENT = "environment"
    SITE = "site"
    ASSET = "asset"
    SOFTWARE = "software"
    ANTIVIRUS = "antivirus"
    BACKUP = "backup"
    APPLICATION = "application"


class Location(NamedTuple):
    """Where a thing is defined: the inventory file and 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class OperatingSystem(NamedTuple):
    """An OS (or firmware) as the inventory states it.

    A NamedTuple, like Asset: it hashes in C, so verdict caches can key on it.
    """

    name: str
    version: str | None = None
    build: str | None = None
    edition: str | None = None

    @property
    def build_number(self) -> int | None:
        """The major build (19045 of 19045.6456 or 10.0.19045.6456)."""
        parts = _build_parts(self.build)
        return parts[0] if parts else None

    @property
    def revision(self) -> int | None:
        """The update build revision (6456 of 19045.6456)."""
        parts = _build_parts(self.build)
        return parts[1] if parts and len(parts) > 1 else None

    def describe(self) -> str:
        text = self.name
        if self.edition and self.edition.lower() not in text.lower():
            text += f" {self.edition}"
        if self.build:
            text += f" (build {self.build})"
        elif self.version:
            text += f" {self.version}"
        return text


@functools.lru_cache(maxsize=4096)
def _build_parts(build: str | None) -> tuple[int, ...]:
    """`19045.6456` -> (19045, 6456); `10.0.19045.6456` -> (19045, 6456)."""
    if not build:
        return ()
    pieces = build.strip().split(".")
    if len(pieces) >= 3 and pieces[0] == "10" and pieces[1] == "0":
        pieces = pieces[2:]
    if len(pieces) >= 3 and pieces[0] == "6":
        pieces = pieces[2:]
    try:
        return tuple(int(p) for p in pieces[:2])
    except ValueError:
        return ()


@dataclass(frozen=True, slots=True)
class Software:
    """Server or desktop software beyond the OS (SQL Server, Office, …)."""

    name: str
    version: str | None = None
    licensed: bool | None = None
    genuine: bool | None = None
    support_expires: dt.date | None = None
    location: Location | None = None


class Asset(NamedTuple):
    hostname: str
    kind: AssetKind
    site: str | None = None
    role: Role | None = None
    os: OperatingSystem | None = None
    genuine: bool | None = None
    licensed: bool | None = None
    esu_enrolled: bool | None = None
    last_patched: dt.date | None = None
    missing_critical_updates: int | None = None
    antivirus: str | None = None
    av_definitions: dt.date | None = None
    backup_covered: bool | None = None
    warranty_expires: dt.date | None = None
    warranty_level: str | None = None
    license_expires: dt.date | None = None
    subscription_expires: dt.date | None = None
    support_expires: dt.date | None = None
    form: FormFactor | None = None
    model: str | None = None
    software: tuple[Software, ...] = ()
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Installed:
    """A piece of software on an asset: the subject of MS-3/SC-7 software findings."""

    asset: Asset
    software: Software


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    internet: bool = True
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Client:
    name: str
    contact: str | None = None
    sites: tuple[Site, ...] = ()
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class AntivirusProduct:
    product: str
    version: str | None = None
    license_expires: dt.date | None = None
    support_expires: dt.date | None = None
    centrally_managed: bool | None = None
    protects_email: bool | None = None
    license_holder: str | None = None  # "provider" or "client"
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class BackupProduct:
    product: str
    version: str | None = None
    license_expires: dt.date | None = None
    support_expires: dt.date | None = None
    warranty_expires: dt.date | None = None
    server_based: bool | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class EmailProtection:
    product: str
    license_expires: dt.date | None = None
    support_expires: dt.date | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class CyberInsurance:
    carrier: str | None = None
    policy: str | None = None
    expires: dt.date | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class ContinuityPlan:
    last_reviewed: dt.date | None = None
    last_tested: dt.date | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class WirelessNetwork:
    ssid: str
    security: str


@dataclass(frozen=True, slots=True)
class SiteWireless:
    """A site's wireless statement: its networks, or an attestation of none."""

    site: str
    networks: tuple[WirelessNetwork, ...] = ()
    no_wireless: bool = False
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Application:
    """A line-of-business application."""

    name: str
    vendor: str | None = None
    support_expires: dt.date | None = None
    support_contact: str | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class ChangeNotice:
    """A change the client notified the provider of (`attestations.changes`): SC-4 judges
    the assets that appeared, disappeared or changed OS since the previous audit by them."""

    date: dt.date
    reference: str
    #: the host names the change concerns (none: a notice that names no asset)
    assets: tuple[str, ...] = ()
    summary: str | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Attestations:
    cyber_insurance: CyberInsurance | None = None
    change_notification: str | None = None
    change_notification_location: Location | None = None
    continuity_plan: ContinuityPlan | None = None
    wireless: tuple[SiteWireless, ...] = ()
    applications: tuple[Application, ...] = ()
    #: True when the inventory lists applications (an empty list attests none).
    applications_stated: bool = False
    #: changes the client notified, for SC-4 judged against a previous audit
    changes: tuple[ChangeNotice, ...] = ()
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Environment:
    antivirus: tuple[AntivirusProduct, ...] = ()
    backup: tuple[BackupProduct, ...] = ()
    email_protection: tuple[EmailProtection, ...] = ()
    #: False when the inventory does not say anything about environment products.
    stated: bool = False
    location: Location | None = None


ALL_KINDS: frozenset[AssetKind] = frozenset(AssetKind)


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the inventory's sources vouch for (docs/inventory.md, "Coverage").

    A source that lists a kind completely (a FortiManager export lists the firewalls)
    lets a missing one count as missing; a kind no source lists is a gap, and the rules
    about it are *unknown*. A hand-written native inventory is complete for every kind
    unless it says `partial:`.
    """

    #: asset kinds listed completely for the whole client
    kinds: frozenset[AssetKind] = ALL_KINDS
    #: kinds listed completely at one site only: (site, kinds)
    site_kinds: tuple[tuple[str, frozenset[AssetKind]], ...] = ()
    #: facts a source vouches for on the assets it lists ("os", "build", "antivirus" …),
    #: each with the sources that give it: (fact, source labels)
    facts: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def lists(self, kind: AssetKind, site: str | None = None) -> bool:
        """Whether some source lists every asset of this kind (at this site)."""
        if kind in self.kinds:
            return True
        return site is not None and any(
            name == site and kind in kinds for name, kinds in self.site_kinds
        )

    def sources_of(self, fact: str) -> tuple[str, ...]:
        """The sources that vouch for a fact (empty: none does)."""
        return next((labels for name, labels in self.facts if name == fact), ())


@dataclass(frozen=True, slots=True)
class PreviousAudit:
    """What an earlier audit of the client saw, read from its saved JSON report."""

    as_of: dt.date
    #: the report's file
    source: str
    #: host name (case-folded) -> (host name, site, operating system release or "")
    assets: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: the kinds of asset a report lists (those some enabled rule judges; None: every
    #: kind): an access point no rule judges is in no report, so it is not "added"
    kinds: frozenset[AssetKind] | None = None


@dataclass(frozen=True, slots=True)
class Inventory:
    client: Client
    assets: tuple[Asset, ...]
    environment: Environment = field(default_factory=Environment)
    attestations: Attestations = field(default_factory=Attestations)
    #: The files it was loaded from, in order.
    sources: tuple[str, ...] = ()
    coverage: Coverage = field(default_factory=Coverage)
    #: An earlier audit of the same client (`audit --baseline`), for SC-4's history.
    previous: PreviousAudit | None = None

    def site_names(self) -> tuple[str, ...]:
        names = [s.name for s in self.client.sites]
        seen = set(names)
        for asset in self.assets:
            if asset.site and asset.site not in seen:
                seen.add(asset.site)
                names.append(asset.site)
        return tuple(names)


# --- rules -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clause:
    ref: str
    text: str


@dataclass(frozen=True, slots=True)
class Remediation:
    text: str
    payer: Payer
    effort_hours: float


@dataclass(frozen=True, slots=True)
class AppliesTo:
    """Which subjects a rule is evaluated on."""

    subjects: tuple[SubjectType, ...]
    kinds: tuple[AssetKind, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    clauses: tuple[Clause, ...]
    applies_to: AppliesTo
    check: str
    params: dict[str, Any]
    impact: Impact
    remediation: Remediation
    waiver_text: str
    description: str = ""
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Ruleset:
    id: str
    version: str
    title: str
    rules: tuple[Rule, ...]
    parameters: dict[str, Any]
    sources: tuple[str, ...] = ()

    def rule(self, rule_id: str) -> Rule | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None


# --- results ---------------------------------------------------------------


class Subject(NamedTuple):
    type: SubjectType
    id: str
    site: str | None = None
    kind: AssetKind | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Verdict:
    """A check's judgement: the outcome, a human reason, the evidence it rests on.

    Verdicts are shared by every subject with the same evidence and compare (and hash)
    by identity, which makes counting them per rule cheap.
    """

    outcome: Outcome
    reason: str
    evidence: tuple[tuple[str, str], ...] = ()
    #: A look-ahead note on a passing item ("support ends 2027-01-12 (in 47 days)").
    warning: str | None = None
    #: When the outcome also restates findings on other subjects (MS-4 for the
    #: environment fails while a device is unprotected), the outcome of this subject's
    #: own evidence. The remediation plan and the score count this one: the other
    #: subjects' findings carry their work, so it is counted once. None: the outcome is
    #: all the subject's own.
    own_outcome: Outcome | None = None


class Finding(NamedTuple):
    """One (subject, rule) outcome. Subjects with equal evidence share one Verdict."""

    rule_id: str
    subject: Subject
    verdict: Verdict

    @property
    def outcome(self) -> Outcome:
        return self.verdict.outcome

    @property
    def reason(self) -> str:
        return self.verdict.reason

    @property
    def evidence(self) -> tuple[tuple[str, str], ...]:
        return self.verdict.evidence

    @property
    def warning(self) -> str | None:
        return self.verdict.warning


@dataclass(frozen=True, slots=True)
class DataInfo:
    """What lifecycle data an audit used."""

    date: dt.date
    updates_date: dt.date | None
    origin: str
    sources: tuple[tuple[str, str], ...] = ()


class SubjectResult(NamedTuple):
    """One subject and its verdicts, one per applicable rule, in ruleset order.

    Subjects of one kind share the `rule_ids` tuple, and subjects with equal evidence
    share Verdict objects: renderers encode each distinct verdict once. A Verdict
    object is only ever shared between subjects of one type under one rule, so its
    identity tells the rule and subject type too (tests/test_audit.py checks this).
    """

    subject: Subject
    rule_ids: tuple[str, ...]
    verdicts: tuple[Verdict, ...]


@dataclass(frozen=True, slots=True)
class AuditResult:
    client: Client
    ruleset: Ruleset
    as_of: dt.date
    data: DataInfo
    #: per subject, sorted by subject type, then subject id
    results: tuple[SubjectResult, ...]
    #: outcome counts per enabled rule, in ruleset order
    by_rule: dict[str, dict[Outcome, int]] = field(default_factory=dict)
    inventory_sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: what the inventory's sources vouch for (the Evidence section's steps read it)
    coverage: Coverage = field(default_factory=Coverage)
    #: per rule: each unknown verdict and how many subjects got it, as the audit found
    #: them (waivers may since have waived some: then by_rule no longer agrees)
    unknown_verdicts: dict[str, dict[Verdict, int]] = field(default_factory=dict)
    #: the finding IDs (identity.finding_id) of a baseline audit (`audit --baseline`):
    #: findings with these IDs are marked baselined and do not fail the run. None: no
    #: baseline was given.
    baseline: frozenset[str] | None = None

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every (subject, rule) outcome, flat, in the order of `results`."""
        return tuple(
            Finding(rule_id, result.subject, verdict)
            for result in self.results
            for rule_id, verdict in zip(result.rule_ids, result.verdicts, strict=True)
        )

    def counts(self) -> dict[Outcome, int]:
        totals = dict.fromkeys(Outcome, 0)
        for counts in self.by_rule.values():
            for outcome, count in counts.items():
                totals[outcome] += count
        return totals
