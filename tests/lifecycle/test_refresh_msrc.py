"""`data update` from Microsoft's security update API (MSRC CVRF), against a loopback server
serving the recorded documents: the months, the cache of documents, failures, deadlines."""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.lifecycle.fixtures.upstream import (
    Reply,
    Upstream,
    cvrf,
    json_reply,
    release_list,
    serve_document,
    serve_msrc,
    shipped_document,
)
from tma_audit.audit import run_audit
from tma_audit.inventory import load_inventory
from tma_audit.lifecycle import load_best, load_pinned
from tma_audit.lifecycle import refresh as refresh_module
from tma_audit.lifecycle.cache import cache_file, save_cache
from tma_audit.lifecycle.refresh import RefreshConfig, RefreshResult, Status, refresh
from tma_audit.model import Outcome
from tma_audit.rules import load_default_ruleset

MSRC = "MSRC security updates"
JSON = {"Content-Type": "application/json"}
SUMMER = ("2026-Jun", "2026-Jul", "2026-Aug")


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with Upstream().running() as server:
        serve_msrc(server)
        yield server


@pytest.fixture(autouse=True)
def _no_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh_module, "_pause", lambda _seconds: None)


def msrc_only(server: Upstream, **overrides: Any) -> RefreshConfig:
    """Only MSRC is asked: no products in the base, no mirror."""
    values: dict[str, Any] = {
        "endoflife_url": f"{server.url}/api/v1",
        "msrc_url": f"{server.url}/msrc",
        "timeout": 2.0,
        "retries": 1,
        "backoff": 0.01,
    }
    values.update(overrides)
    return RefreshConfig(**values)


def history_to(day: str) -> dict[str, Any]:
    """The shipped snapshot with its update history cut after ``day`` and no products to
    refresh (the endoflife.date part is skipped)."""
    document = shipped_document()
    for line in document["updates"].values():
        for build in list(line):
            line[build] = [e for e in line[build] if e.split(":")[2] <= day]
    document["updates_date"] = day
    for source in document["sources"]:
        if source["id"] == "dataforgeeks-updates":
            source["date"] = day
    return document


def products_free(document: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    out["products"] = {}
    return out


def run(
    server: Upstream,
    base: dict[str, Any],
    today: dt.date,
    *,
    cached: bool = False,
    **overrides: Any,
) -> RefreshResult:
    return refresh(
        products_free(base), msrc_only(server, **overrides), today, validators_usable=cached
    )


def outcome(result: RefreshResult) -> tuple[Status, str]:
    found = next(o for o in result.outcomes if o.source == MSRC)
    return found.status, found.message


def save(tmp_path: Path, result: RefreshResult, base: dict[str, Any]) -> None:
    """Write a result as `data update` does (with the base's products back in place)."""
    assert result.document is not None
    document = dict(result.document)
    document["products"] = base["products"]
    save_cache(tmp_path, document)


def audit(life: Any, tmp_path: Path, text: str, as_of: dt.date) -> dict[tuple[str, str], Outcome]:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text("client: {name: A}\nassets:\n" + text, encoding="utf-8")
    result = run_audit(load_inventory(inventory), load_default_ruleset(), life, as_of)
    return {
        (f.rule_id, f.subject.id): f.outcome
        for f in result.findings
        if f.rule_id in ("MS-1U", "MS-2U")
    }


PINNED = (
    "  - {hostname: S19, kind: server, os: {name: Windows Server 2019 Standard, build: '17763.9121'}}\n"
    "  - {hostname: S19-old, kind: server, os: {name: Windows Server 2019 Standard, build: '17763.9120'}}\n"
    "  - {hostname: S22, kind: server, os: {name: Windows Server 2022 Standard, build: '20348.5499'}}\n"
    "  - {hostname: S22-old, kind: server, os: {name: Windows Server 2022 Standard, build: '20348.5498'}}\n"
    "  - {hostname: W10, kind: desktop, esu_enrolled: true,"
    " os: {name: Windows 10 Enterprise, version: 22H2, build: '19045.7663'}}\n"
    "  - {hostname: W10-old, kind: desktop, esu_enrolled: true,"
    " os: {name: Windows 10 Enterprise, version: 22H2, build: '19045.7662'}}\n"
)


def test_pinned_facts_after_updating_from_the_august_documents(
    upstream: Upstream, tmp_path: Path
) -> None:
    """A history that ends in July cannot pass anyone on 2026-08-26; after the MSRC
    documents of June to August it can, and one revision lower fails."""
    base = history_to("2026-07-31")
    serve_msrc(upstream, SUMMER)
    as_of = dt.date(2026, 8, 26)
    before = audit(load_best(None).lifecycle, tmp_path, PINNED, as_of)  # shipped: to 08-12
    assert before[("MS-1U", "S19")] is Outcome.PASS  # the shipped history already knows August
    save_cache(tmp_path, base)
    stale = audit(load_pinned(cache_file(tmp_path)).lifecycle, tmp_path, PINNED, as_of)
    assert stale[("MS-1U", "S19")] is Outcome.UNKNOWN  # July data cannot tell

    result = run(upstream, base, as_of)

    assert outcome(result)[0] is Status.UPDATED, outcome(result)
    assert (
        "3 monthly documents in use, the newest 2026-Aug (released 2026-08-11)"
        in (outcome(result)[1])
    )
    save(tmp_path, result, base)
    life = load_pinned(cache_file(tmp_path)).lifecycle
    assert life.updates_date == dt.date(2026, 8, 11)
    outcomes = audit(life, tmp_path, PINNED, as_of)
    assert outcomes == {
        ("MS-1U", "S19"): Outcome.PASS,
        ("MS-1U", "S19-old"): Outcome.FAIL,
        ("MS-1U", "S22"): Outcome.PASS,
        ("MS-1U", "S22-old"): Outcome.FAIL,
        ("MS-2U", "W10"): Outcome.PASS,
        ("MS-2U", "W10-old"): Outcome.FAIL,
    }
    latest = life.latest_known_update(19045, False)
    assert latest is not None and (latest.revision, latest.kb) == (7663, "KB5120249")


def test_the_newest_month_and_its_out_of_band_release(upstream: Upstream, tmp_path: Path) -> None:
    base = shipped_document()
    result = run(upstream, base, dt.date(2026, 12, 3))
    status, message = outcome(result)
    assert status is Status.UPDATED
    # the shipped history ends 2026-08-12: the documents from July on are fetched
    assert "5 monthly documents in use, the newest 2026-Nov (released 2026-11-10); 5 fetched" in (
        message
    )
    assert upstream.hits("/msrc/cvrf/2026-Jun") == []
    save(tmp_path, result, base)
    chosen = load_best(tmp_path)
    life = chosen.lifecycle
    assert life.updates_date == dt.date(2026, 11, 10)
    # out of band: 20348.5620 from 2026-09-18, not from Patch Tuesday
    on_sep_10 = life.latest_update(20348, True, dt.date(2026, 9, 10))
    assert on_sep_10 is not None and on_sep_10.revision == 5610
    on_sep_20 = life.latest_update(20348, True, dt.date(2026, 9, 20))
    assert on_sep_20 is not None and (on_sep_20.revision, on_sep_20.kb) == (5620, "KB5131000")
    # hotpatch month: the cumulative update, not the hotpatch numbered above it
    october = life.latest_update(26100, True, dt.date(2026, 10, 31))
    assert october is not None and october.revision == 33540
    # the shipped history is kept (an out-of-band non-security release of July stays)
    july = life.latest_update(26100, False, dt.date(2026, 7, 20))
    assert july is not None and july.revision == 8894
    sources = {s.id: s for s in chosen.info.sources}
    assert sources["msrc-cvrf"].date == "2026-11-10"
    assert sources["msrc-cvrf"].url == f"{upstream.url}/msrc/updates"
    # every request asked for JSON
    assert all(h["accept"] == "application/json" for _, h in upstream.requests)


def test_a_monthly_refresh_fetches_one_document(upstream: Upstream, tmp_path: Path) -> None:
    base = shipped_document()
    months = ("2026-Jul", "2026-Aug", "2026-Sep", "2026-Oct")
    serve_msrc(upstream, months)
    first = run(upstream, base, dt.date(2026, 11, 1))
    save(tmp_path, first, base)
    serve_msrc(upstream, (*months, "2026-Nov"))
    seen = len(upstream.requests)

    cached = load_best(tmp_path)
    second = run(upstream, dict(cached.document), dt.date(2026, 12, 3), cached=True)

    asked = [path for path, _ in upstream.requests[seen:]]
    assert asked == ["/msrc/updates", "/msrc/cvrf/2026-Nov"]
    assert "5 monthly documents in use, the newest 2026-Nov" in outcome(second)[1]
    assert "1 fetched" in outcome(second)[1]
    assert second.document is not None
    assert second.document["updates"]["server"]["17763"][-1] == "9460:KB5140002:2026-11-10"


def test_a_revised_document_is_asked_again_and_a_304_keeps_it(
    upstream: Upstream, tmp_path: Path
) -> None:
    base = shipped_document()
    first = run(upstream, base, dt.date(2026, 12, 3))
    save(tmp_path, first, base)
    listed = release_list()
    listed["value"][2]["CurrentReleaseDate"] = "2026-11-20T08:00:00Z"  # August revised
    upstream.set("/msrc/updates", json_reply(listed))
    seen = len(upstream.requests)

    again = run(upstream, dict(load_best(tmp_path).document), dt.date(2026, 12, 3), cached=True)

    asked = upstream.requests[seen:]
    assert [path for path, _ in asked] == ["/msrc/updates", "/msrc/cvrf/2026-Aug"]
    assert asked[1][1].get("if-none-match") == '"2026-Aug-1"'
    status, message = outcome(again)
    assert status is Status.UNCHANGED and "1 not modified" in message
    assert again.document is None  # nothing new: the cache stays as it is


FAILURES: dict[str, tuple[str, list[Reply], str]] = {
    "429 too long": (
        "/msrc/cvrf/2026-Sep",
        [Reply(429, b"", {"Retry-After": "3600"})],
        "the server asks to retry after 3600 s",
    ),
    "truncated": (
        "/msrc/cvrf/2026-Oct",
        [Reply(200, json.dumps(cvrf("2026-Oct")).encode(), JSON, truncate=True)],
        "cut short",
    ),
    "future dates": (
        "/msrc/cvrf/2026-Nov",
        [
            Reply(
                200,
                json.dumps(cvrf("2026-Nov"))
                .replace("2026-11-10T08:00:00Z", "3000-01-01T00:00:00Z")
                .encode(),
                JSON,
            )
        ],
        "3000-01-01 is after the day it was fetched (2026-12-03)",
    ),
    "wrong shape": (
        "/msrc/cvrf/2026-Aug",
        [Reply(200, b'{"DocumentTracking": [], "Vulnerability": {}}', JSON)],
        "DocumentTracking: expected an object, got a list",
    ),
    "html": (
        "/msrc/updates",
        [Reply(200, b"<html>maintenance</html>", {"Content-Type": "text/html"})],
        "the answer is an HTML page",
    ),
    "list in the future": (
        "/msrc/updates",
        [
            json_reply(
                {
                    "value": [
                        *release_list()["value"],
                        {
                            "ID": "2099-Jan",
                            "InitialReleaseDate": "2099-01-13T08:00:00Z",
                            "CurrentReleaseDate": "2099-01-13T08:00:00Z",
                        },
                    ]
                }
            )
        ],
        "2099-01-13 is after the day it was fetched",
    ),
    "deeply nested": (
        "/msrc/cvrf/2026-Sep",
        [Reply(200, b"[" * 50_000 + b"]" * 50_000, JSON)],
        "nested more than 64 levels deep",
    ),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_failure_keeps_the_history_in_use(upstream: Upstream, tmp_path: Path, case: str) -> None:
    path, replies, message = FAILURES[case]
    upstream.set(path, *replies)
    base = shipped_document()

    result = run(upstream, base, dt.date(2026, 12, 3))

    status, text = outcome(result)
    assert status is Status.FAILED
    assert message in text, text
    assert text.endswith("kept the update history of 2026-08-12")
    assert result.document is None  # nothing else was refreshed: nothing to write


def test_a_429_with_a_short_retry_after_is_waited(
    upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(refresh_module, "_pause", waits.append)
    upstream.set(
        "/msrc/cvrf/2026-Sep", Reply(429, b"", {"Retry-After": "1"}), json_reply(cvrf("2026-Sep"))
    )
    result = run(upstream, shipped_document(), dt.date(2026, 12, 3))
    assert outcome(result)[0] is Status.UPDATED
    assert waits == [1.0]


# --- deadlines ---------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [False, True], ids=["slow body", "slow headers"])
def test_a_server_sending_a_byte_at_a_time_is_cut_at_the_deadline(
    upstream: Upstream, headers: bool
) -> None:
    """Each byte comes within the read timeout, so only a deadline ends the answer."""
    body = json.dumps(cvrf("2026-Sep")).encode()
    upstream.set(
        "/msrc/cvrf/2026-Sep", Reply(200, body, JSON, trickle=0.05, trickle_headers=headers)
    )
    started = time.monotonic()

    result = run(upstream, shipped_document(), dt.date(2026, 12, 3), document_deadline=0.6)

    took = time.monotonic() - started
    status, message = outcome(result)
    assert status is Status.FAILED
    assert "not answered within the deadline of 0.6 s per answer" in message, message
    assert took < 5, took


def test_the_runs_deadline_bounds_every_answer_together(upstream: Upstream) -> None:
    for month in ("2026-Sep", "2026-Oct", "2026-Nov"):
        upstream.set(
            f"/msrc/cvrf/{month}",
            Reply(200, json.dumps(cvrf(month)).encode(), JSON, delay=0.3),
        )
    started = time.monotonic()
    result = run(upstream, shipped_document(), dt.date(2026, 12, 3), deadline=0.5)
    assert time.monotonic() - started < 3
    status, message = outcome(result)
    assert status is Status.FAILED
    assert "the run's deadline of 0.5 s" in message, message


# --- together with the other sources -----------------------------------------------------


def test_with_the_mirror_too_the_newer_data_wins_per_build(
    upstream: Upstream, tmp_path: Path
) -> None:
    """The mirror knows Server 2022's November update; MSRC knows every line's."""
    base = shipped_document()
    serve_document(upstream, base)
    from tests.lifecycle.fixtures.upstream import updates_answer

    mirror = updates_answer(
        base, "2026-11-12T00:00:00Z", ("server:20348:5830:KB5140004:2026-11-10",)
    )
    upstream.set("/updates/win-buildnumbers.json", json_reply(mirror))
    config = msrc_only(upstream, updates_url=f"{upstream.url}/updates")

    result = refresh(products_free(base), config, dt.date(2026, 12, 3), validators_usable=False)

    assert not result.failed, result.outcomes
    assert result.document is not None
    assert result.document["updates_date"] == "2026-11-12"  # the mirror's, the newer
    updates = result.document["updates"]
    assert updates["server"]["20348"][-1] == "5830:KB5140004:2026-11-10"
    assert updates["server"]["17763"][-1] == "9460:KB5140002:2026-11-10"  # from MSRC
    assert updates["server"]["20348"].count("5830:KB5140004:2026-11-10") == 1


def test_a_mirror_refresh_keeps_the_months_held(upstream: Upstream, tmp_path: Path) -> None:
    """MSRC unchanged, the mirror replaces the history: the held months go back in."""
    base = shipped_document()
    save(tmp_path, run(upstream, base, dt.date(2026, 12, 3)), base)
    serve_document(upstream, base)  # the mirror: the shipped history, collected 2026-12-02
    cached = dict(load_best(tmp_path).document)
    config = msrc_only(upstream, updates_url=f"{upstream.url}/updates")

    result = refresh(products_free(cached), config, dt.date(2026, 12, 3), validators_usable=True)

    assert not result.failed, result.outcomes
    assert outcome(result)[0] is Status.UNCHANGED
    assert result.document is not None
    assert result.document["updates"]["server"]["17763"][-1] == "9460:KB5140002:2026-11-10"
    assert result.document["updates_date"] == "2026-12-02"
    sources = {s["id"]: s for s in result.document["sources"]}
    assert sources["msrc-cvrf"]["date"] == "2026-11-10"
    assert sources["windows-updates"]["date"] == "2026-12-02"
