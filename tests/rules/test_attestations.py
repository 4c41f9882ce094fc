"""SC-3, SC-4, SC-9, SC-8, SC-10: what the client attests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import AuditDoc, finding
from tests.rules.support import FAIL, NA, PASS, UNKNOWN, D, doc
from tma_audit.model import Outcome

# --- SC-3, SC-4, SC-9 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attestations", "expected"),
    [
        ({"cyber_insurance": {"carrier": "Hiscox", "expires": D(2027, 2, 1)}}, PASS),
        ({"cyber_insurance": {"carrier": "Hiscox", "expires": D(2026, 2, 1)}}, FAIL),
        ({"cyber_insurance": {"carrier": "Hiscox"}}, UNKNOWN),
        ({}, UNKNOWN),
    ],
)
def test_sc3_cyber_insurance(
    audit_doc: AuditDoc, attestations: dict[str, Any], expected: Outcome
) -> None:
    found = finding(audit_doc(doc(attestations=attestations)), "SC-3", "Test Client")
    assert found.outcome == expected


def test_sc4_change_notification(audit_doc: AuditDoc) -> None:
    attested = doc(attestations={"change_notification": {"contact": "it@client.example"}})
    assert finding(audit_doc(attested), "SC-4", "Test Client").outcome == PASS
    assert finding(audit_doc(doc()), "SC-4", "Test Client").outcome == UNKNOWN


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        ({"last_reviewed": D(2026, 3, 1)}, PASS),
        ({"last_reviewed": D(2025, 11, 26)}, PASS),  # due 2026-11-26: still in time
        ({"last_reviewed": D(2025, 11, 25)}, FAIL),
        ({"last_tested": D(2026, 1, 1)}, UNKNOWN),
        (None, UNKNOWN),
    ],
)
def test_sc9_continuity_plan(
    audit_doc: AuditDoc, plan: dict[str, Any] | None, expected: Outcome
) -> None:
    attestations = {"continuity_plan": plan} if plan else {}
    found = finding(audit_doc(doc(attestations=attestations)), "SC-9", "Test Client")
    assert found.outcome == expected, found.reason


# --- SC-8 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ({"networks": [{"ssid": "Office", "security": "WPA3-Enterprise"}]}, PASS),
        ({"networks": [{"ssid": "Office", "security": "WPA2-Personal"}]}, PASS),
        ({"networks": [{"ssid": "Office", "security": "WPA2-Personal (TKIP)"}]}, FAIL),
        ({"networks": [{"ssid": "Guest", "security": "open"}]}, FAIL),
        ({"networks": [{"ssid": "Old", "security": "WEP"}]}, FAIL),
        ({"networks": [{"ssid": "Legacy", "security": "WPA-Personal"}]}, FAIL),
        ({"networks": [{"ssid": "Office", "security": "whatever"}]}, UNKNOWN),
        ({"no_wireless": True}, PASS),
        (None, UNKNOWN),
    ],
)
def test_sc8_wireless(
    audit_doc: AuditDoc, statement: dict[str, Any] | None, expected: Outcome
) -> None:
    attestations = {"wireless": [{"site": "HQ", **statement}]} if statement else {}
    found = finding(audit_doc(doc(attestations=attestations)), "SC-8", "HQ")
    assert found.outcome == expected, found.reason


# --- SC-10 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app", "expected"),
    [
        ({"name": "Dentrix", "support_expires": D(2027, 1, 1)}, PASS),
        ({"name": "Dentrix", "support_expires": D(2026, 1, 1)}, FAIL),
        (
            {
                "name": "Dentrix",
                "support_expires": D(2026, 1, 1),
                "support_contact": "Reseller Ltd",
            },
            PASS,
        ),
        ({"name": "Dentrix", "support_contact": "Henry Schein helpdesk"}, PASS),
        ({"name": "Dentrix"}, UNKNOWN),
    ],
)
def test_sc10_lob_applications(audit_doc: AuditDoc, app: dict[str, Any], expected: Outcome) -> None:
    result = audit_doc(doc(attestations={"applications": [app]}))
    assert finding(result, "SC-10", "Dentrix").outcome == expected
    assert finding(result, "SC-10", "Test Client").outcome == NA


def test_sc10_unknown_when_no_applications_stated(audit_doc: AuditDoc) -> None:
    assert finding(audit_doc(doc()), "SC-10", "Test Client").outcome == UNKNOWN
    none_attested = doc(attestations={"applications": []})
    assert finding(audit_doc(none_attested), "SC-10", "Test Client").outcome == NA
