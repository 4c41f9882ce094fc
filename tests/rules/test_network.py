"""MS-6 / SC-1 (firewalls) and SC-2 (router and switch warranty)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import AuditDoc, finding
from tests.rules.support import FAIL, FORTIGATE, NA, PASS, TODAY, UNKNOWN, D, doc, server
from tma_audit.audit import run_audit
from tma_audit.inventory import load_inventory
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import Asset, Inventory, Outcome, Ruleset, Site
from tma_audit.rules.checks import network
from tma_audit.rules.checks.network import hardware_firewall
from tma_audit.rules.registry import Context

# --- MS-6 / SC-1 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("firewalls", "expected", "needle"),
    [
        ([FORTIGATE], PASS, ""),
        ([], FAIL, "no firewall"),
        ([{**FORTIGATE, "form": "virtual"}], FAIL, "virtual"),
        ([{**FORTIGATE, "license_expires": D(2026, 1, 1)}], FAIL, "licence expired"),
        ([{**FORTIGATE, "subscription_expires": D(2026, 1, 31)}], FAIL, "licence expired"),
        ([{**FORTIGATE, "os": {"name": "FortiOS", "version": "6.0.18"}}], FAIL, "firmware"),
        ([{"hostname": "FW1", "kind": "firewall", "site": "HQ"}], UNKNOWN, "not stated"),
    ],
)
def test_ms6_hardware_firewall(
    audit_doc: AuditDoc, firewalls: list[dict[str, Any]], expected: Outcome, needle: str
) -> None:
    found = finding(audit_doc(doc(*firewalls)), "MS-6", "HQ")
    assert found.outcome == expected, found.reason
    assert needle in found.reason


def test_ms6_per_site_and_not_applicable_without_internet(audit_doc: AuditDoc) -> None:
    sites: list[dict[str, Any]] = [
        {"name": "HQ"},
        {"name": "Branch"},
        {"name": "Vault", "internet": False},
    ]
    result = audit_doc(doc(FORTIGATE, sites=sites))
    assert finding(result, "MS-6", "HQ").outcome == PASS
    assert finding(result, "MS-6", "Branch").outcome == FAIL
    assert finding(result, "MS-6", "Vault").outcome == NA


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, PASS),
        ({"support_expires": D(2026, 6, 1)}, FAIL),
        ({"warranty": {"expires": D(2026, 6, 1)}}, FAIL),
        ({"warranty": None}, UNKNOWN),
        ({"form": "virtual", "warranty": None}, PASS),  # virtual firewalls have no warranty
    ],
)
def test_sc1_firewall_contracts(
    audit_doc: AuditDoc, fields: dict[str, Any], expected: Outcome
) -> None:
    fw = {k: v for k, v in {**FORTIGATE, **fields}.items() if v is not None}
    assert finding(audit_doc(doc(fw)), "SC-1", "FW1").outcome == expected


@pytest.mark.parametrize(
    ("fields", "needle", "further"),
    [
        # no licence held: a fail, as MS-6 says; the missing dates are further unknowns
        (
            {"licensed": False},
            "FW1: not licensed",
            "unknown: no manufacturer support or warranty date given",
        ),
        ({"licensed": False, "support_expires": D(2027, 1, 1)}, "FW1: not licensed", "warranty"),
        (
            {
                "licensed": False,
                "support_expires": D(2027, 1, 1),
                "warranty": FORTIGATE["warranty"],
            },
            "FW1: not licensed",
            "",
        ),
        (
            {"license_expires": D(2026, 1, 1)},
            "licence expired 2026-01-01",
            "unknown: no manufacturer support or warranty date given",
        ),
    ],
)
def test_sc1_recorded_fail_fails_and_lists_missing_dates(
    audit_doc: AuditDoc, fields: dict[str, Any], needle: str, further: str
) -> None:
    fw = {"hostname": "FW1", "kind": "firewall", "site": "HQ", "form": "hardware", **fields}
    result = audit_doc(doc(fw))
    found = finding(result, "SC-1", "FW1")
    assert found.outcome == FAIL, found.reason
    assert needle in found.reason
    assert further in found.reason
    if further:
        assert "unknown" in dict(found.evidence)
    else:
        assert "unknown" not in found.reason
    if fields.get("licensed") is False:
        assert ("licensed", "false") in found.evidence
        assert finding(result, "MS-6", "HQ").outcome == FAIL


# --- SC-2 ------------------------------------------------------------------------------


def switch(role: str | None, level: str | None, expires: dt.date | None) -> dict[str, Any]:
    out: dict[str, Any] = {"hostname": "SW1", "kind": "switch", "site": "HQ"}
    if role:
        out["role"] = role
    warranty: dict[str, Any] = {}
    if level:
        warranty["level"] = level
    if expires:
        warranty["expires"] = expires
    if warranty:
        out["warranty"] = warranty
    return out


@pytest.mark.parametrize(
    ("device", "expected"),
    [
        (switch("core", "24x7", D(2028, 1, 1)), PASS),
        (switch("core", "8x5-nbd", D(2028, 1, 1)), FAIL),
        (switch("access", "8x5-nbd", D(2028, 1, 1)), PASS),
        (switch("access", "8x5-nbd", D(2026, 1, 1)), FAIL),
        (switch(None, "24x7", D(2028, 1, 1)), PASS),
        (switch(None, "8x5-nbd", D(2028, 1, 1)), UNKNOWN),
        (switch("edge", None, None), UNKNOWN),
        (switch("edge", None, D(2028, 1, 1)), UNKNOWN),
    ],
)
def test_sc2_network_warranty(
    audit_doc: AuditDoc, device: dict[str, Any], expected: Outcome
) -> None:
    assert finding(audit_doc(doc(device)), "SC-2", "SW1").outcome == expected


@pytest.mark.parametrize(
    ("device", "needle"),
    [
        (switch("access", "none", None), "none warranty is below the 8x5-nbd an access device"),
        (switch("access", "8x5-2bd", None), "8x5-2bd warranty is below the 8x5-nbd"),
        (switch("core", "8x5-nbd", None), "8x5-nbd warranty is below the 24x7 a core device"),
        (switch(None, "8x5-2bd", None), "8x5-2bd warranty is below the 8x5-nbd every role"),
    ],
)
def test_sc2_level_below_the_role_fails_without_an_end_date(
    audit_doc: AuditDoc, device: dict[str, Any], needle: str
) -> None:
    found = finding(audit_doc(doc(device)), "SC-2", "SW1")
    assert found.outcome == FAIL, found.reason
    assert needle in found.reason
    # the missing end date is a second, unknown reason
    assert "unknown: warranty expiry not stated" in found.reason
    assert dict(found.evidence)["unknown"] == "warranty expiry not stated"


def test_sc2_expired_and_below_the_role_gives_both_reasons(audit_doc: AuditDoc) -> None:
    found = finding(audit_doc(doc(switch("core", "8x5-nbd", D(2025, 1, 1)))), "SC-2", "SW1")
    assert found.outcome == FAIL
    assert "warranty expired 2025-01-01" in found.reason
    assert "below the 24x7" in found.reason
    assert "unknown" not in found.reason


# --- MS-6's firewall list belongs to one audit ------------------------------------------


def _inventory(tmp_path: Path, name: str, *assets: dict[str, Any], **kw: Any) -> Inventory:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc(*assets, **kw), sort_keys=False), encoding="utf-8")
    return load_inventory(path)


def test_two_audits_in_one_process_never_see_each_others_firewalls(
    tmp_path: Path, lifecycle: Lifecycle, ruleset: Ruleset
) -> None:
    good = _inventory(tmp_path, "a", {**FORTIGATE, "hostname": "FW-A"})
    expired = {**FORTIGATE, "hostname": "FW-B", "license_expires": D(2026, 1, 1)}
    bad = _inventory(tmp_path, "b", expired)
    none = _inventory(tmp_path, "c", server())
    for inventory, outcome, needle in [
        (good, PASS, "FW-A"),
        (bad, FAIL, "FW-B: licence expired"),
        (good, PASS, "FW-A"),
        (none, FAIL, "no firewall listed at site HQ"),
        (bad, FAIL, "FW-B"),
    ]:
        found = finding(run_audit(inventory, ruleset, lifecycle, TODAY), "MS-6", "HQ")
        assert found.outcome == outcome, found.reason
        assert needle in found.reason
    # interleaved: each audit's contexts carry their own memo
    site = Site(name="HQ")
    params = {"look_ahead_days": 90}
    ctx_a = Context(TODAY, lifecycle, good, params, {})
    ctx_b = Context(TODAY, lifecycle, bad, params, {})
    for ctx, host in [(ctx_a, "FW-A"), (ctx_b, "FW-B"), (ctx_a, "FW-A"), (ctx_b, "FW-B")]:
        verdict = hardware_firewall(site, ctx)
        assert verdict.reason.startswith(f"{host}:"), verdict.reason


def test_firewalls_are_listed_once_per_audit(
    tmp_path: Path, lifecycle: Lifecycle, ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    sites: list[dict[str, Any]] = [{"name": "HQ"}, {"name": "Branch"}, {"name": "Depot"}]
    inventory = _inventory(tmp_path, "a", FORTIGATE, sites=sites)
    calls: list[Inventory] = []
    original = network._firewalls

    def counting(inv: Inventory) -> list[Asset]:
        calls.append(inv)
        return original(inv)

    monkeypatch.setattr(network, "_firewalls", counting)
    first = run_audit(inventory, ruleset, lifecycle, TODAY)
    assert [finding(first, "MS-6", s["name"]).outcome for s in sites] == [PASS, FAIL, FAIL]
    assert len(calls) == 1  # three sites judged on one list
    run_audit(inventory, ruleset, lifecycle, TODAY)
    assert len(calls) == 2  # the next audit builds its own


def _holds(value: object, target: object, depth: int = 3) -> bool:
    if value is target:
        return True
    if depth == 0:
        return False
    if isinstance(value, dict):
        return any(_holds(v, target, depth - 1) for kv in value.items() for v in kv)
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds(v, target, depth - 1) for v in value)
    return False


def test_an_audit_leaves_no_inventory_in_module_state(
    tmp_path: Path, lifecycle: Lifecycle, ruleset: Ruleset
) -> None:
    inventory = _inventory(tmp_path, "a", FORTIGATE, server())
    run_audit(inventory, ruleset, lifecycle, TODAY)
    holders = [
        f"{name}.{attr}"
        for name, module in list(sys.modules.items())
        if name.startswith("tma_audit")
        for attr, value in vars(module).items()
        if _holds(value, inventory)
    ]
    assert holders == []
