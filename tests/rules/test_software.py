"""MS-3 / SC-7 (genuine, licensed, vendor-supported): pass, fail, unknown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import AuditDoc, finding
from tests.rules.support import FAIL, PASS, TODAY, UNKNOWN, D, desktop, doc, os_, server
from tma_audit.model import Outcome

# --- MS-3 / SC-7 lifecycle facts ----------------------------------------------------


def _ms3(audit_doc: AuditDoc, asset: dict[str, Any], as_of: dt.date = TODAY) -> Any:
    result = audit_doc(doc(asset), as_of=as_of)
    return finding(result, "MS-3", asset["hostname"])


def test_server_2016_passes_until_2027_01_12_and_fails_after(audit_doc: AuditDoc) -> None:
    asset = server(
        os=os_("Windows Server 2016 Standard", "14393.9418"), genuine=True, licensed=True
    )
    today = _ms3(audit_doc, asset)
    assert today.outcome == PASS
    assert today.warning and "2027-01-12" in today.warning  # within the 90-day look-ahead
    assert _ms3(audit_doc, asset, D(2027, 1, 12)).outcome == PASS
    after = _ms3(audit_doc, asset, D(2027, 1, 13))
    assert after.outcome == FAIL
    assert "2027-01-12" in after.reason


def test_windows_10_22h2_fails_without_esu_and_passes_with_it(audit_doc: AuditDoc) -> None:
    base: dict[str, Any] = {
        "os": os_("Windows 10 Pro", "19045.6456", version="22H2"),
        "genuine": True,
        "licensed": True,
    }
    assert _ms3(audit_doc, desktop(**base)).outcome == FAIL
    enrolled = _ms3(audit_doc, desktop(**base, esu_enrolled=True))
    assert enrolled.outcome == PASS, enrolled.reason
    # a revision newer than the last free update (19045.6456) is evidence of ESU
    newer = _ms3(audit_doc, desktop(**{**base, "os": os_("Windows 10 Pro", "19045.7663")}))
    assert newer.outcome == PASS, newer.reason
    assert _ms3(audit_doc, desktop(**base, esu_enrolled=True), D(2028, 10, 11)).outcome == FAIL


@pytest.mark.parametrize(
    ("asset", "expected", "needle"),
    [
        (desktop(os=os_("Windows 11 Pro", "26200.9168"), genuine=True, licensed=True), PASS, ""),
        (
            desktop(os=os_("Windows 11 Pro", "26200.9168"), genuine=False, licensed=True),
            FAIL,
            "not genuine",
        ),
        (
            desktop(os=os_("Windows 11 Pro", "26200.9168"), genuine=True, licensed=False),
            FAIL,
            "not licensed",
        ),
        (desktop(os=os_("Windows 11 Pro", "26200.9168")), UNKNOWN, "not stated"),
        (desktop(os=os_("Windows 11 Pro")), UNKNOWN, "not known"),
        (
            desktop(os=os_("Windows 11 Pro", "26100.9168"), genuine=True, licensed=True),
            FAIL,
            "2026-10-13",
        ),  # 24H2 Home/Pro ended 2026-10-13
        (
            desktop(os=os_("Windows 11 Enterprise", "26100.9168"), genuine=True, licensed=True),
            PASS,
            "",
        ),
        (
            server(
                os=os_("Windows Server 2019 Standard Evaluation", "17763.9121"),
                genuine=True,
                licensed=True,
            ),
            FAIL,
            "Evaluation",
        ),
        (server(os=os_("Ubuntu", version="22.04"), genuine=True, licensed=True), PASS, ""),
        (server(os=os_("Ubuntu", version="18.04"), genuine=True, licensed=True), FAIL, ""),
        (server(os=os_("Frobnicator OS 3"), genuine=True, licensed=True), UNKNOWN, ""),
        (server(), UNKNOWN, "no operating system"),
    ],
)
def test_ms3_outcomes(
    audit_doc: AuditDoc, asset: dict[str, Any], expected: Outcome, needle: str
) -> None:
    found = _ms3(audit_doc, asset)
    assert found.outcome == expected, found.reason
    assert needle in found.reason


def test_ms3_judges_listed_software(audit_doc: AuditDoc) -> None:
    asset = server(
        os=os_("Windows Server 2022 Standard", "20348.5499"),
        genuine=True,
        licensed=True,
        software=[
            {"name": "Microsoft SQL Server 2014", "version": "12.0.6449", "licensed": True},
            {"name": "Microsoft SQL Server 2022", "licensed": True},
            {
                "name": "Acme Ledger",
                "version": "9",
                "licensed": True,
                "support_expires": D(2027, 6, 30),
            },
            {"name": "Acme Ledger Old", "licensed": False},
            {"name": "Mystery Tool"},
        ],
    )
    result = audit_doc(doc(asset))
    assert finding(result, "MS-3", "SRV1: Microsoft SQL Server 2014 12.0.6449").outcome == FAIL
    assert finding(result, "MS-3", "SRV1: Microsoft SQL Server 2022").outcome == PASS
    assert finding(result, "MS-3", "SRV1: Acme Ledger 9").outcome == PASS
    assert finding(result, "MS-3", "SRV1: Acme Ledger Old").outcome == FAIL
    assert finding(result, "MS-3", "SRV1: Mystery Tool").outcome == UNKNOWN
    # SC-7 judges the same items and cites both clauses
    assert finding(result, "SC-7", "SRV1: Acme Ledger Old").outcome == FAIL


def test_os_support_is_judged_once_per_os_whatever_the_flags(
    audit_doc: AuditDoc, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a real fleet most MS-3 keys differ only by the genuine and licensed flags: the
    OS's lifecycle part is judged once per (kind, OS, ESU flag), and each flag still
    decides its own asset's verdict."""
    from tma_audit.rules.checks import software

    calls: list[str] = []
    judge = software._judge_os_support

    def counted(asset: Any, ctx: Any) -> Any:
        calls.append(asset.hostname)
        return judge(asset, ctx)

    monkeypatch.setattr(software, "_judge_os_support", counted)
    win11 = os_("Windows 11 Pro", "26200.9168")
    flags = [(True, True), (False, True), (True, False), (None, True), (True, None)]
    assets = [
        desktop(
            f"PC{i}",
            os=win11,
            **{k: v for k, v in (("genuine", g), ("licensed", lic)) if v is not None},
        )
        for i, (g, lic) in enumerate(flags)
    ]
    result = audit_doc(doc(*assets))
    outcomes = [finding(result, "MS-3", f"PC{i}").outcome for i in range(len(flags))]
    assert outcomes == [PASS, FAIL, FAIL, UNKNOWN, UNKNOWN]
    assert calls == ["PC0"]
