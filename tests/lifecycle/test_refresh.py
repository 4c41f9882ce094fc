"""`data update` against a real HTTP server on 127.0.0.1: success, 304, 301, and failures.

After every failure the previous data is intact and audits still run on it.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.lifecycle.fixtures.upstream import (
    RECORDED,
    Reply,
    Upstream,
    html_404,
    json_reply,
    recorded,
    serve_document,
    shipped_document,
    updates_answer,
)
from tma_audit.audit import run_audit
from tma_audit.inventory import load_inventory
from tma_audit.lifecycle import load_best
from tma_audit.lifecycle import refresh as refresh_module
from tma_audit.lifecycle.cache import cache_file, save_cache
from tma_audit.lifecycle.refresh import (
    HttpClient,
    RefreshConfig,
    RefreshResult,
    Status,
    refresh,
    retry_after_seconds,
)
from tma_audit.model import Outcome
from tma_audit.rules import load_default_ruleset

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "inventories" / "small-office" / "inventory.yaml"
TODAY = dt.date(2026, 12, 3)
WS = "/api/v1/products/windows-server/"
PANOS = "/api/v1/products/panos/"


def small_document() -> dict[str, Any]:
    """The shipped snapshot cut down to the products with recorded answers (fast tests)."""
    document = shipped_document()
    document["products"] = {s: p for s, p in document["products"].items() if s in RECORDED}
    return document


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with Upstream().running() as server:
        serve_document(server, shipped_document())
        yield server


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Waits between attempts are recorded, not slept."""
    waits: list[float] = []
    monkeypatch.setattr(refresh_module, "_pause", waits.append)
    return waits


def config(
    server: Upstream, *, updates: bool = True, msrc: bool = False, **overrides: Any
) -> RefreshConfig:
    values: dict[str, Any] = {
        "endoflife_url": f"{server.url}/api/v1",
        "updates_url": f"{server.url}/updates" if updates else None,
        "msrc_url": f"{server.url}/msrc" if msrc else None,
        "timeout": 2.0,
        "retries": 2,
        "backoff": 0.01,
        "max_backoff": 0.04,
        "max_retry_after": 30.0,
    }
    values.update(overrides)
    return RefreshConfig(**values)


def run(
    server: Upstream,
    base: dict[str, Any] | None = None,
    *,
    cached: bool = False,
    today: dt.date = TODAY,
    **overrides: Any,
) -> RefreshResult:
    return refresh(
        base if base is not None else small_document(),
        config(server, **overrides),
        today,
        validators_usable=cached,
    )


def statuses(result: RefreshResult) -> dict[str, Status]:
    return {o.source: o.status for o in result.outcomes}


def seed_cache(server: Upstream, cache_dir: Path) -> bytes:
    """A successful refresh written to the cache; returns the file's bytes."""
    result = run(server, today=dt.date(2026, 12, 1))
    assert result.document is not None and not result.failed, result.outcomes
    save_cache(cache_dir, result.document)
    return cache_file(cache_dir).read_bytes()


def audit_small(cache_dir: Path) -> str:
    """Audit the small office on the data load_best chooses; returns the data's origin."""
    chosen = load_best(cache_dir)
    result = run_audit(
        load_inventory(SMALL), load_default_ruleset(), chosen.lifecycle, dt.date(2026, 12, 1)
    )
    assert result.findings
    return chosen.lifecycle.origin


# --- success -----------------------------------------------------------------------------


def test_success_refreshes_products_and_updates(upstream: Upstream, tmp_path: Path) -> None:
    fortios = recorded("fortios")
    new_cycle = copy.deepcopy(fortios["result"]["releases"][0])
    new_cycle.update(name="8.2", label="8.2", releaseDate="2026-11-20", eolFrom="2032-05-20")
    fortios["result"]["releases"].insert(0, new_cycle)
    upstream.set("/api/v1/products/fortios/", json_reply(fortios, etag='"f2"'))
    ws = recorded("windows-server")
    ws["result"]["releases"][0]["eolFrom"] = "2035-01-09"  # Server 2025 extended upstream
    upstream.set(WS, json_reply(ws, etag='"ws2"'))
    extra = ("server:26100:33500:KB5999999:2026-11-10", "client:26100:9500:KB5999998:2026-11-10")
    upstream.set(
        "/updates/win-buildnumbers.json",
        json_reply(updates_answer(shipped_document(), extra=extra), etag='"u2"'),
    )

    result = run(upstream, shipped_document())  # the full data, as a first `data update` does

    assert statuses(result) == {
        "endoflife.date": Status.UPDATED,
        "Windows update history": Status.UPDATED,
        "MSRC security updates": Status.SKIPPED,
    }
    assert "48 products checked: 2 changed, 46 unchanged" in result.outcomes[0].message
    assert result.document is not None
    info = save_cache(tmp_path, result.document)
    assert (info.date, info.updates_date) == (TODAY, dt.date(2026, 12, 2))
    chosen = load_best(tmp_path)
    assert chosen.from_cache and chosen.lifecycle.origin == "cached"
    life = chosen.lifecycle
    release = life.find_release("FortiOS", "8.2.1")
    assert release is not None and release.label == "FortiOS 8.2"
    assert release.support_end == dt.date(2032, 5, 20)
    server_2025 = life.release("windows-server", "2025")
    assert server_2025 is not None and server_2025.support_end == dt.date(2035, 1, 9)
    latest = life.latest_known_update(26100, True)
    assert latest is not None and (latest.revision, latest.kb) == (33500, "KB5999999")
    # curated facts survive a refresh; previews are not cumulative updates
    win10 = life.release("windows", "10-22h2")
    assert win10 is not None and win10.last_free_revision == 6456
    client = life.latest_known_update(26100, False)
    assert client is not None and client.revision == 9500
    # the sources say where the data came from, and when
    sources = {s.id: s for s in chosen.info.sources}
    assert sources["endoflife-date"].url == f"{upstream.url}/api/v1/products/"
    assert sources["endoflife-date"].date == TODAY.isoformat()
    assert "endoflife-date-api" not in sources
    assert sources["windows-updates"].date == "2026-12-02"
    assert sources["windows-updates"].description == "Windows update history (Test mirror)"
    # every request identifies the client and asks for JSON
    assert all("tma-audit/" in h["user-agent"] for _, h in upstream.requests)
    assert all(h["accept"] == "application/json" for _, h in upstream.requests)


def test_an_unchanged_product_costs_a_304(upstream: Upstream, tmp_path: Path) -> None:
    seed_cache(upstream, tmp_path)
    first = len(upstream.requests)
    base = load_best(tmp_path)
    assert base.from_cache

    result = run(upstream, dict(base.document), cached=True, today=dt.date(2026, 12, 9))

    again = upstream.requests[first:]
    assert len(again) == 6
    assert all(h.get("if-none-match") for _, h in again)
    assert statuses(result) == {
        "endoflife.date": Status.UNCHANGED,
        "Windows update history": Status.UNCHANGED,
        "MSRC security updates": Status.SKIPPED,
    }
    assert "5 not modified since the last refresh" in result.outcomes[0].message
    assert result.document is not None
    assert result.document["products"] == base.document["products"]
    assert result.document["updates"] == base.document["updates"]
    # checked again today: the lifecycle data is current as of today
    assert result.document["date"] == "2026-12-09"
    assert result.document["refresh"] == base.document["refresh"]


def test_validators_are_not_sent_for_data_they_do_not_describe(
    upstream: Upstream, tmp_path: Path
) -> None:
    seed_cache(upstream, tmp_path)
    first = len(upstream.requests)
    base = load_best(tmp_path)
    # the shipped snapshot is not the document the ETags came from: no conditional requests
    run(upstream, cached=False)
    assert not any(h.get("if-none-match") for _, h in upstream.requests[first:])
    # nor is a cache refreshed from another server
    second = len(upstream.requests)
    moved = dict(base.document)
    moved["refresh"] = {"endoflife": {**base.document["refresh"]["endoflife"], "url": "x"}}
    run(upstream, moved, cached=True)
    assert not any(h.get("if-none-match") for _, h in upstream.requests[second:])


def test_a_301_alias_is_followed(upstream: Upstream, tmp_path: Path) -> None:
    panos = recorded("panos")
    panos["result"]["name"] = "pan-os"
    panos["result"]["aliases"] = ["panos"]
    upstream.set(
        "/api/v1/products/panos/",
        Reply(301, b"", {"Location": "/api/v1/products/pan-os/", "Content-Type": "text/html"}),
    )
    upstream.set("/api/v1/products/pan-os/", json_reply(panos))

    result = run(upstream)

    assert not result.failed, result.outcomes
    assert result.notes == (
        "endoflife.date renamed 'panos' to 'pan-os' (answered through a redirect); "
        "kept as 'panos', with 'pan-os' as an alias",
    )
    assert result.document is not None
    assert "pan-os" in result.document["products"]["panos"]["aliases"]
    save_cache(tmp_path, result.document)
    release = load_best(tmp_path).lifecycle.find_release("PAN-OS", "10.1.9-h3")
    assert release is not None and release.cycle == "10.1"


def test_a_redirect_to_another_product_is_rejected(upstream: Upstream) -> None:
    upstream.set(
        "/api/v1/products/panos/", Reply(301, b"", {"Location": "/api/v1/products/fortios/"})
    )
    result = run(upstream, updates=False)
    assert result.document is None
    assert "asked for product 'panos', the answer is about 'fortios'" in result.failed[0].message


# --- failures ----------------------------------------------------------------------------


def _with(document: dict[str, Any], path: list[Any], value: Any) -> bytes:
    target = copy.deepcopy(document)
    node = target
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return json.dumps(target).encode()


WS_ANSWER = recorded("windows-server")
JSON = {"Content-Type": "application/json"}
FAILURES: dict[str, tuple[list[Reply], str]] = {
    "404 html": ([html_404()], "HTTP 404 not found (an HTML error page)"),
    "500": ([Reply(500, b"oops", {"Content-Type": "text/plain"})], "HTTP 500 server error"),
    "429 too long": (
        [Reply(429, b"", {"Retry-After": "3600"})],
        "the server asks to retry after 3600 s, longer than tma-audit waits (30 s)",
    ),
    "html with 200": (
        [Reply(200, b"<html><body>maintenance</body></html>", {"Content-Type": "text/html"})],
        "the answer is an HTML page (text/html), not JSON",
    ),
    "malformed json": (
        [Reply(200, b'{"schema_version": "1.2.1", "result": {"name": "windows-server",}', JSON)],
        "the answer is not valid JSON",
    ),
    "wrong schema version": (
        [Reply(200, _with(WS_ANSWER, ["schema_version"], "2.0.0"), JSON)],
        "schema_version '2.0.0' is not supported (expected 1.x)",
    ),
    "date that does not parse": (
        [Reply(200, _with(WS_ANSWER, ["result", "releases", 0, "eolFrom"], "2034-13-45"), JSON)],
        "result.releases[0] (2025).eolFrom: not a date: '2034-13-45'",
    ),
    "no releases": (
        [Reply(200, _with(WS_ANSWER, ["result", "releases"], []), JSON)],
        "result.releases: no release cycles",
    ),
    "truncated body": (
        [Reply(200, json.dumps(WS_ANSWER).encode(), JSON, truncate=True)],
        "cut short",
    ),
    "slow answer": ([Reply(200, b"{}", JSON, delay=0.8)], "no answer within 0.25 s"),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_failure_keeps_the_previous_data_and_audits_still_run(
    upstream: Upstream, tmp_path: Path, sleeps: list[float], case: str
) -> None:
    before = seed_cache(upstream, tmp_path)
    replies, message = FAILURES[case]
    upstream.set(WS, *replies)
    slow = case == "slow answer"

    result = run(
        upstream,
        dict(load_best(tmp_path).document),
        cached=True,
        timeout=0.25 if slow else 2.0,
        retries=1 if slow else 2,
    )

    failed = result.failed
    assert [o.source for o in failed] == ["endoflife.date"]
    assert message in failed[0].message, failed[0].message
    assert failed[0].message.startswith(f"windows-server ({upstream.url}{WS}): ")
    assert failed[0].message.endswith("; kept the lifecycle data of 2026-12-01")
    # the update history is fine: only it changes; the products are the old ones
    if result.document is not None:
        save_cache(tmp_path, result.document)
    after = json.loads(cache_file(tmp_path).read_bytes())
    assert after["products"] == json.loads(before)["products"]
    assert after["date"] == "2026-12-01"
    assert audit_small(tmp_path) == "cached"


def test_transient_failures_are_retried_with_backoff(
    upstream: Upstream, sleeps: list[float]
) -> None:
    ok = json_reply(WS_ANSWER)
    upstream.set(WS, Reply(500), Reply(503), ok)
    result = run(upstream, updates=False)
    assert not result.failed
    assert len(upstream.hits(WS)) == 3
    assert sleeps == [0.01, 0.02]


def test_retries_give_up_after_the_last_attempt(upstream: Upstream, sleeps: list[float]) -> None:
    upstream.set(PANOS, Reply(502))
    result = run(upstream, updates=False, retries=3)
    assert "HTTP 502 bad gateway (gave up after 4 attempts)" in result.failed[0].message
    assert len(upstream.hits(PANOS)) == 4
    assert sleeps == [0.01, 0.02, 0.04]
    # the first failure stops the source: nothing is asked after it
    assert not upstream.hits("/api/v1/products/windows/")


def test_429_retry_after_is_honoured(upstream: Upstream, sleeps: list[float]) -> None:
    upstream.set(WS, Reply(429, b"", {"Retry-After": "2"}), json_reply(WS_ANSWER))
    result = run(upstream, updates=False)
    assert not result.failed
    assert sleeps == [2.0]


def test_retry_after_as_an_http_date_counts_from_the_answers_date() -> None:
    date = "Wed, 02 Dec 2026 10:00:00 GMT"
    assert retry_after_seconds("Wed, 02 Dec 2026 10:00:05 GMT", date) == 5.0
    assert retry_after_seconds("Wed, 02 Dec 2026 09:00:00 GMT", date) == 0.0
    assert retry_after_seconds("7", None) == 7.0
    assert retry_after_seconds("soon", date) is None
    assert retry_after_seconds("Wed, 02 Dec 2026 10:00:05 GMT", None) is None


def test_every_request_has_a_timeout(upstream: Upstream, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = config(upstream, timeout=1.5)
    client = HttpClient(settings)
    seen: list[Any] = []
    real_get = client._session.get

    def spy(url: str, **kwargs: Any) -> Any:
        seen.append(kwargs.get("timeout"))
        return real_get(url, **kwargs)

    monkeypatch.setattr(client._session, "get", spy)
    refresh(small_document(), settings, TODAY, validators_usable=False, client=client)
    client.close()
    assert len(seen) == 6 and set(seen) == {1.5}


def test_a_304_to_an_unconditional_request_is_rejected(upstream: Upstream) -> None:
    upstream.set(WS, Reply(304))
    result = run(upstream, updates=False)
    assert "answered 304 Not Modified to an unconditional request" in result.failed[0].message


def test_too_many_redirects(upstream: Upstream) -> None:
    upstream.set(WS, Reply(301, b"", {"Location": WS}))
    result = run(upstream, updates=False)
    assert "more than 5 redirects" in result.failed[0].message


def test_nothing_listening(tmp_path: Path, sleeps: list[float]) -> None:
    with Upstream().running() as server:
        dead = server.url
    result = refresh(
        shipped_document(),
        RefreshConfig(endoflife_url=f"{dead}/api/v1", timeout=0.5, retries=1, backoff=0.01),
        TODAY,
        validators_usable=False,
    )
    assert result.document is None
    assert "cannot connect" in result.failed[0].message
    assert "gave up after 2 attempts" in result.failed[0].message


# --- the Windows update history ----------------------------------------------------------


def _updates(upstream: Upstream, document: dict[str, Any]) -> None:
    upstream.set("/updates/win-buildnumbers.json", json_reply(document))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("drop-line", "build lines missing from the history: client 14393, server 14393"),
        ("count", "data has 1555 rows but metadata.recordCount says 5"),
        ("older", "collected 2026-08-01, older than the history in use (2026-08-12)"),
        ("bad-kb", "data[0].kb_article: expected KBnnnnnnn, got 'KB12x'"),
        ("no-metadata", "metadata: expected an object, got null"),
    ],
)
def test_a_bad_update_history_is_rejected_but_products_refresh(
    upstream: Upstream, tmp_path: Path, change: str, message: str
) -> None:
    document = updates_answer(shipped_document())
    if change == "drop-line":
        document["data"] = [r for r in document["data"] if r["build"].split(".")[0] != "14393"]
        document["metadata"]["recordCount"] = len(document["data"])
    elif change == "count":
        document["metadata"]["recordCount"] = 5
    elif change == "older":
        document["metadata"]["lastCollected"] = "2026-08-01T00:00:00Z"
        document["data"] = [r for r in document["data"] if r["release_date"] <= "2026-08-01"]
        document["metadata"]["recordCount"] = len(document["data"])
    elif change == "bad-kb":
        document["data"][0]["kb_article"] = "KB12x"
    else:
        document["metadata"] = None
    _updates(upstream, document)

    result = run(upstream)

    assert statuses(result)["endoflife.date"] is Status.UNCHANGED
    assert [o.source for o in result.failed] == ["Windows update history"]
    assert message in result.failed[0].message, result.failed[0].message
    assert result.failed[0].message.endswith("kept the update history of 2026-08-12")
    assert result.document is not None
    assert result.document["updates_date"] == "2026-08-12"
    assert result.document["updates"] == shipped_document()["updates"]
    save_cache(tmp_path, result.document)
    assert audit_small(tmp_path) == "cached"


def test_no_update_source_configured_is_skipped(upstream: Upstream) -> None:
    result = run(upstream, updates=False)
    assert statuses(result)["Windows update history"] is Status.SKIPPED
    assert "no mirror configured" in result.outcomes[1].message
    assert not result.failed


def test_an_update_history_with_a_new_line_is_stale_on_old_builds_too(
    upstream: Upstream, tmp_path: Path
) -> None:
    """MS-1U on refreshed data: a device at the old latest revision now fails."""
    extra = ("server:20348:9999:KB5999990:2026-11-10",)
    _updates(upstream, updates_answer(shipped_document(), "2026-11-20T00:00:00Z", extra))
    result = run(upstream)
    assert result.document is not None
    save_cache(tmp_path, result.document)
    life = load_best(tmp_path).lifecycle
    assert life.updates_date == dt.date(2026, 11, 20)
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        "client: {name: A}\nassets:\n"
        "  - {hostname: S1, kind: server, os: {name: Windows Server 2022, build: '20348.9999'}}\n"
        "  - {hostname: S2, kind: server, os: {name: Windows Server 2022, build: '20348.4000'}}\n",
        encoding="utf-8",
    )
    audit = run_audit(
        load_inventory(inventory), load_default_ruleset(), life, dt.date(2026, 11, 26)
    )
    outcomes = {f.subject.id: f.outcome for f in audit.findings if f.rule_id == "MS-1U"}
    assert outcomes == {"S1": Outcome.PASS, "S2": Outcome.FAIL}


# --- the client on its own ---------------------------------------------------------------


def test_a_too_large_answer_is_refused(upstream: Upstream) -> None:
    client = HttpClient(config(upstream, max_bytes=1000))
    try:
        with pytest.raises(refresh_module.FetchError, match="too large"):
            client.get(f"{upstream.url}{WS}")
    finally:
        client.close()
