"""MS-1 / MS-2 (release floors), MS-1U / MS-2U (latest updates): pass, fail, unknown, n/a."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import AuditDoc, finding
from tests.rules.support import FAIL, NA, PASS, TODAY, UNKNOWN, D, desktop, doc, os_, server
from tma_audit.model import Outcome

# --- MS-1 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("os", "expected"),
    [
        (os_("Windows Server 2012 R2 Standard", "9600.21620"), PASS),
        (os_("Windows Server 2012 Standard"), PASS),
        (os_("Windows Server 2022 Standard", "20348.5499"), PASS),
        (os_("Windows Server 2008 R2 Standard", "7601.24545"), FAIL),
        (os_("Windows Server 2008 Standard"), FAIL),
        (os_("Windows Server 2003 R2"), FAIL),
        (os_("Windows Storage Server 2008 R2 Standard"), FAIL),
        (os_("Hyper-V Server 2012 R2"), PASS),
        (os_("Windows 10 Pro", "19045.6456"), FAIL),  # a desktop OS on a server
        (os_("Windows Server"), UNKNOWN),
        (os_("Ubuntu 22.04"), NA),
    ],
)
def test_ms1_release_floor(audit_doc: AuditDoc, os: dict[str, Any], expected: Outcome) -> None:
    result = audit_doc(doc(server(os=os)))
    found = finding(result, "MS-1", "SRV1")
    assert found.outcome == expected, found.reason
    assert found.reason


def test_ms1_unknown_without_os(audit_doc: AuditDoc) -> None:
    found = finding(audit_doc(doc(server())), "MS-1", "SRV1")
    assert found.outcome == UNKNOWN
    assert "no operating system" in found.reason


def test_2012_r2_passes_ms1_but_fails_ms3_on_2026_11_26(audit_doc: AuditDoc) -> None:
    result = audit_doc(
        doc(
            server(
                os=os_("Windows Server 2012 R2 Standard", "9600.21620"), genuine=True, licensed=True
            )
        )
    )
    assert finding(result, "MS-1", "SRV1").outcome == PASS
    ms3 = finding(result, "MS-3", "SRV1")
    assert ms3.outcome == FAIL
    assert "2026-10-13" in ms3.reason
    assert finding(result, "SC-7", "SRV1").outcome == FAIL


# --- MS-2 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("os", "expected"),
    [
        (os_("Windows 10 Pro", "19045.6456"), PASS),
        (os_("Windows 11 Enterprise", "26100.9168"), PASS),
        (os_("Windows 10 Enterprise 2016 LTSB", "14393.9418"), PASS),
        (os_("Windows 7 Professional", "7601.24544"), FAIL),
        (os_("Windows 8.1 Pro", "9600.20000"), FAIL),
        (os_("Windows XP Professional"), FAIL),
        (os_("Windows Vista Business"), FAIL),
        (os_("Windows"), UNKNOWN),
        (os_("macOS", version="14.6"), NA),
    ],
)
def test_ms2_release_floor(audit_doc: AuditDoc, os: dict[str, Any], expected: Outcome) -> None:
    found = finding(audit_doc(doc(desktop(os=os))), "MS-2", "PC1")
    assert found.outcome == expected, found.reason


def test_windows_7_fails_ms2_and_ms3(audit_doc: AuditDoc) -> None:
    result = audit_doc(
        doc(desktop(os=os_("Windows 7 Enterprise", "7601.24544"), genuine=True, licensed=True))
    )
    assert finding(result, "MS-2", "PC1").outcome == FAIL
    assert finding(result, "MS-3", "PC1").outcome == FAIL


def test_ms2_applies_to_notebooks_not_servers(audit_doc: AuditDoc) -> None:
    result = audit_doc(
        doc(
            {
                "hostname": "NB1",
                "kind": "laptop",
                "site": "HQ",
                "os": os_("Windows 7 Professional"),
            },
            server(os=os_("Windows Server 2019 Standard", "17763.9121")),
        )
    )
    assert finding(result, "MS-2", "NB1").outcome == FAIL
    assert not [f for f in result.findings if f.rule_id == "MS-2" and f.subject.id == "SRV1"]


# --- MS-1U / MS-2U ------------------------------------------------------------------


def test_ms1u_revision_behind_latest_known_update_fails(audit_doc: AuditDoc) -> None:
    # 20348.5499 (KB5120242) was released 2026-08-11; 20348.4000 is far behind
    asset = server(os=os_("Windows Server 2022 Standard", "20348.4000"))
    found = finding(audit_doc(doc(asset), as_of=D(2026, 9, 1)), "MS-1U", "SRV1")
    assert found.outcome == FAIL
    assert "KB5120242" in found.reason


def test_ms1u_grace_period(audit_doc: AuditDoc) -> None:
    # 20348.5386 is July's update (2026-07-14); August's (.5499) came out 2026-08-11
    july = server(os=os_("Windows Server 2022 Standard", "20348.5386"))
    within_grace = finding(audit_doc(doc(july), as_of=D(2026, 8, 25)), "MS-1U", "SRV1")
    assert within_grace.outcome == PASS, within_grace.reason
    past_grace = finding(audit_doc(doc(july), as_of=D(2026, 8, 26)), "MS-1U", "SRV1")
    assert past_grace.outcome == FAIL
    assert "KB5120242" in past_grace.reason


def test_ms1u_at_latest_revision_passes_while_data_knows(audit_doc: AuditDoc) -> None:
    asset = server(os=os_("Windows Server 2022 Standard", "20348.5499"))
    found = finding(audit_doc(doc(asset), as_of=D(2026, 8, 30)), "MS-1U", "SRV1")
    assert found.outcome == PASS, found.reason


def test_ms1u_never_passes_on_data_too_old_to_know(audit_doc: AuditDoc) -> None:
    # the shipped update history ends 2026-08-12; on 2026-11-26 the 2026-11-10 release is due
    asset = server(os=os_("Windows Server 2022 Standard", "20348.5499"))
    found = finding(audit_doc(doc(asset)), "MS-1U", "SRV1")
    assert found.outcome == UNKNOWN
    assert "cannot show" in found.reason


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"last_patched": D(2026, 11, 12)}, PASS),  # after the 2026-11-10 release
        ({"last_patched": D(2026, 10, 20)}, FAIL),  # before it, and past the grace period
        ({"missing_critical": 3}, FAIL),
        ({"missing_critical": 0}, PASS),
        ({"last_patched": D(2026, 11, 12), "missing_critical": 2}, FAIL),
    ],
)
def test_ms1u_patch_evidence(audit_doc: AuditDoc, patch: dict[str, Any], expected: Outcome) -> None:
    asset = server(os=os_("Windows Server 2019 Standard", "17763.9121"), patch=patch)
    assert finding(audit_doc(doc(asset)), "MS-1U", "SRV1").outcome == expected


def test_ms1u_ended_release_is_due_only_its_last_update(audit_doc: AuditDoc) -> None:
    # Windows Server 2012 R2 ended 2023-10-10 (ESU to 2026-10-13): no November update
    # exists for it, so a server patched after its last release has the latest updates;
    # MS-3 is where the missing support shows.
    patched = server(
        os=os_("Windows Server 2012 R2 Standard", "9600.21620"),
        patch={"last_patched": D(2023, 10, 20)},
    )
    found = finding(audit_doc(doc(patched)), "MS-1U", "SRV1")
    assert found.outcome == PASS, found.reason
    assert "2023-10-10" in found.reason
    enrolled = server(
        os=os_("Windows Server 2012 R2 Standard", "9600.21620"),
        esu_enrolled=True,
        patch={"last_patched": D(2023, 10, 20)},
    )
    found = finding(audit_doc(doc(enrolled)), "MS-1U", "SRV1")
    assert found.outcome == FAIL  # enrolled: the 2026-10-13 ESU update was due
    assert "2026-10-13" in found.reason


def test_ms1u_unknown_without_evidence(audit_doc: AuditDoc) -> None:
    found = finding(audit_doc(doc(server(os=os_("Windows Server 2019 Standard")))), "MS-1U", "SRV1")
    assert found.outcome == UNKNOWN
    assert "no build revision" in found.reason


def test_ms1u_not_applicable_to_linux(audit_doc: AuditDoc) -> None:
    found = finding(audit_doc(doc(server(os=os_("Ubuntu", version="24.04")))), "MS-1U", "SRV1")
    assert found.outcome == NA


def test_ms2u_uses_the_client_update_line(audit_doc: AuditDoc) -> None:
    # client 26100 (24H2) and server 26100 (2025) have different revision lines
    behind = desktop(os=os_("Windows 11 Enterprise", "26100.4000"))
    found = finding(audit_doc(doc(behind), as_of=D(2026, 9, 1)), "MS-2U", "PC1")
    assert found.outcome == FAIL
    current = desktop(os=os_("Windows 11 Enterprise", "26100.9168"))
    assert finding(audit_doc(doc(current), as_of=D(2026, 9, 1)), "MS-2U", "PC1").outcome == PASS


def _updates_and_ms3(audit_doc: AuditDoc, asset: dict[str, Any], as_of: dt.date = TODAY) -> Any:
    result = audit_doc(doc(asset), as_of=as_of)
    rule = "MS-1U" if asset["kind"] == "server" else "MS-2U"
    return finding(result, rule, asset["hostname"]), finding(result, "MS-3", asset["hostname"])


W10: dict[str, Any] = {"genuine": True, "licensed": True}


@pytest.mark.parametrize(
    ("build", "fields", "expected", "needle"),
    [
        # an ESU update of February 2026: ESU evidence for MS-3, so an ESU device here
        ("19045.6937", {}, FAIL, "KB5120249"),
        ("19045.6937", {"patch": {"last_patched": D(2026, 2, 15)}}, FAIL, "KB5120249"),
        ("19045.6937", {"esu_enrolled": True}, FAIL, "KB5120249"),
        # the latest ESU update the data knows; the patch date decides (2026-11-10 due)
        ("19045.7663", {"patch": {"last_patched": D(2026, 2, 15)}}, FAIL, "2026-11-10"),
        ("19045.7663", {"patch": {"last_patched": D(2026, 11, 12)}}, PASS, "2026-11-10"),
        ("19045.7663", {}, UNKNOWN, "cannot show the 2026-11-10 release"),
    ],
)
def test_ms2u_esu_evidence_makes_an_esu_device(
    audit_doc: AuditDoc, build: str, fields: dict[str, Any], expected: Outcome, needle: str
) -> None:
    asset = desktop(os=os_("Windows 10 Pro", build), **W10, **fields)
    updates, ms3 = _updates_and_ms3(audit_doc, asset)
    assert ms3.outcome == PASS, ms3.reason  # MS-3 counts the evidence as ESU
    assert updates.outcome == expected, updates.reason
    assert needle in updates.reason
    assert ("esu_evidence", dict(ms3.evidence)["esu_evidence"]) in updates.evidence


@pytest.mark.parametrize(
    "fields",
    [{}, {"patch": {"last_patched": D(2025, 10, 20)}}],
)
def test_ms2u_windows_10_22h2_without_esu_evidence_at_last_free_update_passes(
    audit_doc: AuditDoc, fields: dict[str, Any]
) -> None:
    # Decided (issue 10): it holds every update it can get; the missing ESU updates are
    # MS-3/SC-7's finding (a client purchase), not MS-2U's.
    asset = desktop(os=os_("Windows 10 Pro", "19045.6456"), **W10, **fields)
    updates, ms3 = _updates_and_ms3(audit_doc, asset)
    assert updates.outcome == PASS, updates.reason
    assert "esu_evidence" not in dict(updates.evidence)
    assert ms3.outcome == FAIL
    assert "no evidence of ESU enrolment" in ms3.reason


@pytest.mark.parametrize(
    ("asset", "as_of", "expected", "needle"),
    [
        # LTSC/LTSB lines have no ESU: due every update to their own end of support
        (
            desktop(os=os_("Windows 10 Enterprise LTSC 2021", "19044.6937"), **W10),
            TODAY,
            FAIL,
            "KB5120249",
        ),
        (
            desktop(
                os=os_("Windows 10 Enterprise LTSC 2021", "19044.7663"),
                **W10,
                patch={"last_patched": D(2026, 11, 12)},
            ),
            TODAY,
            PASS,
            "2026-11-10",
        ),
        (  # LTSB 2016 ended 2026-10-13 and the data knows no ESU for it: flag or not
            desktop(
                os=os_("Windows 10 Enterprise LTSB 2016", "14393.9418"),
                **W10,
                esu_enrolled=True,
                patch={"last_patched": D(2026, 10, 20)},
            ),
            TODAY,
            PASS,
            "2026-10-13",
        ),
        (  # Server 2012 R2 with ESU: due the last ESU update (2026-10-13)
            server(
                os=os_("Windows Server 2012 R2 Standard", "9600.22000"),
                **W10,
                esu_enrolled=True,
                patch={"last_patched": D(2026, 10, 1)},
            ),
            TODAY,
            FAIL,
            "2026-10-13",
        ),
        (  # Server 2016 after its end of support: without ESU evidence only the last update
            server(
                os=os_("Windows Server 2016 Standard", "14393.9418"),
                **W10,
                patch={"last_patched": D(2027, 1, 20)},
            ),
            D(2027, 3, 1),
            PASS,
            "2027-01-12",
        ),
        (  # … with ESU evidence every ESU update (February 2027's is due)
            server(
                os=os_("Windows Server 2016 Standard", "14393.9418"),
                **W10,
                esu_enrolled=True,
                patch={"last_patched": D(2027, 1, 20)},
            ),
            D(2027, 3, 1),
            FAIL,
            "2027-02-09",
        ),
    ],
)
def test_ms1u_ms2u_esu_and_ltsc_lines(
    audit_doc: AuditDoc, asset: dict[str, Any], as_of: dt.date, expected: Outcome, needle: str
) -> None:
    updates, _ = _updates_and_ms3(audit_doc, asset, as_of)
    assert updates.outcome == expected, updates.reason
    assert needle in updates.reason
