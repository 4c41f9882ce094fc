"""MS-4 (antivirus coverage) and SC-5 (client-held antivirus licences)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import AuditDoc, finding
from tests.rules.support import FAIL, FORTIGATE, NA, PASS, UNKNOWN, D, desktop, doc
from tma_audit.model import Outcome

# --- MS-4 ---------------------------------------------------------------------------

GOOD_AV = {
    "product": "Defender for Endpoint P2",
    "license_expires": D(2027, 6, 30),
    "support_expires": D(2027, 6, 30),
    "centrally_managed": True,
    "protects_email": True,
    "license_holder": "client",
}


@pytest.mark.parametrize(
    ("environment", "expected", "needle"),
    [
        ({"antivirus": [GOOD_AV]}, PASS, ""),
        ({"antivirus": []}, FAIL, "no antivirus"),
        ({"antivirus": [{**GOOD_AV, "license_expires": D(2026, 1, 1)}]}, FAIL, "expired"),
        ({"antivirus": [{**GOOD_AV, "protects_email": False}]}, FAIL, "e-mail"),
        (
            {
                "antivirus": [{**GOOD_AV, "protects_email": False}],
                "email_protection": [
                    {
                        "product": "Mimecast",
                        "license_expires": D(2027, 1, 1),
                        "support_expires": D(2027, 1, 1),
                    }
                ],
            },
            PASS,
            "",
        ),
        # separate e-mail protection with a missing date may be current: unknown, not fail
        (
            {
                "antivirus": [{**GOOD_AV, "protects_email": False}],
                "email_protection": [{"product": "Mimecast", "license_expires": D(2027, 1, 1)}],
            },
            UNKNOWN,
            "Mimecast: no vendor support date given",
        ),
        (
            {
                "antivirus": [{**GOOD_AV, "protects_email": False}],
                "email_protection": [
                    {"product": "Mimecast", "license_expires": D(2026, 1, 1)},
                ],
            },
            FAIL,
            "Mimecast: licence expired 2026-01-01",
        ),
        ({"antivirus": [{**GOOD_AV, "centrally_managed": False}]}, FAIL, "centrally"),
        ({"antivirus": [{"product": "Some AV"}]}, UNKNOWN, "no licence date"),
        (None, UNKNOWN, "states no environment"),
    ],
)
def test_ms4_environment(
    audit_doc: AuditDoc, environment: dict[str, Any] | None, expected: Outcome, needle: str
) -> None:
    found = finding(audit_doc(doc(environment=environment)), "MS-4", "Test Client")
    assert found.subject.type.value == "environment"
    assert found.outcome == expected, found.reason
    assert needle in found.reason


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ({"agent": "Defender", "definitions": D(2026, 11, 25)}, PASS),
        ({"agent": "Defender", "definitions": D(2026, 11, 1)}, FAIL),
        ({"agent": "none"}, FAIL),
        ({"agent": "Defender"}, UNKNOWN),
        (None, UNKNOWN),
    ],
)
def test_ms4_device_coverage(
    audit_doc: AuditDoc, agent: dict[str, Any] | None, expected: Outcome
) -> None:
    asset = desktop(antivirus=agent) if agent else desktop()
    assert finding(audit_doc(doc(asset)), "MS-4", "PC1").outcome == expected


def av(agent: str, definitions: dt.date | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"agent": agent}
    if definitions:
        out["definitions"] = definitions
    return out


FRESH, STALE = D(2026, 11, 25), D(2026, 10, 27)  # 1 and 30 days old on 2026-11-26


@pytest.mark.parametrize(
    ("agents", "environment", "expected", "own", "needle"),
    [
        # every device protected with fresh definitions: the product decides
        ([av("Defender", FRESH)] * 3, {"antivirus": [GOOD_AV]}, PASS, None, "licensed"),
        # the product passes, but a server has no antivirus or a notebook is stale
        (
            [av("none"), av("Defender", STALE), av("Defender", FRESH)],
            {"antivirus": [GOOD_AV]},
            FAIL,
            PASS,
            "1 of 3 devices unprotected, 1 with stale definitions: see those devices",
        ),
        (
            [av("Defender", STALE), av("Defender", FRESH)],
            {"antivirus": [GOOD_AV]},
            FAIL,
            PASS,
            "1 of 2 devices with stale definitions: see those devices",
        ),
        # coverage not stated on a device: unknown, never a pass
        (
            [None, av("Defender", FRESH)],
            {"antivirus": [GOOD_AV]},
            UNKNOWN,
            PASS,
            "antivirus coverage of 1 of 2 devices not stated: see those devices",
        ),
        # the product fails too: both reasons, the product's work its own
        (
            [av("none"), av("Defender", FRESH)],
            {"antivirus": [{**GOOD_AV, "license_expires": D(2026, 1, 1)}]},
            FAIL,
            None,
            "licence expired 2026-01-01; 1 of 2 devices unprotected",
        ),
        # products not stated: the devices' evidence fails it; the products need evidence
        (
            [av("none"), av("Defender", FRESH)],
            None,
            FAIL,
            UNKNOWN,
            "1 of 2 devices unprotected: see those devices; unknown: the inventory states no",
        ),
    ],
)
def test_ms4_environment_counts_device_coverage(
    audit_doc: AuditDoc,
    agents: list[dict[str, Any] | None],
    environment: dict[str, Any] | None,
    expected: Outcome,
    own: Outcome | None,
    needle: str,
) -> None:
    kinds = ["server", "notebook", "desktop"]
    assets: list[dict[str, Any]] = [
        {"hostname": f"D{i}", "kind": kinds[i % 3], "site": "HQ"}
        | ({"antivirus": agent} if agent else {})
        for i, agent in enumerate(agents)
    ]
    # firewalls and switches are not among the devices the clause names
    others: list[dict[str, Any]] = [FORTIGATE, {"hostname": "SW1", "kind": "switch"}]
    result = audit_doc(doc(*assets, *others, environment=environment))
    found = finding(result, "MS-4", "Test Client")
    assert found.outcome == expected, found.reason
    assert found.verdict.own_outcome == own
    assert needle in found.reason
    if expected != PASS:
        assert dict(found.evidence)["devices"] == str(len(agents))
    devices = [finding(result, "MS-4", a["hostname"]).outcome for a in assets]
    assert devices.count(FAIL) == sum(
        1 for a in agents if a and (a["agent"] == "none" or a.get("definitions") == STALE)
    )


# --- SC-5 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("product", "expected"),
    [
        (GOOD_AV, PASS),
        ({**GOOD_AV, "support_expires": D(2026, 10, 1)}, FAIL),
        ({**GOOD_AV, "license_holder": "provider", "license_expires": D(2020, 1, 1)}, NA),
        ({"product": "Defender for Endpoint P2", "license_holder": "client"}, UNKNOWN),
    ],
)
def test_sc5_client_antivirus_licence(
    audit_doc: AuditDoc, product: dict[str, Any], expected: Outcome
) -> None:
    result = audit_doc(doc(environment={"antivirus": [product]}))
    assert finding(result, "SC-5", product["product"]).outcome == expected
