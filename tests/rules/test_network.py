"""MS-6 / SC-1 (firewalls) and SC-2 (router and switch warranty)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import AuditDoc, finding
from tests.rules.support import FAIL, FORTIGATE, NA, PASS, UNKNOWN, D, doc
from tma_audit.model import Outcome

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
