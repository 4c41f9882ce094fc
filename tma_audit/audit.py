"""run_audit: inventory + ruleset + lifecycle data + audit date -> AuditResult. Pure."""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from typing import TYPE_CHECKING, Any

from tma_audit.lifecycle import Lifecycle
from tma_audit.model import (
    AntivirusProduct,
    Application,
    AssetKind,
    AuditResult,
    BackupProduct,
    DataInfo,
    Installed,
    Inventory,
    Outcome,
    Ruleset,
    Site,
    Subject,
    SubjectResult,
    SubjectType,
    Verdict,
)
from tma_audit.rules.registry import CheckFn, Context, KeyFn, get_checks

if TYPE_CHECKING:
    from tma_audit.waivers.register import WaiverRegister


@dataclass(slots=True)
class _Evaluator:
    """One enabled rule, ready to judge subjects, with its verdict caches and counts."""

    rule_id: str
    kinds: frozenset[AssetKind]
    func: CheckFn
    keys: Mapping[SubjectType, KeyFn]
    ctx: Context
    #: per subject type: key -> the verdict of every subject with that key
    caches: dict[SubjectType, dict[Hashable, Verdict]] = field(default_factory=dict)
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    #: how many subjects got each unknown verdict (for the Evidence section)
    unknowns: dict[Verdict, int] = field(default_factory=dict)
    #: an earlier rule with the same check and parameters (MS-3 and SC-7 state one fact
    #: from two clauses): where it judged the same subjects, this rule takes copies of
    #: its verdicts instead of judging again
    twin: _Evaluator | None = None
    #: the twin's verdict -> this rule's copy (a Verdict belongs to one rule)
    copies: dict[Verdict, Verdict] = field(default_factory=dict)

    def adopt(self, column: list[Verdict]) -> list[Verdict]:
        """This rule's verdicts on the subjects its twin judged as `column`: equal
        verdicts (the same check with the same parameters on the same subjects), each
        a copy of its own, shared as the twin's are."""
        copies = self.copies
        for verdict in dict.fromkeys(column):  # Verdicts hash by identity
            if verdict not in copies:
                copies[verdict] = Verdict(
                    verdict.outcome,
                    verdict.reason,
                    verdict.evidence,
                    verdict.warning,
                    verdict.own_outcome,
                )
        own = list(map(copies.__getitem__, column))
        self._tally(own)
        return own

    def judge(self, subject_type: SubjectType, targets: list[Any]) -> list[Verdict]:
        """The verdict on each target, in order.

        With a key, the check runs once per distinct key and the column is filled by
        lookups (in C: `map` over an itemgetter and the cache's __getitem__).
        """
        func, ctx = self.func, self.ctx
        key = self.keys.get(subject_type)
        if key is None:
            column = [func(target, ctx) for target in targets]
        else:
            keys = list(map(key, targets))
            cache = self.caches.setdefault(subject_type, {})
            for k, target in dict(zip(keys, targets, strict=True)).items():
                if k not in cache:
                    cache[k] = func(target, ctx)
            column = list(map(cache.__getitem__, keys))
        self._tally(column)
        return column

    def _tally(self, column: list[Verdict]) -> None:
        counts, unknowns = self.counts, self.unknowns
        for verdict, n in Counter(column).items():  # Verdicts hash by identity
            counts[verdict.outcome] += n
            if verdict.outcome is Outcome.UNKNOWN:
                unknowns[verdict] = unknowns.get(verdict, 0) + n


def run_audit(
    inventory: Inventory,
    ruleset: Ruleset,
    lifecycle: Lifecycle,
    as_of: dt.date,
    *,
    waivers: WaiverRegister | None = None,
    notes: tuple[str, ...] = (),
) -> AuditResult:
    """Evaluate every enabled rule on every subject it applies to.

    `notes` (e.g. warnings about the lifecycle data) are carried into the result.

    Findings come out sorted: by subject type (client, environment, site, asset,
    software, antivirus, backup, application), then subject, then ruleset order.
    """
    checks = get_checks()
    evaluators: dict[SubjectType, list[_Evaluator]] = {t: [] for t in SubjectType}
    ordered: list[_Evaluator] = []
    memo: dict[Any, Any] = {}  # what checks derive from the inventory: this audit's only
    for rule in ruleset.rules:
        if not rule.enabled:
            continue
        spec = checks[rule.check]
        params = {**ruleset.parameters, **rule.params}
        ctx = Context(as_of, lifecycle, inventory, params, memo)
        evaluator = _Evaluator(rule.id, frozenset(rule.applies_to.kinds), spec.func, spec.keys, ctx)
        # a check with keys is pure (its verdict depends on the key and the context
        # alone): another rule with the same check and parameters gives equal verdicts
        evaluator.twin = next(
            (
                ev
                for ev in ordered
                if ev.func is spec.func and spec.keys and ev.ctx.params == params
            ),
            None,
        )
        ordered.append(evaluator)
        for subject_type in rule.applies_to.subjects:
            evaluators[subject_type].append(evaluator)
    results: list[SubjectResult] = []
    for subject_type, active in evaluators.items():
        if active:
            results += _judge_all(subject_type, _subjects(subject_type, inventory), active)
    data = DataInfo(
        date=lifecycle.date,
        updates_date=lifecycle.updates_date,
        origin=lifecycle.origin,
        sources=lifecycle.sources,
    )
    result = AuditResult(
        client=inventory.client,
        ruleset=ruleset,
        as_of=as_of,
        data=data,
        results=tuple(results),
        by_rule={ev.rule_id: ev.counts for ev in ordered},
        unknown_verdicts={ev.rule_id: ev.unknowns for ev in ordered if ev.unknowns},
        inventory_sources=inventory.sources,
        notes=notes,
        coverage=inventory.coverage,
    )
    # waived findings keep their reason; see tma_audit/waivers/register.py
    if waivers is None:
        return result
    from tma_audit.waivers.register import apply_waivers

    return apply_waivers(result, waivers, as_of)


def _judge_all(
    subject_type: SubjectType, pairs: list[tuple[Subject, Any]], active: list[_Evaluator]
) -> list[SubjectResult]:
    """Each subject's verdicts, rule by rule over the subjects of each kind, in order.

    Subjects no enabled rule applies to (by kind) get no result.
    """
    if not pairs:
        return []
    subjects, targets = map(list, zip(*pairs, strict=True))
    positions: dict[AssetKind | None, list[int]] = {}
    for i, subject in enumerate(subjects):
        group = positions.get(subject.kind)
        if group is None:
            positions[subject.kind] = [i]
        else:
            group.append(i)
    placed: list[SubjectResult | None] = [None] * len(subjects)
    for kind, where in positions.items():
        chosen = [ev for ev in active if not ev.kinds or kind is None or kind in ev.kinds]
        if not chosen:
            continue
        rule_ids = tuple(ev.rule_id for ev in chosen)
        if len(where) == len(subjects):
            group_subjects, group_targets = subjects, targets
        else:
            group_subjects = [subjects[i] for i in where]
            group_targets = [targets[i] for i in where]
        judged: dict[int, list[Verdict]] = {}  # by id(evaluator)
        for ev in chosen:
            twin = ev.twin
            if twin is not None and id(twin) in judged and subject_type in ev.keys:
                judged[id(ev)] = ev.adopt(judged[id(twin)])
            else:
                judged[id(ev)] = ev.judge(subject_type, group_targets)
        columns = list(judged.values())
        verdicts = zip(*columns, strict=True)
        # SubjectResult(subject, rule_ids, verdicts) per subject, built in C
        rows = map(
            tuple.__new__,
            repeat(SubjectResult),
            zip(group_subjects, repeat(rule_ids), verdicts),
        )
        if len(positions) == 1:
            return list(rows)
        for i, row in zip(where, rows, strict=True):
            placed[i] = row
    return [row for row in placed if row is not None]


def sites_of(inventory: Inventory) -> tuple[Site, ...]:
    """Declared sites, or sites named by assets, or one site for the whole client."""
    if inventory.client.sites:
        return inventory.client.sites
    names = inventory.site_names()
    if names:
        return tuple(Site(name=n) for n in names)
    return (Site(name="(all sites)", location=inventory.client.location),)


_HOSTNAME, _SITE, _KIND, _LOCATION = (
    operator.attrgetter(name) for name in ("hostname", "site", "kind", "location")
)


def _by_id(pairs: list[tuple[Subject, Any]]) -> list[tuple[Subject, Any]]:
    """Sorted by id, case-insensitively (ties: case-sensitively)."""
    ids = [subject.id for subject, _ in pairs]
    lower = list(map(str.lower, ids))
    if all(map(operator.lt, lower, lower[1:])):
        return pairs  # already in order (and no two ids differ only in case)
    order = sorted(zip(lower, ids, range(len(ids)), strict=True))
    return [pairs[i] for _, _, i in order]


def _subjects(subject_type: SubjectType, inventory: Inventory) -> list[tuple[Subject, Any]]:
    """The subjects of one type (each with what its checks judge), sorted by id."""
    client = inventory.client
    env = inventory.environment
    if subject_type == SubjectType.CLIENT:
        return [(Subject(SubjectType.CLIENT, client.name, location=client.location), client)]
    if subject_type == SubjectType.ENVIRONMENT:
        location = env.location or client.location
        return [(Subject(SubjectType.ENVIRONMENT, client.name, location=location), client)]
    if subject_type == SubjectType.SITE:
        return _by_id(
            [
                (
                    Subject(
                        SubjectType.SITE,
                        site.name,
                        site=site.name,
                        location=site.location or client.location,
                    ),
                    site,
                )
                for site in sites_of(inventory)
            ]
        )
    if subject_type == SubjectType.ASSET:
        assets = inventory.assets
        # Subject(ASSET, hostname, site, kind, location) per asset, built in C
        fields = (
            repeat(SubjectType.ASSET),
            map(_HOSTNAME, assets),
            map(_SITE, assets),
            map(_KIND, assets),
            map(_LOCATION, assets),
        )
        subjects = map(tuple.__new__, repeat(Subject), zip(*fields, strict=False))
        return _by_id(list(zip(subjects, assets, strict=True)))
    if subject_type == SubjectType.SOFTWARE:
        pairs: list[tuple[Subject, Any]] = []
        for asset in inventory.assets:
            for software in asset.software:
                label = software.name + (f" {software.version}" if software.version else "")
                subject = Subject(
                    SubjectType.SOFTWARE,
                    f"{asset.hostname}: {label}",
                    site=asset.site,
                    kind=asset.kind,
                    location=software.location or asset.location,
                )
                pairs.append((subject, Installed(asset, software)))
        return _by_id(pairs)
    named: tuple[AntivirusProduct | BackupProduct | Application, ...]
    if subject_type == SubjectType.ANTIVIRUS:
        named = env.antivirus
    elif subject_type == SubjectType.BACKUP:
        named = env.backup
    else:
        named = inventory.attestations.applications
    return _by_id(
        [(Subject(subject_type, _name_of(item), location=item.location), item) for item in named]
    )


def _name_of(item: AntivirusProduct | BackupProduct | Application) -> str:
    return item.name if isinstance(item, Application) else item.product
