"""Every rule of the default ruleset: cases that pin pass, fail, unknown and n/a."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import AuditDoc, finding
from tma_audit.model import Outcome

D = dt.date
PASS, FAIL, UNKNOWN, NA = (Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN, Outcome.NOT_APPLICABLE)
TODAY = D(2026, 11, 26)


def doc(
    *assets: dict[str, Any],
    environment: dict[str, Any] | None = None,
    attestations: dict[str, Any] | None = None,
    sites: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "client": {"name": "Test Client", "sites": sites or [{"name": "HQ"}]},
        "assets": list(assets),
    }
    if environment is not None:
        out["environment"] = environment
    if attestations is not None:
        out["attestations"] = attestations
    return out


def server(name: str = "SRV1", **fields: Any) -> dict[str, Any]:
    return {"hostname": name, "kind": "server", "site": "HQ", **fields}


def desktop(name: str = "PC1", **fields: Any) -> dict[str, Any]:
    return {"hostname": name, "kind": "desktop", "site": "HQ", **fields}


def os_(name: str, build: str | None = None, **extra: str) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name}
    if build:
        out["build"] = build
    out.update(extra)
    return out


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


# --- MS-5 / SC-6 ----------------------------------------------------------------------
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


# --- MS-6 / SC-1 ----------------------------------------------------------------------

FORTIGATE = {
    "hostname": "FW1",
    "kind": "firewall",
    "site": "HQ",
    "form": "hardware",
    "model": "FortiGate 60F",
    "os": {"name": "FortiOS", "version": "7.4.8"},
    "license_expires": D(2027, 5, 1),
    "support_expires": D(2027, 5, 1),
    "warranty": {"expires": D(2027, 5, 1)},
}


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


# --- every outcome has a reason ---------------------------------------------------------------


def test_every_rule_of_the_default_ruleset_is_pinned() -> None:
    from tma_audit.rules import load_default_ruleset

    ids = {rule.id for rule in load_default_ruleset().rules}
    assert ids == {
        "MS-1",
        "MS-1U",
        "MS-2",
        "MS-2U",
        "MS-3",
        "MS-4",
        "MS-5",
        "MS-6",
        *(f"SC-{n}" for n in range(1, 11)),
    }
