"""run_audit: inventory + ruleset + lifecycle data + audit date -> AuditResult. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tma_audit.lifecycle import Lifecycle
from tma_audit.model import (
    AssetKind,
    AuditResult,
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
    """One enabled rule, ready to judge subjects, with its verdict cache and counts."""

    rule_id: str
    kinds: frozenset[AssetKind]
    func: CheckFn
    key: KeyFn | None
    ctx: Context
    cache: dict[Hashable, Verdict] = field(default_factory=dict)
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))


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
    for rule in ruleset.rules:
        if not rule.enabled:
            continue
        spec = checks[rule.check]
        params = {**ruleset.parameters, **rule.params}
        ctx = Context(as_of=as_of, lifecycle=lifecycle, inventory=inventory, params=params)
        evaluator = _Evaluator(rule.id, frozenset(rule.applies_to.kinds), spec.func, spec.key, ctx)
        ordered.append(evaluator)
        for subject_type in rule.applies_to.subjects:
            evaluators[subject_type].append(evaluator)
    results: list[SubjectResult] = []
    append = results.append
    for subject_type, active in evaluators.items():
        if not active:
            continue
        by_kind: dict[AssetKind | None, tuple[tuple[str, ...], list[_Evaluator]]] = {}
        for subject, target in _subjects(subject_type, inventory):
            kind = subject.kind
            plan = by_kind.get(kind)
            if plan is None:
                chosen = [ev for ev in active if not ev.kinds or kind is None or kind in ev.kinds]
                plan = by_kind[kind] = (tuple(ev.rule_id for ev in chosen), chosen)
            rule_ids, chosen = plan
            if not chosen:
                continue
            verdicts = []
            for ev in chosen:
                key_fn = ev.key
                key = key_fn(target) if key_fn is not None else None
                cached = ev.cache.get(key) if key is not None else None
                if cached is not None:
                    verdict = cached
                elif key is None:
                    verdict = ev.func(target, ev.ctx)
                else:
                    verdict = ev.cache[key] = ev.func(target, ev.ctx)
                ev.counts[verdict.outcome] += 1
                verdicts.append(verdict)
            append(SubjectResult(subject, rule_ids, tuple(verdicts)))
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
        inventory_sources=inventory.sources,
        notes=notes,
    )
    # waived findings keep their reason; see tma_audit/waivers/register.py
    if waivers is None:
        return result
    from tma_audit.waivers.register import apply_waivers

    return apply_waivers(result, waivers, as_of)


def sites_of(inventory: Inventory) -> tuple[Site, ...]:
    """Declared sites, or sites named by assets, or one site for the whole client."""
    if inventory.client.sites:
        return inventory.client.sites
    names = inventory.site_names()
    if names:
        return tuple(Site(name=n) for n in names)
    return (Site(name="(all sites)", location=inventory.client.location),)


def _by_id(pairs: list[tuple[Subject, Any]]) -> list[tuple[Subject, Any]]:
    pairs.sort(key=lambda pair: (pair[0].id.lower(), pair[0].id))
    return pairs


def _subjects(subject_type: SubjectType, inventory: Inventory) -> Iterator[tuple[Subject, Any]]:
    """The subjects of one type, sorted by id."""
    client = inventory.client
    if subject_type == SubjectType.CLIENT:
        yield Subject(SubjectType.CLIENT, client.name, location=client.location), client
    elif subject_type == SubjectType.ENVIRONMENT:
        env = inventory.environment
        location = env.location or client.location
        yield Subject(SubjectType.ENVIRONMENT, client.name, location=location), client
    elif subject_type == SubjectType.SITE:
        yield from _by_id(
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
    elif subject_type == SubjectType.ASSET:
        yield from _by_id(
            [
                (
                    Subject(
                        SubjectType.ASSET,
                        asset.hostname,
                        site=asset.site,
                        kind=asset.kind,
                        location=asset.location,
                    ),
                    asset,
                )
                for asset in inventory.assets
            ]
        )
    elif subject_type == SubjectType.SOFTWARE:
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
        yield from _by_id(pairs)
    elif subject_type == SubjectType.ANTIVIRUS:
        yield from _by_id(
            [
                (Subject(SubjectType.ANTIVIRUS, p.product, location=p.location), p)
                for p in inventory.environment.antivirus
            ]
        )
    elif subject_type == SubjectType.BACKUP:
        yield from _by_id(
            [
                (Subject(SubjectType.BACKUP, b.product, location=b.location), b)
                for b in inventory.environment.backup
            ]
        )
    elif subject_type == SubjectType.APPLICATION:
        yield from _by_id(
            [
                (Subject(SubjectType.APPLICATION, a.name, location=a.location), a)
                for a in inventory.attestations.applications
            ]
        )
