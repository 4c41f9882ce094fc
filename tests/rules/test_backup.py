"""MS-5 / SC-6: backup solution and backup contracts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import AuditDoc, finding
from tests.rules.support import FAIL, PASS, UNKNOWN, D, doc
from tma_audit.model import Outcome

# --- MS-5 / SC-6 ----------------------------------------------------------------------

VEEAM = {
    "product": "Veeam Backup & Replication",
    "version": "12.3",
    "license_expires": D(2027, 3, 31),
    "support_expires": D(2027, 3, 31),
    "server_based": True,
}


@pytest.mark.parametrize(
    ("backup", "expected"),
    [
        ([VEEAM], PASS),
        ([], FAIL),
        ([{**VEEAM, "support_expires": D(2026, 3, 31)}], FAIL),
        ([{**VEEAM, "server_based": False}], FAIL),
        ([{**VEEAM, "version": "9.5"}], FAIL),  # release out of vendor support
        ([{"product": "Datto SIRIS", "server_based": True}], UNKNOWN),
    ],
)
def test_ms5_backup_solution(
    audit_doc: AuditDoc, backup: list[dict[str, Any]], expected: Outcome
) -> None:
    found = finding(audit_doc(doc(environment={"backup": backup})), "MS-5", "Test Client")
    assert found.outcome == expected, found.reason


def test_ms5_unknown_when_not_stated(audit_doc: AuditDoc) -> None:
    assert finding(audit_doc(doc()), "MS-5", "Test Client").outcome == UNKNOWN


@pytest.mark.parametrize(
    ("product", "expected"),
    [
        (VEEAM, PASS),
        ({**VEEAM, "license_expires": D(2026, 11, 25)}, FAIL),
        ({**VEEAM, "warranty_expires": D(2025, 1, 1)}, FAIL),
        ({"product": "Veeam Backup & Replication", "license_expires": D(2027, 1, 1)}, UNKNOWN),
    ],
)
def test_sc6_backup_contracts(
    audit_doc: AuditDoc, product: dict[str, Any], expected: Outcome
) -> None:
    result = audit_doc(doc(environment={"backup": [product]}))
    assert finding(result, "SC-6", product["product"]).outcome == expected
