"""run_audit: inventory + ruleset + lifecycle data + audit date -> AuditResult. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from tma_audit.lifecycle import Lifecycle
from tma_audit.model import (
    AuditResult,
    DataInfo,
    Finding,
    Inventory,
    Location,
    Rule,
    Ruleset,
    Site,
    Subject,
    SubjectType,
)
from tma_audit.rules.registry import Context, get_checks


def run_audit(
    inventory: Inventory,
    ruleset: Ruleset,
    lifecycle: Lifecycle,
    as_of: dt.date,
) -> AuditResult:
    """Evaluate every enabled rule on every subject it applies to."""
    checks = get_checks()
    findings: list[Finding] = []
    for rule in ruleset.rules:
        if not rule.enabled:
            continue
        spec = checks[rule.check]
        ctx = Context(as_of=as_of, lifecycle=lifecycle, inventory=inventory, params=rule.params)
        func = spec.func
        append = findings.append
        for subject, target in _subjects(rule, inventory):
            verdict = func(target, ctx)
            append(
                Finding(
                    rule.id,
                    subject,
                    verdict.outcome,
                    verdict.reason,
                    verdict.evidence,
                    verdict.warning,
                )
            )
    findings.sort(key=_sort_key)
    data = DataInfo(
        date=lifecycle.date,
        updates_date=lifecycle.updates_date,
        origin=lifecycle.origin,
        sources=lifecycle.sources,
    )
    return AuditResult(
        client=inventory.client,
        ruleset=ruleset,
        as_of=as_of,
        data=data,
        findings=tuple(findings),
        inventory_sources=inventory.sources,
    )


_TYPE_ORDER = {t: i for i, t in enumerate(SubjectType)}


def _sort_key(finding: Finding) -> tuple[int, str, str, str]:
    subject = finding.subject
    return (_TYPE_ORDER[subject.type], subject.id.lower(), subject.id, finding.rule_id)


def sites_of(inventory: Inventory) -> tuple[Site, ...]:
    """Declared sites, or sites named by assets, or one site for the whole client."""
    if inventory.client.sites:
        return inventory.client.sites
    names = inventory.site_names()
    if names:
        return tuple(Site(name=n) for n in names)
    return (Site(name="(all sites)", location=inventory.client.location),)


def _subjects(rule: Rule, inventory: Inventory) -> Iterator[tuple[Subject, Any]]:
    kinds = set(rule.applies_to.kinds)
    client = inventory.client
    for subject_type in rule.applies_to.subjects:
        if subject_type == SubjectType.CLIENT:
            yield Subject(SubjectType.CLIENT, client.name, location=client.location), client
        elif subject_type == SubjectType.ENVIRONMENT:
            env = inventory.environment
            yield (
                Subject(
                    SubjectType.ENVIRONMENT, client.name, location=env.location or client.location
                ),
                client,
            )
        elif subject_type == SubjectType.SITE:
            for site in sites_of(inventory):
                yield (
                    Subject(
                        SubjectType.SITE,
                        site.name,
                        site=site.name,
                        location=site.location or client.location,
                    ),
                    site,
                )
        elif subject_type == SubjectType.ASSET:
            for asset in inventory.assets:
                if not kinds or asset.kind in kinds:
                    yield (
                        Subject(
                            SubjectType.ASSET,
                            asset.hostname,
                            site=asset.site,
                            kind=asset.kind,
                            location=asset.location,
                        ),
                        asset,
                    )
        elif subject_type == SubjectType.SOFTWARE:
            for asset in inventory.assets:
                if asset.software and (not kinds or asset.kind in kinds):
                    for software in asset.software:
                        label = software.name + (f" {software.version}" if software.version else "")
                        yield (
                            Subject(
                                SubjectType.SOFTWARE,
                                f"{asset.hostname}: {label}",
                                site=asset.site,
                                kind=asset.kind,
                                location=software.location or asset.location,
                            ),
                            (asset, software),
                        )
        elif subject_type == SubjectType.ANTIVIRUS:
            for product in inventory.environment.antivirus:
                yield (
                    Subject(SubjectType.ANTIVIRUS, product.product, location=product.location),
                    product,
                )
        elif subject_type == SubjectType.BACKUP:
            for backup in inventory.environment.backup:
                yield Subject(SubjectType.BACKUP, backup.product, location=backup.location), backup
        elif subject_type == SubjectType.APPLICATION:
            for app in inventory.attestations.applications:
                yield (
                    Subject(
                        SubjectType.APPLICATION, app.name, location=app.location or Location("", 0)
                    ),
                    app,
                )
