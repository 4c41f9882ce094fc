"""run_audit against a plain reference: every rule called on every subject, no caching.

The audit judges rule by rule over columns of subjects and runs a check once per
distinct key (what the check reads from the subject). These tests pin that the result
is exactly what calling each check on each subject gives, in the documented order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from tma_audit.audit import run_audit, sites_of
from tma_audit.inventory import load_inventory
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import (
    Asset,
    AssetKind,
    AuditResult,
    FormFactor,
    Installed,
    Inventory,
    Location,
    OperatingSystem,
    Outcome,
    Role,
    Ruleset,
    Software,
    SubjectType,
    Verdict,
)
from tma_audit.rules.registry import Context, asset_key, check, get_checks

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 26)

Row = tuple[SubjectType, str, str, Outcome, str, tuple[tuple[str, str], ...], str | None]


def reference(inventory: Inventory, ruleset: Ruleset, lifecycle: Lifecycle) -> list[Row]:
    """Every (subject, rule) outcome by calling the check directly, in report order."""
    checks = get_checks()
    client = inventory.client
    targets: dict[SubjectType, list[tuple[str, Any]]] = {
        SubjectType.CLIENT: [(client.name, client)],
        SubjectType.ENVIRONMENT: [(client.name, client)],
        SubjectType.SITE: [(s.name, s) for s in sites_of(inventory)],
        SubjectType.ASSET: [(a.hostname, a) for a in inventory.assets],
        SubjectType.SOFTWARE: [
            (f"{a.hostname}: {s.name}" + (f" {s.version}" if s.version else ""), Installed(a, s))
            for a in inventory.assets
            for s in a.software
        ],
        SubjectType.ANTIVIRUS: [(p.product, p) for p in inventory.environment.antivirus],
        SubjectType.BACKUP: [(b.product, b) for b in inventory.environment.backup],
        SubjectType.APPLICATION: [(a.name, a) for a in inventory.attestations.applications],
    }
    rows: list[Row] = []
    for subject_type in SubjectType:
        for name, target in sorted(targets[subject_type], key=lambda p: (p[0].lower(), p[0])):
            kind = getattr(target, "kind", None) or getattr(
                getattr(target, "asset", None), "kind", None
            )
            for rule in ruleset.rules:
                if not rule.enabled or subject_type not in rule.applies_to.subjects:
                    continue
                if rule.applies_to.kinds and kind is not None and kind not in rule.applies_to.kinds:
                    continue
                ctx = Context(
                    as_of=AS_OF,
                    lifecycle=lifecycle,
                    inventory=inventory,
                    params={**ruleset.parameters, **rule.params},
                )
                v = checks[rule.check].func(target, ctx)
                rows.append(
                    (subject_type, name, rule.id, v.outcome, v.reason, v.evidence, v.warning)
                )
    return rows


def rows_of(result: AuditResult) -> list[Row]:
    return [
        (s.type, s.id, rule_id, v.outcome, v.reason, v.evidence, v.warning)
        for s, rule_ids, verdicts in result.results
        for rule_id, v in zip(rule_ids, verdicts, strict=True)
    ]


def assert_matches_reference(
    inventory: Inventory, ruleset: Ruleset, lifecycle: Lifecycle
) -> AuditResult:
    result = run_audit(inventory, ruleset, lifecycle, AS_OF)
    got, want = rows_of(result), reference(inventory, ruleset, lifecycle)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g == w
    for rule_id, counts in result.by_rule.items():
        for outcome in Outcome:
            assert counts[outcome] == sum(1 for r in want if r[2] == rule_id and r[3] is outcome)
    assert_verdicts_belong_to_one_rule(result)
    return result


def assert_verdicts_belong_to_one_rule(result: AuditResult) -> None:
    """A shared Verdict object stands for one rule on one subject type (renderers rely
    on it to encode each verdict once)."""
    owner: dict[int, tuple[str, SubjectType]] = {}
    for subject, rule_ids, verdicts in result.results:
        for rule_id, verdict in zip(rule_ids, verdicts, strict=True):
            assert owner.setdefault(id(verdict), (rule_id, subject.type)) == (
                rule_id,
                subject.type,
            )


@pytest.mark.parametrize(
    "path",
    [
        "inventories/small-office/inventory.yaml",
        "inventories/small-office/inventory-csv.yaml",
        "inventories/midsize/inventory.yaml",
        "inventories/three-source/inventory.yaml",
    ],
)
def test_shipped_inventories_match_the_reference(
    path: str, ruleset: Ruleset, lifecycle: Lifecycle
) -> None:
    assert_matches_reference(load_inventory(REPO / path), ruleset, lifecycle)


OSES = [
    None,
    OperatingSystem("Windows Server 2022 Standard", build="20348.4405"),
    OperatingSystem("Windows Server 2022 Standard", build="20348.2700"),
    OperatingSystem("Windows Server 2012 R2 Datacenter", build="9600.21620"),
    OperatingSystem("Windows Server 2016 Standard", version="1607"),
    OperatingSystem("Windows 10 Pro", build="19045.6456"),
    OperatingSystem("Windows 10 Pro", build="19045.6456", edition="Pro"),
    OperatingSystem("Windows 11 Pro", build="26100.7171"),
    OperatingSystem("Windows 11 Pro", version="23H2"),
    OperatingSystem("Windows 7 Professional", build="7601.24544"),
    OperatingSystem("Ubuntu 22.04"),
    OperatingSystem("macOS 14.6"),
    OperatingSystem("FortiOS 7.4.8"),
    OperatingSystem("Something Unheard Of 3"),
]


def _maybe(rng: random.Random, *values: Any) -> Any:
    return rng.choice([None, *values])


def _date(rng: random.Random, low: int, high: int) -> dt.date | None:
    return None if rng.random() < 0.2 else AS_OF + dt.timedelta(days=rng.randint(low, high))


def synthetic(seed: int, n: int) -> Inventory:
    """Assets whose fields vary independently (so keys collide in every way)."""
    rng = random.Random(seed)
    base = load_inventory(REPO / "inventories/midsize/inventory.yaml")
    sites = [s.name for s in base.client.sites]
    assets = []
    for i in range(n):
        kind = rng.choice(list(AssetKind))
        software: tuple[Software, ...] = ()
        if rng.random() < 0.3:
            software = tuple(
                Software(
                    rng.choice(["Microsoft SQL Server 2019", "Office 2016", "Veeam Agent"]),
                    _maybe(rng, "15.0", "16.0"),
                    _maybe(rng, True, False),
                    _maybe(rng, True, False),
                    _date(rng, -400, 400),
                )
                for _ in range(rng.randint(1, 2))
            )
        assets.append(
            Asset(
                hostname=rng.choice(["", "X", "x", "srv-"]) + f"{rng.randint(0, 10**6):x}-{i}",
                kind=kind,
                site=_maybe(rng, *sites),
                role=_maybe(rng, *Role),
                os=rng.choice(OSES),
                genuine=_maybe(rng, True, False),
                licensed=_maybe(rng, True, False),
                esu_enrolled=_maybe(rng, True, False),
                last_patched=_date(rng, -90, 0),
                missing_critical_updates=_maybe(rng, 0, 1, 3),
                antivirus=_maybe(rng, "Defender for Endpoint", "none", "SentinelOne"),
                av_definitions=_date(rng, -20, 0),
                backup_covered=_maybe(rng, True, False),
                warranty_expires=_date(rng, -300, 900),
                warranty_level=_maybe(rng, "24x7", "8x5-nbd", "depot"),
                license_expires=_date(rng, -100, 500),
                subscription_expires=_date(rng, -100, 500),
                support_expires=_date(rng, -100, 500),
                form=_maybe(rng, *FormFactor),
                software=software,
                location=Location("synthetic.csv", i + 2),
            )
        )
    return Inventory(
        client=base.client,
        environment=base.environment,
        attestations=base.attestations,
        assets=tuple(assets),
        sources=("synthetic.csv",),
    )


def test_waived_verdicts_belong_to_one_rule(ruleset: Ruleset, lifecycle: Lifecycle) -> None:
    from tma_audit.waivers.register_file import load_register

    inventory = load_inventory(REPO / "inventories/midsize/inventory.yaml")
    register = load_register(REPO / "inventories/midsize/waivers.yaml")
    result = run_audit(inventory, ruleset, lifecycle, AS_OF, waivers=register)
    assert any(v.outcome is Outcome.WAIVED for _, _, vs in result.results for v in vs)
    assert_verdicts_belong_to_one_rule(result)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_assets_match_the_reference(
    seed: int, ruleset: Ruleset, lifecycle: Lifecycle
) -> None:
    result = assert_matches_reference(synthetic(seed, 600), ruleset, lifecycle)
    outcomes = {v.outcome for _, _, verdicts in result.results for v in verdicts}
    assert {Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN, Outcome.NOT_APPLICABLE} <= outcomes


def test_equal_evidence_shares_one_verdict(ruleset: Ruleset, lifecycle: Lifecycle) -> None:
    """A check runs once per distinct key: equal subjects share the Verdict object."""
    inventory = synthetic(4, 300)
    one = inventory.assets[0]._replace(kind=AssetKind.SERVER, os=OSES[1], software=())
    twins = tuple(one._replace(hostname=f"twin-{i}", location=None) for i in range(50))
    inventory = Inventory(
        client=inventory.client,
        environment=inventory.environment,
        attestations=inventory.attestations,
        assets=twins,
    )
    result = run_audit(inventory, ruleset, lifecycle, AS_OF)
    rows = [row for row in result.results if row.subject.type is SubjectType.ASSET]
    assert len(rows) == 50
    first = rows[0].verdicts
    assert len(first) >= 4
    for row in rows[1:]:
        assert all(a is b for a, b in zip(row.verdicts, first, strict=True))


def test_updates_verdict_depends_on_esu_enrolment(ruleset: Ruleset, lifecycle: Lifecycle) -> None:
    """Two Windows 10 PCs alike but for ESU: the enrolled one needs the ESU update too."""
    pc = Asset(
        "pc-a",
        AssetKind.DESKTOP,
        os=OperatingSystem("Windows 10 Pro", build="19045.6456"),
        missing_critical_updates=0,
    )
    inventory = synthetic(6, 1)
    inventory = Inventory(
        client=inventory.client,
        environment=inventory.environment,
        attestations=inventory.attestations,
        assets=(pc, pc._replace(hostname="pc-b", esu_enrolled=True)),
    )
    result = run_audit(inventory, ruleset, lifecycle, AS_OF)
    updates = {
        row.subject.id: dict(zip(row.rule_ids, row.verdicts, strict=True))["MS-2U"]
        for row in result.results
        if row.subject.type is SubjectType.ASSET
    }
    assert updates["pc-a"].outcome is Outcome.PASS  # past support: its last update is due
    assert updates["pc-b"].outcome is Outcome.FAIL  # enrolled: the ESU updates are due
    assert_matches_reference(inventory, ruleset, lifecycle)


def test_subjects_are_ordered_by_type_then_id_case_insensitively(
    ruleset: Ruleset, lifecycle: Lifecycle
) -> None:
    result = run_audit(synthetic(5, 400), ruleset, lifecycle, AS_OF)
    types = [s.type for s, _, _ in result.results]
    order = list(SubjectType)
    assert types == sorted(types, key=order.index)
    ids = [s.id for s, _, _ in result.results if s.type is SubjectType.ASSET]
    assert ids == sorted(ids, key=lambda i: (i.lower(), i))
    assert len(ids) > 300  # every asset of a kind some rule judges


def test_asset_key_names_real_fields_and_checks_key_only_their_subjects() -> None:
    key = asset_key("kind", "os")
    asset = Asset("h", AssetKind.SERVER, os=OSES[1])
    assert key(asset) == (AssetKind.SERVER, OSES[1])
    with pytest.raises(ValueError, match="not Asset fields"):
        asset_key("kind", "no_such_field")
    with pytest.raises(ValueError, match="keys for subjects it does not judge"):
        check("test-only", subjects={SubjectType.SITE}, keys={SubjectType.ASSET: key})(
            lambda subject, ctx: None  # type: ignore[arg-type,return-value]
        )


@pytest.mark.parametrize("seed", [7, 8])
def test_analysis_counts_match_a_count_of_every_outcome(
    seed: int, ruleset: Ruleset, lifecycle: Lifecycle
) -> None:
    """Scores, findings per priority and plan totals (counted per rule and outcome)
    agree with going through every outcome and every planned finding."""
    from collections import Counter

    from tma_audit.plan import IMPACT_WEIGHT, Analysis, build_plan

    result = run_audit(synthetic(seed, 500), ruleset, lifecycle, AS_OF)
    analysis = Analysis(result)
    weights = {rule.id: IMPACT_WEIGHT[rule.impact] for rule in ruleset.rules}
    tallies: dict[str | None, list[int]] = {}
    counts: dict[str | None, Counter[Outcome]] = {}
    for subject, rule_ids, verdicts in result.results:
        for rule_id, verdict in zip(rule_ids, verdicts, strict=True):
            for scope in {None, subject.site}:
                counts.setdefault(scope, Counter())[verdict.outcome] += 1
                if verdict.outcome is Outcome.NOT_APPLICABLE:
                    continue
                tally = tallies.setdefault(scope, [0, 0])
                tally[1] += weights[rule_id]
                # a finding restating others counts by its own evidence (own_outcome)
                scored = verdict.outcome if verdict.own_outcome is None else verdict.own_outcome
                tally[0] += weights[rule_id] if scored is Outcome.PASS else 0
    score = analysis.client_score
    assert [score.passed, score.total] == tallies[None]
    assert {o: n for o, n in score.counts.items() if n} == dict(counts[None])
    sites = {s.scope: s for s in analysis.site_scores}
    assert set(sites) == {scope for scope in tallies if scope is not None}
    for name, site in sites.items():
        assert [site.passed, site.total] == tallies[name]
        assert {o: n for o, n in site.counts.items() if n} == dict(counts[name])
    levels = Counter(
        f.triage.priority.level for f in analysis.findings if f.verdict.outcome.is_finding
    )
    assert analysis.by_priority == {level: levels[level] for level in (1, 2, 3, 4)}
    assert build_plan(result, analysis.findings, analysis.rules).totals == analysis.plan_totals


def _verdicts_of(result: AuditResult, rule_id: str) -> dict[str, Verdict]:
    return {
        f"{subject.type.value}:{subject.id}": verdict
        for subject, rule_ids, verdicts in result.results
        for rid, verdict in zip(rule_ids, verdicts, strict=True)
        if rid == rule_id
    }


def test_a_rule_sharing_another_rules_check_and_parameters_gets_copies(
    ruleset: Ruleset, lifecycle: Lifecycle
) -> None:
    """MS-3 and SC-7 run one check with one set of parameters: SC-7's verdicts are
    copies of MS-3's (equal, each rule's own objects), not judged twice."""
    result = run_audit(synthetic(6, 400), ruleset, lifecycle, AS_OF)
    ms3, sc7 = _verdicts_of(result, "MS-3"), _verdicts_of(result, "SC-7")
    assert ms3.keys() == sc7.keys() and len(ms3) > 100
    assert any(key.startswith("software:") for key in ms3)
    for key, verdict in ms3.items():
        assert sc7[key] is not verdict
        assert dataclasses.astuple(sc7[key]) == dataclasses.astuple(verdict)


def test_a_rule_with_the_same_check_but_other_parameters_judges_for_itself(
    ruleset: Ruleset, lifecycle: Lifecycle
) -> None:
    rules = tuple(
        dataclasses.replace(rule, params={**rule.params, "look_ahead_days": 2000})
        if rule.id == "SC-7"
        else rule
        for rule in ruleset.rules
    )
    varied = dataclasses.replace(ruleset, rules=rules)
    result = assert_matches_reference(synthetic(7, 400), varied, lifecycle)
    ms3, sc7 = _verdicts_of(result, "MS-3"), _verdicts_of(result, "SC-7")
    assert any(sc7[key].warning != verdict.warning for key, verdict in ms3.items())
