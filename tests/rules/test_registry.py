"""The registry: what a check declares beside its @check (here, what its unknowns want)."""

from __future__ import annotations

import pytest

from tma_audit import evidence
from tma_audit.evidence import fact_of
from tma_audit.model import Outcome, SubjectType, Verdict
from tma_audit.rules import registry
from tma_audit.rules.registry import EvidenceWanted, check, get_checks


def test_every_check_declares_what_its_unknowns_want_in_known_facts() -> None:
    for name, spec in get_checks().items():
        wanted = spec.evidence
        assert wanted.default != "other", f"{name} declares no evidence"
        facts = {wanted.default, *(fact for _, fact in wanted.when)}
        assert facts <= set(evidence._FACTS), (name, facts - set(evidence._FACTS))


def test_the_evidence_section_reads_the_checks_own_declaration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "CHECKS", dict(get_checks()))

    @check(
        "test_only_evidence",
        subjects={SubjectType.CLIENT},
        evidence=EvidenceWanted("insurance", when=(("no contact", "change-notification"),)),
    )
    def test_only_evidence(subject: object, ctx: registry.Context) -> Verdict:
        raise AssertionError("never called")

    def unknown(reason: str) -> Verdict:
        return Verdict(Outcome.UNKNOWN, reason)

    assert fact_of("test_only_evidence", unknown("no contact given")) == "change-notification"
    assert fact_of("test_only_evidence", unknown("policy not stated")) == "insurance"
    # a check that declares nothing, and a name no check has: other evidence
    check("test_only_plain", subjects={SubjectType.CLIENT})(test_only_evidence)
    assert fact_of("test_only_plain", unknown("anything")) == "other"
    assert fact_of("no_such_check", unknown("anything")) == "other"


@pytest.mark.parametrize(
    ("check_name", "reason", "fact"),
    [
        ("windows_release_floor", "no operating system stated", "os"),
        (
            "windows_release_floor",
            "'Windows': Windows, but the release is not recognisable",
            "os-release",
        ),
        (
            "windows_updates_current",
            "build 1.2 ... cannot show the 2026-11-11 release",
            "update-data",
        ),
        ("windows_updates_current", "no build revision, patch date or patch scan given", "build"),
        ("genuine_licensed_supported", "licence status not stated", "licence"),
        ("antivirus_coverage", "antivirus coverage not stated", "antivirus"),
        ("antivirus_coverage", "Defender: no licence date given", "product-dates"),
        ("backup_solution", "the inventory states no environment products (backup)", "environment"),
        ("network_warranty", "the device's role (core/edge/access) not stated", "role"),
        ("network_warranty", "warranty expiry not stated", "warranty"),
        ("lob_support", "Ledger: no support contract or contact stated", "applications"),
    ],
)
def test_declared_evidence_classifies_as_the_evidence_section_did(
    check_name: str, reason: str, fact: str
) -> None:
    assert fact_of(check_name, Verdict(Outcome.UNKNOWN, reason)) == fact
