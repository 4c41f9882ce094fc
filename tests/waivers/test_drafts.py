"""Planning drafts: grouping, IDs, safe file names, and the companion register."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from tests.waivers.conftest import AS_OF
from tma_audit.gate import FailOn, exit_code
from tma_audit.model import AuditResult, Inventory, Outcome
from tma_audit.waivers.drafts import (
    ITEM_COLUMNS,
    DraftOptions,
    asset_details,
    client_code,
    fact_kind,
    items_csv,
    plan_drafts,
    register_text,
    safe_file_name,
)
from tma_audit.waivers.lint import lint_register
from tma_audit.waivers.register import apply_waivers
from tma_audit.waivers.register_file import parse_register
from tma_audit.waivers.waiver import Grouping

SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*\.pdf$")


def fails(result: AuditResult) -> list[tuple[str, str]]:
    return [(f.subject.id, f.rule_id) for f in result.findings if f.outcome == Outcome.FAIL]


def test_one_draft_per_client_lists_every_failure(
    midsize: AuditResult, midsize_inventory: Inventory
) -> None:
    (doc,) = plan_drafts(midsize, asset_details(midsize_inventory), DraftOptions())
    assert doc.document_id == "WD-HPBS-20261126-001"
    assert doc.scope_label == "All sites"
    assert sorted((i.subject.id, r.id) for i in doc.items for r in i.rules) == sorted(
        fails(midsize)
    )
    assert [i.number for i in doc.items] == list(range(1, len(doc.items) + 1))
    assert doc.expires == AS_OF + dt.timedelta(days=180)  # waiver_review_days
    # cited rules in ruleset order, each once
    order = [r.id for r in midsize.ruleset.rules]
    cited = {r.id for i in doc.items for r in i.rules}
    assert [r.id for r in doc.rules] == sorted(cited, key=order.index)
    # the affected assets carry kind, OS and site from the inventory
    access = next(a for a in doc.assets if a.name == "LDS-ACCESS01")
    assert access.kind.startswith("server") and access.site == "Leeds HQ"
    assert access.os is not None and "2008 R2" in access.os
    # one register entry per item, numbered across the draft
    assert len(doc.entries) == len({i.subject for i in doc.items})
    assert doc.entries[0].id == "W-20261126-0001"
    # Schedule D priority, as the remediation plan computes it
    sc3 = next(i for i in doc.items if i.rule.id == "SC-3")
    assert (sc3.urgency.value, sc3.priority.level) == ("high", 2)  # medium impact, company-wide


def test_include_unknown_and_rule_filter(midsize: AuditResult) -> None:
    (everything,) = plan_drafts(midsize, {}, DraftOptions(include_unknown=True))
    assert sum(len(i.rules) for i in everything.items) == sum(
        1 for f in midsize.findings if f.outcome.is_finding
    )
    (only,) = plan_drafts(midsize, {}, DraftOptions(rules=frozenset({"SC-2", "MS-6"})))
    assert {i.rule.id for i in only.items} == {"SC-2", "MS-6"}


@pytest.mark.parametrize(
    ("grouping", "labels"),
    [
        (
            Grouping.SITE,
            ["Company-wide items", "Site Wakefield DC", "Site Leeds HQ", "Site York Branch"],
        ),
        (Grouping.RULE, None),
        (Grouping.FINDING, None),
    ],
)
def test_grouping(midsize: AuditResult, grouping: Grouping, labels: list[str] | None) -> None:
    docs = plan_drafts(midsize, {}, DraftOptions(grouping=grouping))
    items = [(i.subject.id, r.id) for d in docs for i in d.items for r in i.rules]
    assert sorted(items) == sorted(fails(midsize))
    ids = [d.document_id for d in docs]
    assert ids == [f"WD-HPBS-20261126-{n:03d}" for n in range(1, len(docs) + 1)]
    entry_ids = [e.id for d in docs for e in d.entries]
    assert len(entry_ids) == len(set(entry_ids))
    names = [d.file_name for d in docs]
    assert len(set(names)) == len(names)
    assert all(SAFE.match(n) for n in names)
    if labels is not None:
        assert [d.scope_label for d in docs] == labels
    if grouping == Grouping.FINDING:
        assert all(len(d.items) == 1 for d in docs)
        # one document per fact: MS-3 and SC-7 on one device are one document
        facts = {(f.subject.id, f.reason) for f in midsize.findings if f.outcome == Outcome.FAIL}
        assert len(docs) == len(facts) == len(fails(midsize)) - 19
        assert names[0] == "WD-HPBS-20261126-001-hartwell-pryce-building-supplies-ltd-sc-3.pdf"
    if grouping == Grouping.RULE:
        assert all(len({i.rule.id for i in d.items}) == 1 for d in docs)
        assert not any(i.rule.id == "SC-7" for d in docs for i in d.items)  # MS-3's
        assert docs[0].scope_label == "Rule SC-3: Cybersecurity insurance is in force"


def test_ms3_and_sc7_are_one_fact_citing_both(midsize: AuditResult) -> None:
    """The same item, outcome and reason from two rules: one item, one row, both rules."""
    (doc,) = plan_drafts(midsize, {}, DraftOptions())
    assert len(doc.items) == len(fails(midsize)) - 19  # 19 of the rows repeated another
    assert len({(i.subject, i.verdict.reason) for i in doc.items}) == len(doc.items)
    xp = next(i for i in doc.items if i.subject.id == "WKF-PC901" and i.rule.id == "MS-3")
    assert [r.id for r in xp.rules] == ["MS-3", "SC-7"]
    # the register entry still names both rules, so the audit honours it for both
    entry = next(e for e in doc.entries if e.subject == xp.subject)
    assert {"MS-3", "SC-7"} <= set(entry.rules)


def test_rows_group_the_same_fact_on_many_items(midsize: AuditResult) -> None:
    (doc,) = plan_drafts(midsize, {}, DraftOptions())
    rows = doc.rows
    assert sum(len(r.subjects) for r in rows) == len(doc.items)
    assert [r.number for r in rows] == list(range(1, len(rows) + 1))
    keys = [(tuple(x.id for x in r.rules), r.reason) for r in rows]
    assert len(set(keys)) == len(keys)
    # Windows 11 Home/Pro past support: one kind of finding, two exact texts, counted
    win11 = next(r for r in rows if r.reason.startswith("Windows 11 24H2 (Home/Pro)"))
    assert [r.id for r in win11.rules] == ["MS-3", "SC-7"]
    assert win11.reasons == (
        ("Windows 11 24H2 (Home/Pro): support ended 2026-10-13", 4),
        ("Windows 11 23H2 (Home/Pro): support ended 2025-11-11", 2),
    )
    assert [s.id for s in win11.subjects] == [
        "LDS-PC015",
        "LDS-PC016",
        "LDS-PC022",
        "YRK-PC007",
        "YRK-PC011",
        "YRK-PC016",
    ]


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("Windows 7 SP1: support ended 2020-01-14", "Windows # SP# support ended #"),
        ("WKF-FW01: licence expired 2026-08-31; vendor support expired", "licence expired #"),
        (
            "SentinelOne: definitions from 2026-11-18 are 8 days old (limit 7)",
            "SentinelOne: definitions from # are # days old (limit #)",
        ),
        ("not genuine; not licensed", "not genuine"),
    ],
)
def test_fact_kind_leaves_out_numbers_and_host_names(reason: str, kind: str) -> None:
    assert fact_kind(reason) == kind


def test_items_csv_lists_every_item_of_every_row(
    midsize: AuditResult, midsize_inventory: Inventory
) -> None:
    (doc,) = plan_drafts(midsize, asset_details(midsize_inventory), DraftOptions())
    lines = list(csv.reader(io.StringIO(items_csv(doc))))
    assert lines[0] == list(ITEM_COLUMNS)
    assert len(lines) - 1 == len(doc.items)
    xp = next(line for line in lines if line[1] == "WKF-PC901" and "MS-3" in line[5])
    assert xp[5] == "MS-3 SC-7" and xp[7] == "fail" and xp[4].startswith("Windows 7")
    assert xp[8] == "Windows 7 SP1: support ended 2020-01-14"  # the item's own text
    found = {(line[1], line[8]) for line in lines[1:]}
    assert found == {
        (f.subject.id, f.reason) for f in midsize.findings if f.outcome == Outcome.FAIL
    }
    assert "W-2026" not in items_csv(doc)  # no internal register IDs


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Hartwell & Pryce Building Supplies Ltd", "HPBS"),
        ("Harbourside Dental Practice Ltd", "HDP"),
        ("Zürich GmbH", "ZURI"),
        ("The Ålesund Fiskeri AS", "AFA"),
        ("Acme", "ACME"),
    ],
)
def test_client_codes(name: str, code: str) -> None:
    assert client_code(name) == code


def test_client_code_of_a_name_without_latin_letters_is_stable() -> None:
    assert client_code("東京") == client_code("東京")
    assert re.fullmatch(r"C[0-9A-F]{4}", client_code("東京"))
    assert client_code("東京") != client_code("大阪")


@pytest.mark.parametrize(
    "words",
    [
        "../../etc/passwd",
        "..",
        "/absolute/path",
        "C:\\Windows\\system32",
        "a\x00b",
        "name\nwith\nnewlines",
        "東京",
        "x" * 500,
        " .hidden",
        "CON",
        "-rf",
    ],
)
def test_file_names_never_leave_the_directory(words: str) -> None:
    name = safe_file_name("WD-X-20261126-001", words, ".pdf")
    assert SAFE.match(name), name
    assert "/" not in name and "\\" not in name and ".." not in name
    assert len(name) <= 110


def test_the_register_round_trips_and_is_honoured_once_completed(midsize: AuditResult) -> None:
    docs = plan_drafts(midsize, {}, DraftOptions(grouping=Grouping.SITE))
    text = register_text(docs, midsize, "9.9")
    drafted = parse_register(text, "draft.yaml")
    entries = [e for d in docs for e in d.entries]
    assert [w.id for w in drafted.waivers] == [e.id for e in entries]
    assert drafted.client == midsize.client.name
    assert all(w.expires == AS_OF + dt.timedelta(days=180) for w in drafted.waivers)
    # as drafted, nothing is waived, and lint says what is missing
    assert apply_waivers(midsize, drafted, AS_OF).results == midsize.results
    issues = lint_register(drafted, midsize.ruleset, AS_OF, midsize)
    assert len(issues) == len(entries)
    assert all(
        "missing justification, compensating_controls, approved_by" in i.message for i in issues
    )
    # completed: exactly the drafted findings are waived, nothing else
    completed = re.sub(
        r"    approved_by: .*\n    approval_date: .*\n",
        "    approved_by: Priya Natarajan\n    approval_date: 2026-11-26\n",
        text,
    )
    completed = completed.replace("    justification:  ", "    justification: Budget  #")
    completed = re.sub(r"    compensating_controls: .*", "    compensating_controls: []", completed)
    signed = parse_register(completed, "signed.yaml")
    assert lint_register(signed, midsize.ruleset, AS_OF, midsize) == []
    out = apply_waivers(midsize, signed, AS_OF)
    waived = sorted((f.subject.id, f.rule_id) for f in out.findings if f.outcome == Outcome.WAIVED)
    assert waived == sorted(fails(midsize))
    # the unknowns still fail the gate; drafting them too would clear it
    assert exit_code(out, FailOn()) == 1
    all_docs = plan_drafts(midsize, {}, DraftOptions(include_unknown=True))
    everything = re.sub(
        r"    approved_by: .*\n    approval_date: .*\n",
        "    approved_by: P\n    approval_date: 2026-11-26\n",
        register_text(all_docs, midsize, "9.9"),
    )
    assert exit_code(apply_waivers(midsize, parse_register(everything, "x"), AS_OF), FailOn()) == 0


def test_register_text_quotes_awkward_names(unicode_result: AuditResult) -> None:
    docs = plan_drafts(unicode_result, {}, DraftOptions())
    text = register_text(docs, unicode_result, "9.9")
    assert 'client: "Zürich GmbH"' in text
    drafted = parse_register(text, "draft.yaml")
    items = {i for w in drafted.waivers for i in w.scope.items}
    assert {"東京", "Ålesund", "TYO-PC01: 会計ソフト 2010", "OSL-SRV01"} <= items


def test_an_audit_without_failures_drafts_nothing(midsize: AuditResult) -> None:
    assert plan_drafts(midsize, {}, DraftOptions(rules=frozenset({"SC-4"}))) == ()
    text = register_text((), midsize, "9.9")
    assert parse_register(text, "x").waivers == ()


def test_a_restating_finding_keeps_its_priority_through_a_saved_report(
    midsize: AuditResult,
) -> None:
    """MS-4 for the environment restates its devices' findings (P3, not the P1 of a
    company-wide finding), drafted from the audit or from its saved JSON report alike."""
    import json

    from tma_audit import __version__
    from tma_audit.plan import analyse
    from tma_audit.reports import Format, RenderOptions, get_renderer
    from tma_audit.reports.json_input import parse_report

    text = get_renderer(Format.JSON)(midsize, RenderOptions(tool_version=__version__))
    assert isinstance(text, str)
    saved = parse_report(json.loads(text), "report.json")

    def env_priority(result: AuditResult) -> tuple[int, Outcome | None]:
        (doc,) = plan_drafts(result, {}, DraftOptions(rules=frozenset({"MS-4"})))
        (item,) = [i for i in doc.items if i.subject.type.value == "environment"]
        return item.priority.level, item.verdict.own_outcome

    assert env_priority(midsize) == env_priority(saved) == (3, Outcome.PASS)
    assert analyse(saved).plan_totals == analyse(midsize).plan_totals


def test_rule_filter_and_expiry_check(midsize: AuditResult) -> None:
    """`--rules` and `--expires`, checked in waivers.drafts (the CLI only parses)."""
    from tma_audit.errors import InputError
    from tma_audit.waivers.drafts import check_expiry, clean_controls, rule_filter
    from tma_audit.waivers.expiry import WaiverPolicy

    assert rule_filter(None, midsize.ruleset) is None
    assert rule_filter(" ms-3, SC-7 ,", midsize.ruleset) == frozenset({"MS-3", "SC-7"})
    for bad, shown in (("MS-3,XX-1", "unknown rule XX-1;"), (" , ", "(none given)")):
        with pytest.raises(InputError, match=re.escape(shown)) as caught:
            rule_filter(bad, midsize.ruleset)
        assert caught.value.field == "--rules"
    longest = WaiverPolicy.from_parameters(midsize.ruleset.parameters).max_days
    last = AS_OF + dt.timedelta(days=longest)
    assert check_expiry(last, midsize) == last
    for day in (AS_OF, last + dt.timedelta(days=1)):
        with pytest.raises(InputError, match="must be after the audit date") as caught:
            check_expiry(day, midsize)
        assert caught.value.field == "--expires"
    assert clean_controls(["  isolated \n VLAN ", " ", "MFA"]) == ("isolated VLAN", "MFA")


def test_what_the_engineer_is_told(midsize: AuditResult) -> None:
    from tma_audit.waivers.drafts import (
        details_from_result,
        drafted_summary,
        nothing_to_waive,
        register_file_name,
    )

    client = midsize.client.name
    assert nothing_to_waive(midsize, False, None) == (
        f"Nothing to waive for {client} on 2026-11-26: no un-waived fail finding "
        "(--include-unknown drafts unknowns too).\n"
    )
    assert nothing_to_waive(midsize, True, "SC-3") == (
        f"Nothing to waive for {client} on 2026-11-26: no un-waived fail or unknown "
        "finding of SC-3.\n"
    )
    assert register_file_name(midsize) == f"waivers-draft-{client_code(client)}-2026-11-26.yaml"
    documents = plan_drafts(midsize, details_from_result(midsize), DraftOptions())
    summary = drafted_summary(documents, midsize, [("a.pdf", documents[0], 3)], "r.yaml")
    lines = summary.splitlines()
    assert lines[0].startswith(f"Drafted 1 waiver(s) for {client} from the audit of 2026-11-26:")
    assert lines[1] == f"  a.pdf  ({len(documents[0].items)} finding(s), 3 page(s))"
    assert lines[2].startswith("  r.yaml  (") and lines[2].endswith("to complete once signed)")
    assert lines[3].startswith("Next: send the PDFs for signature;")
