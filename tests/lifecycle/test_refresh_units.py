"""The pure parts of the refresh: validating answers, staleness, settings, the cache."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.lifecycle.fixtures.upstream import (
    RECORDED,
    Upstream,
    api_answer,
    json_reply,
    recorded,
    shipped_document,
    updates_answer,
)
from tma_audit.errors import InputError
from tma_audit.lifecycle import load_best, load_shipped
from tma_audit.lifecycle.cache import (
    CacheError,
    cache_file,
    default_cache_dir,
    save_cache,
    write_atomic,
)
from tma_audit.lifecycle.refresh import (
    RefreshConfig,
    Status,
    date_changes,
    implausible_changes,
    refresh,
)
from tma_audit.lifecycle.settings import resolve_data_settings
from tma_audit.lifecycle.sources import (
    DEFAULT_ENDOFLIFE_URL,
    SourceError,
    decode_json,
    merge_product,
    parse_product_response,
    parse_update_history,
)
from tma_audit.lifecycle.staleness import (
    Level,
    StaleDataError,
    StalenessPolicy,
    assess,
    check_for_audit,
    due_security_release,
    latest_patch_tuesday,
)
from tma_audit.rules import load_default_ruleset

DATA = dt.date(2026, 11, 26)

# --- answers into snapshot records ----------------------------------------------------


@pytest.mark.parametrize("slug", RECORDED)
def test_recorded_answers_give_the_shipped_records(slug: str) -> None:
    """The API and the product pages the snapshot was built from agree, record for record."""
    document = shipped_document()
    api = parse_product_response(recorded(slug), slug)
    merged = merge_product(document["products"][slug], slug, api, document["facts"])
    assert merged == document["products"][slug]


def test_every_shipped_product_survives_a_round_trip_through_the_api_shape() -> None:
    document = shipped_document()
    for slug, product in document["products"].items():
        api = parse_product_response(api_answer(slug, product), slug)
        assert merge_product(product, slug, api, document["facts"]) == product, slug


def test_new_cycles_get_labels_like_their_siblings() -> None:
    document = shipped_document()
    cases = {
        "fortios": ("8.2", "8.2", "FortiOS 8.2"),
        "windows": ("11-27h1-e", "11 27H1 (E)", "Windows 11 27H1 (Enterprise/Education)"),
        "windows-server": ("2028", "Windows Server 2028 (LTSC)", "Windows Server 2028"),
        "ubuntu": ("28.04", "28.04 'Zesty Zebra' (LTS)", "Ubuntu 28.04 'Zesty Zebra'"),
    }
    for slug, (cycle, label, expected) in cases.items():
        answer = api_answer(slug, document["products"][slug])
        new = {**answer["result"]["releases"][0], "name": cycle, "label": label}
        new["isLts"] = "(LTS" in label
        answer["result"]["releases"].insert(0, new)
        merged = merge_product(
            document["products"][slug], slug, parse_product_response(answer, slug), []
        )
        assert merged["releases"][0]["label"] == expected, slug


def test_a_curated_esu_date_fills_a_gap_but_never_overrides() -> None:
    document = shipped_document()
    product = document["products"]["windows-server"]
    facts: list[dict[str, Any]] = [
        {"product": "windows-server", "cycle": "2025", "field": "eoes", "value": "2037-01-01"},
        {"product": "windows-server", "cycle": "2016", "field": "eoes", "value": "2099-01-01"},
    ]
    api = parse_product_response(recorded("windows-server"), "windows-server")
    merged = merge_product(product, "windows-server", api, facts)
    by_cycle = {r["cycle"]: r for r in merged["releases"]}
    assert by_cycle["2025"]["eoes"] == "2037-01-01"
    assert by_cycle["2016"]["eoes"] == "2030-01-12"


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"<!DOCTYPE html><html></html>", "text/html", "an HTML page (text/html), not JSON"),
        (b"  <html>", None, "an HTML page (no Content-Type), not JSON"),
        (b"", "application/json", "the answer is empty"),
        (b'{"a": ', "application/json", "not valid JSON (line 1 column 7"),
        (b"\xff\xfe{}", "application/json", "not UTF-8 text"),
    ],
)
def test_decode_json_says_what_is_wrong(
    body: bytes, content_type: str | None, message: str
) -> None:
    with pytest.raises(SourceError) as info:
        decode_json(body, content_type)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["schema_version"], "1", None),
        (["schema_version"], "0.9.0", "schema_version '0.9.0' is not supported"),
        (["schema_version"], 1, "schema_version: expected a string, got a number"),
        (["generated_at"], "yesterday", "generated_at: not a date and time: 'yesterday'"),
        (["last_modified"], None, None),
        (["result"], [], "result: expected an object, got a list"),
        (["result", "releases", 0, "isEol"], "no", "isEol: expected true or false"),
        (["result", "releases", 0, "releaseDate"], "2024-11", "releaseDate: not a date"),
        (["result", "releases", 1, "name"], "2025", "cycle '2025' listed twice"),
        (["result", "releases", 0, "latest"], "10.0", "latest: expected an object"),
    ],
)
def test_product_answers_are_validated(path: list[Any], value: Any, message: str | None) -> None:
    answer = recorded("windows-server")
    node: Any = answer
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    if message is None:
        assert parse_product_response(answer, "windows-server").name == "windows-server"
        return
    with pytest.raises(SourceError) as info:
        parse_product_response(answer, "windows-server")
    assert message in str(info.value)


def test_an_answer_about_another_product_is_rejected() -> None:
    with pytest.raises(SourceError, match="asked for product 'windows', the answer is about"):
        parse_product_response(recorded("windows-server"), "windows")


def test_update_history_validation() -> None:
    document = shipped_document()
    history = parse_update_history(updates_answer(document), document["updates"])
    assert history.collected == dt.date(2026, 12, 2)
    assert history.updates == document["updates"]
    assert history.server_builds["20348"] == "2022"
    answer = updates_answer(document)
    answer["data"][3]["release_date"] = "2016-02-30"
    with pytest.raises(SourceError, match=r"data\[3\].release_date: not a date"):
        parse_update_history(answer, document["updates"])
    answer = updates_answer(document)
    answer["data"][0]["build"] = "14393"
    with pytest.raises(SourceError, match=r"expected BUILD\.REVISION"):
        parse_update_history(answer, document["updates"])


# --- staleness ------------------------------------------------------------------------


def test_lifecycle_staleness_boundaries() -> None:
    policy = StalenessPolicy()

    def level(days: int, allow: bool = False) -> Level:
        as_of = DATA + dt.timedelta(days=days)
        return assess(DATA, None, as_of, policy, allow_stale=allow)[0].level

    assert [level(d) for d in (-5, 0, 90, 91, 180, 181)] == [
        Level.FRESH,
        Level.FRESH,
        Level.FRESH,
        Level.WARN,
        Level.WARN,
        Level.ERROR,
    ]
    assert level(400, allow=True) is Level.WARN
    with pytest.raises(StaleDataError) as info:
        check_for_audit(DATA, DATA, DATA + dt.timedelta(days=181), policy)
    assert info.value.exit_code == 3


def test_update_staleness_follows_the_due_patch_tuesday() -> None:
    policy = StalenessPolicy(update_grace_days=14)
    # 2026-11-10 is due from 2026-11-25 (14 days' grace)
    assert due_security_release(dt.date(2026, 11, 24), 14) == dt.date(2026, 10, 13)
    assert due_security_release(dt.date(2026, 11, 25), 14) == dt.date(2026, 11, 10)
    assert latest_patch_tuesday(dt.date(2026, 1, 5)) == dt.date(2025, 12, 9)
    fresh = assess(DATA, dt.date(2026, 11, 10), dt.date(2026, 11, 25), policy)[1]
    assert fresh.level is Level.FRESH
    stale = assess(DATA, dt.date(2026, 11, 9), dt.date(2026, 11, 25), policy)[1]
    assert stale.level is Level.WARN
    assert "from 2026-11-09 cannot show the 2026-11-10 security release" in stale.message
    # no update rule enabled: no judgement on update data
    assert len(assess(DATA, None, DATA, StalenessPolicy(update_grace_days=None))) == 1
    # update data never stops an audit: the checks say unknown per asset
    warnings = check_for_audit(DATA, None, DATA, policy)
    assert len(warnings) == 1 and "of unknown date" in warnings[0]


def test_policy_from_the_default_ruleset() -> None:
    policy = StalenessPolicy.from_ruleset(load_default_ruleset())
    assert policy == StalenessPolicy(90, 180, 14, ("MS-1U", "MS-2U"))


# --- settings -------------------------------------------------------------------------


def test_settings_precedence(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[data]\nendoflife_url = "https://file.example/api/v1"\n'
        'updates_url = "https://file.example/win"\ntimeout = 3\nretries = 0\n',
        encoding="utf-8",
    )
    env = {"TMA_AUDIT_CONFIG": str(config), "TMA_AUDIT_UPDATES_URL": "https://env.example/w/"}
    settings = resolve_data_settings(
        env=env, platform="linux", home=tmp_path, endoflife_url="http://opt.example/v1"
    )
    assert settings.endoflife_url == "http://opt.example/v1"
    assert settings.updates_url == "https://env.example/w"
    assert (settings.timeout, settings.retries) == (3.0, 0)
    assert settings.cache_dir == tmp_path / ".cache" / "tma-audit"
    assert settings.origins == {
        "endoflife_url": "--endoflife-url",
        "updates_url": "environment variable TMA_AUDIT_UPDATES_URL",
        "cache_dir": "default",
        "timeout": f"settings file {config}",
        "retries": f"settings file {config}",
        "msrc_url": "default",
        "deadline": "default",
    }
    defaults = resolve_data_settings(env={}, platform="linux", home=tmp_path)
    assert defaults.endoflife_url == DEFAULT_ENDOFLIFE_URL and defaults.updates_url is None
    # Microsoft's security update API is the default source of the update history
    assert defaults.msrc_url == "https://api.msrc.microsoft.com/cvrf/v3.0"
    assert defaults.deadline == 300.0
    with pytest.raises(InputError, match="settings file not found"):
        resolve_data_settings(
            env={"TMA_AUDIT_CONFIG": str(tmp_path / "nope.toml")}, platform="linux", home=tmp_path
        )


def test_default_cache_directories(tmp_path: Path) -> None:
    home = tmp_path
    assert default_cache_dir({}, "linux", home) == home / ".cache" / "tma-audit"
    assert default_cache_dir({"XDG_CACHE_HOME": "/x/c"}, "linux", home) == Path("/x/c/tma-audit")
    # a relative XDG path is ignored, as the specification says
    assert default_cache_dir({"XDG_CACHE_HOME": "rel"}, "linux", home) == (
        home / ".cache" / "tma-audit"
    )
    assert default_cache_dir({}, "darwin", home) == home / "Library" / "Caches" / "tma-audit"
    assert default_cache_dir({"LOCALAPPDATA": "/L"}, "win32", home) == Path("/L/tma-audit/Cache")
    assert default_cache_dir({}, "win32", home) == home / "AppData/Local/tma-audit/Cache"


# --- the cache ------------------------------------------------------------------------


def _dated(date: str, updates: str | None = "2026-08-12") -> dict[str, Any]:
    document = shipped_document()
    document["date"] = date
    document["updates_date"] = updates
    return document


def test_the_newer_data_is_used(tmp_path: Path) -> None:
    assert load_best(None).info.kind == "shipped"
    assert load_best(tmp_path).info.kind == "shipped"  # no cache yet
    save_cache(tmp_path, _dated("2026-10-01", "2026-11-20"))
    older = load_best(tmp_path)
    assert older.info.kind == "shipped" and older.cached is not None
    assert older.lifecycle is load_shipped()
    save_cache(tmp_path, _dated("2026-11-26", "2026-11-20"))  # same date, newer updates
    assert load_best(tmp_path).info.kind == "cached"
    save_cache(tmp_path, _dated("2026-11-26"))  # a tie goes to the cache (checked upstream)
    tie = load_best(tmp_path)
    assert tie.info.kind == "cached" and tie.lifecycle.origin == "cached"
    assert tie.from_cache and not tie.warnings


def test_an_invalid_document_is_never_written(tmp_path: Path) -> None:
    save_cache(tmp_path, _dated("2026-12-01"))
    before = cache_file(tmp_path).read_bytes()
    broken = _dated("2026-12-02")
    broken["products"]["windows"]["releases"][0]["eol"] = "someday"
    with pytest.raises(Exception, match="a date field is not a date"):
        save_cache(tmp_path, broken)
    assert cache_file(tmp_path).read_bytes() == before


def test_an_interrupted_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "snapshot.json"
    write_atomic(target, b"old")

    def full_disk(self: Path, other: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", full_disk)
    with pytest.raises(CacheError, match="cannot write the cache: No space left on device"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.json"]

    def interrupted(self: Path, other: Path) -> Path:
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.json"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is not valid JSON"),
        (b"[]", "expected an object"),
        (b'{"format": 1, "date": "2027-01-01"}', "bad date, source or product list"),
        (
            json.dumps(
                {**shipped_document(), "date": "2027-01-01", "products": {"x": {}}}
            ).encode(),
            "products.x.releases: expected a list",
        ),
    ],
)
def test_a_broken_cache_is_a_warning(tmp_path: Path, content: bytes, problem: str) -> None:
    cache_file(tmp_path).write_bytes(content)
    chosen = load_best(tmp_path)
    assert chosen.info.kind == "shipped"
    assert chosen.cache_problem is not None and problem in chosen.cache_problem
    assert len(chosen.warnings) == 1 and problem in chosen.warnings[0]


# --- plausibility of a refresh (issue 11) ------------------------------------------------


def _moved(products: dict[str, Any], slugs: set[str], field: str, to: str) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(json.dumps(products))
    for slug in slugs:
        for release in out[slug]["releases"]:
            if isinstance(release.get(field), str):
                release[field] = to
    return out


def test_a_few_corrected_dates_are_plausible() -> None:
    products = shipped_document()["products"]
    new = _moved(products, {"fortios"}, "eol", "2031-01-01")
    moves = date_changes(products, new)
    assert moves and all(m.product == "fortios" and m.field == "eol" for m in moves)
    assert str(moves[0]).endswith(" → 2031-01-01")
    assert implausible_changes(moves, products, dt.date(2026, 12, 3)) is None
    # a new release is not a change of a known date
    added = json.loads(json.dumps(products))
    added["fortios"]["releases"].insert(0, {"cycle": "9.0", "eol": "2032-01-01"})
    assert date_changes(products, added) == []


def test_dates_far_ahead_or_many_at_once_are_implausible() -> None:
    products = shipped_document()["products"]
    today = dt.date(2026, 12, 3)
    far = _moved(products, {"windows-server"}, "eol", "2099-01-01")
    reason = implausible_changes(date_changes(products, far), products, today)
    assert reason is not None and "after 2056-12-03" in reason
    assert "windows-server" in reason
    # every product's support end moved by a year: many dates at once, none far ahead
    many = _moved(products, set(products), "eol", "2030-06-30")
    reason = implausible_changes(date_changes(products, many), products, today)
    assert reason is not None and "known dates would change at once" in reason
    assert "after" not in reason.split("(")[0]


def test_an_answer_generated_in_the_future_is_refused() -> None:
    """endoflife.date's generated_at after the day of fetching: the product fails."""
    answer = recorded("fortios")
    answer["generated_at"] = "3000-01-01T00:00:00+00:00"
    document = shipped_document()
    document["products"] = {"fortios": document["products"]["fortios"]}
    with Upstream().running() as server:
        server.set("/api/v1/products/fortios/", json_reply(answer))
        result = refresh(
            document,
            RefreshConfig(endoflife_url=f"{server.url}/api/v1", retries=0),
            dt.date(2026, 12, 3),
            validators_usable=False,
        )
    assert result.outcomes[0].status is Status.FAILED
    assert "generated_at: 3000-01-01 is after the day it was fetched" in result.outcomes[0].message
