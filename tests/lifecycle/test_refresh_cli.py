"""`tma-audit data show`, `data update` and the data an audit uses, through the real CLI.

The upstream is a real HTTP server on 127.0.0.1; the user's cache and settings
directories are temporary ones.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.lifecycle.fixtures.upstream import (
    Reply,
    Upstream,
    html_404,
    json_reply,
    product_answers,
    recorded,
    serve_document,
    shipped_document,
    updates_answer,
)
from tma_audit.cli import run as run_cli
from tma_audit.lifecycle import refresh as refresh_module
from tma_audit.lifecycle.cache import save_cache

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "inventories" / "small-office" / "inventory.yaml"
WS = "/api/v1/products/windows-server/"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user with empty cache and settings directories, and no tma-audit variables."""
    for name in (
        "TMA_AUDIT_CONFIG",
        "TMA_AUDIT_CACHE_DIR",
        "TMA_AUDIT_ENDOFLIFE_URL",
        "TMA_AUDIT_UPDATES_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setattr(refresh_module, "_pause", lambda _seconds: None)
    return tmp_path


CliRun = Callable[..., Run]


@pytest.fixture
def cli(home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRun:
    def run(*args: str) -> Run:
        monkeypatch.setattr(sys, "argv", ["tma-audit", *args])
        code = run_cli()
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with Upstream().running() as server:
        serve_document(server, shipped_document())
        yield server


def cache_of(home: Path) -> Path:
    return home / "cache" / "tma-audit" / "snapshot.json"


def urls(server: Upstream, updates: bool = True) -> list[str]:
    args = ["--endoflife-url", f"{server.url}/api/v1", "--timeout", "2", "--retries", "1"]
    args += ["--msrc-url", f"{server.url}/msrc"]
    return [*args, "--updates-url", f"{server.url}/updates"] if updates else args


def test_update_then_audit_and_show_use_the_cache(
    cli: CliRun, home: Path, upstream: Upstream
) -> None:
    fortios = recorded("fortios")
    fortios["result"]["releases"][0]["eolFrom"] = "2031-04-21"
    upstream.set("/api/v1/products/fortios/", json_reply(fortios, etag='"f2"'))

    run = cli("data", "update", *urls(upstream))

    assert run.code == 0, run.err
    assert "endoflife.date: updated: 48 products checked: 1 changed, 47 unchanged" in run.out
    # what changed is shown: product, release, old → new
    assert (
        "endoflife.date dates changed (1):\n  fortios 8.0: eol 2030-10-21 → 2031-04-21\n" in run.out
    )
    assert "Windows update history: unchanged: collected 2026-12-02" in run.out
    assert f"wrote {cache_of(home)} (lifecycle data " in run.out
    assert run.err == ""  # no progress display when stderr is not a terminal

    audit = cli("audit", str(SMALL), "--as-of", "2026-12-01")
    assert audit.code == 1, audit.err
    assert "Windows updates to 2026-12-02" in audit.out
    assert "(cached)" in audit.out

    show = cli("data", "show", "--as-of", "2026-12-01")
    assert show.code == 0, show.err
    assert f"Lifecycle data in use: cached, {cache_of(home)}" in show.out
    assert "shipped snapshot: 2026-11-26 (older; not used)" in show.out
    assert f"endoflife.date API v1 (MIT)\n              {upstream.url}/api/v1/products/" in show.out
    assert "2026-12-02  Windows update history (Test mirror)" in show.out
    assert "Products covered (48):" in show.out
    assert "latest updates: fresh: Windows update history to 2026-12-02" in show.out

    # the second time, every unchanged resource costs a 304
    again = cli("data", "update", *urls(upstream))
    assert again.code == 0, again.err
    assert "unchanged: 48 products checked: 0 changed, 48 unchanged (48 not modified" in again.out
    assert "Windows update history: unchanged: not modified since 2026-12-02" in again.out


def test_urls_from_the_settings_file_and_the_environment(
    cli: CliRun, home: Path, upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = home / "config" / "tma-audit" / "config.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text(
        f'[data]\nendoflife_url = "{upstream.url}/api/v1/"\ncache_dir = "{home / "mine"}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TMA_AUDIT_UPDATES_URL", f"{upstream.url}/updates")
    monkeypatch.setenv("TMA_AUDIT_MSRC_URL", f"{upstream.url}/msrc")
    run = cli("data", "update", "-q")
    assert (run.code, run.out, run.err) == (0, "", "")
    assert (home / "mine" / "snapshot.json").exists()
    show = cli("data", "show")
    assert f"endoflife.date API: {upstream.url}/api/v1 (settings file {settings})" in show.out
    assert "(environment variable TMA_AUDIT_UPDATES_URL)" in show.out
    # an option beats both
    other = cli("data", "show", "--cache-dir", str(home / "elsewhere"))
    assert "cache: none yet in" in other.out and "(--cache-dir)" in other.out


def test_a_failed_update_exits_3_and_keeps_the_cache(
    cli: CliRun, home: Path, upstream: Upstream
) -> None:
    assert cli("data", "update", *urls(upstream, updates=False)).code == 0
    before = cache_of(home).read_bytes()
    upstream.set(WS, html_404())

    run = cli("data", "update", *urls(upstream, updates=False))

    assert run.code == 3
    assert (
        f"tma-audit: error: endoflife.date: windows-server ({upstream.url}{WS}): HTTP 404 not "
        "found (an HTML error page); kept the lifecycle data of " in run.err
    )
    assert "tma-audit: error: refresh incomplete (endoflife.date)" in run.err
    assert "nothing new: still using the cached data of" in run.out
    assert cache_of(home).read_bytes() == before
    audit = cli("audit", str(SMALL), "--as-of", "2026-12-01")
    assert audit.code == 1 and "(cached)" in audit.out


def test_a_failed_update_without_a_cache_keeps_the_shipped_data(
    cli: CliRun, home: Path, upstream: Upstream
) -> None:
    upstream.set(WS, Reply(500))
    upstream.set("/msrc/updates", Reply(503))
    run = cli("data", "update", *urls(upstream, updates=False))
    assert run.code == 3
    assert "HTTP 500 server error (gave up after 2 attempts)" in run.err
    assert "HTTP 503 service unavailable (gave up after 2 attempts)" in run.err
    assert not cache_of(home).exists()
    assert not list((home / "cache").glob("**/*.tmp"))
    audit = cli("audit", str(SMALL), "--as-of", "2026-11-26")
    assert audit.code == 1 and "(shipped)" in audit.out


def test_a_corrupt_cache_falls_back_to_the_shipped_data(
    cli: CliRun, home: Path, upstream: Upstream
) -> None:
    cache_of(home).parent.mkdir(parents=True)
    cache_of(home).write_text('{"format": 1, "date": "2027-', encoding="utf-8")

    audit = cli("audit", str(SMALL), "--as-of", "2026-11-26")
    assert audit.code == 1
    assert "(shipped)" in audit.out
    assert "tma-audit: warning: the cached lifecycle data is unusable" in audit.err
    assert "using the shipped snapshot of 2026-11-26" in audit.err

    show = cli("data", "show")
    assert show.code == 0 and "cache: unusable:" in show.out

    # a snapshot of a format this version does not read is unusable too
    cache_of(home).write_text(json.dumps({"format": 99}), encoding="utf-8")
    again = cli("audit", str(SMALL), "--as-of", "2026-11-26")
    assert again.code == 1 and "format 99 is not supported" in again.err

    # and `data update` replaces it
    assert cli("data", "update", *urls(upstream)).code == 0
    assert "(cached)" in cli("audit", str(SMALL), "--as-of", "2026-12-01").out


def test_a_cache_that_cannot_be_written_is_exit_3(
    cli: CliRun, home: Path, upstream: Upstream
) -> None:
    blocker = home / "blocked"
    blocker.write_text("a file, not a directory", encoding="utf-8")
    run = cli("data", "update", "--cache-dir", str(blocker / "sub"), *urls(upstream))
    assert run.code == 3
    assert "cannot write the cache" in run.err


def test_stale_lifecycle_data(cli: CliRun, home: Path) -> None:
    # 2026-11-26 + 180 days = 2027-05-25: the last day the shipped data may be used
    ok = cli("audit", str(SMALL), "--as-of", "2027-05-25")
    assert ok.code == 1
    assert "lifecycle data from 2026-11-26 is 180 days old on 2027-05-25, more than 90" in ok.err

    stale = cli("audit", str(SMALL), "--as-of", "2027-05-26")
    assert stale.code == 3
    assert stale.out == ""
    assert (
        "tma-audit: error: lifecycle data from 2026-11-26 is 181 days old on 2027-05-26, more "
        "than 180 days: support dates may have changed; run `tma-audit data update`, or pass "
        "--allow-stale to audit on it anyway" in stale.err
    )

    allowed = cli("audit", str(SMALL), "--as-of", "2027-05-26", "--allow-stale")
    assert allowed.code == 1
    assert "more than 180 days (allowed by --allow-stale)" in allowed.err

    fresh = cli("audit", str(SMALL), "--as-of", "2026-12-01")
    assert "lifecycle data from" not in fresh.err
    # update data is judged by the due Patch Tuesday, not by days
    assert "cannot show the 2026-11-10 security release due on 2026-12-01" in fresh.err


def test_staleness_thresholds_are_ruleset_parameters(cli: CliRun, home: Path) -> None:
    ruleset = home / "r.yaml"
    ruleset.write_text(
        textwrap.dedent(
            """\
            extends: default
            ruleset: {id: strict, version: "1"}
            parameters: {lifecycle_stale_warn_days: 10, lifecycle_stale_error_days: 30}
            """
        ),
        encoding="utf-8",
    )
    warned = cli("audit", str(SMALL), "-r", str(ruleset), "--as-of", "2026-12-10")
    assert warned.code == 1 and "14 days old on 2026-12-10, more than 10 days" in warned.err
    refused = cli("audit", str(SMALL), "-r", str(ruleset), "--as-of", "2026-12-27")
    assert refused.code == 3 and "more than 30 days" in refused.err
    show = cli("data", "show", "-r", str(ruleset), "--as-of", "2026-12-27")
    assert show.code == 0
    assert "lifecycle dates: error: lifecycle data from 2026-11-26 is 31 days old" in show.out

    loose = home / "loose.yaml"
    loose.write_text(
        "extends: default\nruleset: {id: loose, version: '1'}\n"
        "parameters: {lifecycle_stale_error_days: 400}\n",
        encoding="utf-8",
    )
    assert cli("audit", str(SMALL), "-r", str(loose), "--as-of", "2027-06-01").code == 1

    bad = home / "bad.yaml"
    bad.write_text(
        "extends: default\nruleset: {id: b, version: '1'}\n"
        "parameters: {lifecycle_stale_error_days: -1}\n",
        encoding="utf-8",
    )
    assert cli("audit", str(SMALL), "-r", str(bad)).code == 2


def test_pinned_data(cli: CliRun, home: Path, upstream: Upstream) -> None:
    assert cli("data", "update", *urls(upstream)).code == 0
    pinned = home / "pinned.json"
    pinned.write_bytes(cache_of(home).read_bytes())
    cache_of(home).unlink()
    audit = cli("audit", str(SMALL), "--as-of", "2026-12-01", "--data", str(pinned))
    assert audit.code == 1 and f"({pinned})" in audit.out
    show = cli("data", "show", "--data", str(pinned))
    assert f"Lifecycle data in use: pinned, {pinned}" in show.out
    missing = cli("audit", str(SMALL), "--data", str(home / "nope.json"))
    assert missing.code == 3 and "nope.json: cannot read lifecycle snapshot" in missing.err


@pytest.mark.parametrize(
    ("settings", "args", "needle"),
    [
        ("[data\n", [], "not valid TOML"),
        ("[data]\ncolour = 1\n", [], "unknown setting 'colour'"),
        ("[data]\nretries = 'many'\n", ["update"], "retries: expected a whole number"),
        ("", ["update", "--endoflife-url", "ftp://x"], "expected an http:// or https:// URL"),
    ],
)
def test_bad_settings_exit_2(
    cli: CliRun, home: Path, settings: str, args: list[str], needle: str
) -> None:
    path = home / "config" / "tma-audit" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(settings, encoding="utf-8")
    run = cli("data", *(args or ["show"]))
    assert run.code == 2, (run.out, run.err)
    assert needle in run.err


def test_help(cli: CliRun) -> None:
    for args in (["data", "--help"], ["data", "show", "--help"], ["data", "update", "--help"]):
        run = cli(*args)
        assert run.code == 0 and "Usage" in run.out
    assert "--allow-stale" in cli("audit", "--help").out


def test_progress_only_on_a_terminal() -> None:
    from tma_audit.cli.data_cmd import _progress

    class Tty:
        text = ""

        def isatty(self) -> bool:
            return True

        def write(self, text: str) -> int:
            self.text += text
            return len(text)

        def flush(self) -> None:
            pass

    stream = Tty()
    show = _progress(stream)  # type: ignore[arg-type]
    assert show is not None
    show("endoflife.date: windows", 3, 48)
    assert stream.text.endswith("[3/48] endoflife.date: windows")


def test_audits_never_touch_the_network(tmp_path: Path, home: Path) -> None:
    """An audit imports no HTTP client and opens no socket, with or without a cache."""
    script = textwrap.dedent(
        f"""
        import socket, sys
        def refuse(*args, **kwargs):
            raise SystemExit("network used")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        sys.argv = ["tma-audit", "audit", {str(SMALL)!r}, "--as-of", "2026-12-01"]
        from tma_audit.cli import run
        code = run()
        print("exit", code, "requests" in sys.modules)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert proc.stdout.strip().splitlines()[-1] == "exit 1 False", proc.stdout + proc.stderr


# --- issue 11: Microsoft's update data by default, and data that cannot be poisoned -------

MIDSIZE = REPO / "inventories" / "midsize" / "inventory.yaml"
DUE_NOTE = "cannot show the 2026-11-10 security release"


def test_a_fresh_install_brings_the_update_history_to_the_newest_month(
    cli: CliRun, home: Path, upstream: Upstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`data update` with no option, the loopback server configured as the MSRC base URL."""
    before = cli("audit", str(SMALL), "--as-of", "2026-12-01")
    assert DUE_NOTE in before.err
    monkeypatch.setenv("TMA_AUDIT_ENDOFLIFE_URL", f"{upstream.url}/api/v1")
    monkeypatch.setenv("TMA_AUDIT_MSRC_URL", f"{upstream.url}/msrc")

    run = cli("data", "update")

    assert run.code == 0, run.err
    assert (
        "MSRC security updates: updated: 5 monthly documents in use, the newest 2026-Nov "
        "(released 2026-11-10); 5 fetched" in run.out
    )
    assert "Windows update history: skipped: no mirror configured" in run.out
    assert "Windows updates to 2026-11-10" in run.out
    audit = cli("audit", str(SMALL), "--as-of", "2026-12-01")
    assert audit.code == 1
    assert "cannot show the" not in audit.err and "security release" not in audit.out
    show = cli("data", "show", "--as-of", "2026-12-01")
    assert "  server 20348 (2022)  20348.5830   KB5140004  2026-11-10" in show.out
    assert "  client 19045 (22H2)  19045.8000   KB5140003  2026-11-10" in show.out
    assert "Microsoft Security Update Guide (MSRC CVRF API v3.0)" in show.out
    assert f"Microsoft security updates: {upstream.url}/msrc (environment variable" in show.out
    # the next month's refresh asks for the list, and for nothing it already holds
    seen = len(upstream.requests)
    assert cli("data", "update", "-q").code == 0
    msrc = [path for path, _ in upstream.requests[seen:] if path.startswith("/msrc/")]
    assert msrc == ["/msrc/updates"]


def _ms3_failures(run: Run) -> int:
    assert run.code == 1, run.err
    results = json.loads(run.out)["results"]
    return sum(
        1
        for subject in results
        for o in subject["outcomes"]
        if o["rule"] == "MS-3" and o["outcome"] == "fail"
    )


def test_an_answer_dated_in_the_future_is_refused(
    cli: CliRun, home: Path, upstream: Upstream
) -> None:
    assert cli("data", "update", *urls(upstream)).code == 0
    before = cache_of(home).read_bytes()
    poisoned = json.loads(
        (REPO / "tests" / "lifecycle" / "fixtures" / "msrc_updates.json").read_text("utf-8")
    )
    upstream.set(
        "/updates/win-buildnumbers.json",
        json_reply(updates_answer(shipped_document(), "3000-01-01T00:00:00Z")),
    )
    upstream.set("/msrc/updates", json_reply(poisoned))

    run = cli("data", "update", *urls(upstream))

    assert run.code == 3
    assert "metadata.lastCollected: 3000-01-01 is after the day it was fetched" in run.err, run.err
    assert (
        json.loads(cache_of(home).read_bytes())["updates_date"]
        == json.loads(before)["updates_date"]
    )


def test_a_cache_poisoned_by_an_earlier_version_is_not_used(
    cli: CliRun, home: Path, upstream: Upstream
) -> None:
    """A cache with a history dated 3000 (accepted before issue 11) would pass MS-2U
    unknowns and refuse every genuine refresh; now it is unusable, and replaced."""
    document = shipped_document()
    document["updates_date"] = "3000-01-01"
    save_cache(cache_of(home).parent, document)

    audit = cli("audit", str(SMALL), "--as-of", "2026-12-01")
    assert audit.code == 1 and "(shipped)" in audit.out
    assert "its update history is dated 3000-01-01, after today" in audit.err
    assert DUE_NOTE in audit.err

    run = cli("data", "update", *urls(upstream))
    assert run.code == 0, run.err
    assert json.loads(cache_of(home).read_bytes())["updates_date"] == "2026-12-02"


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    "content",
    [
        DEEP,
        b'{"format": 1, "date": "2027-01-01", "products": ' + DEEP + b"}",
        b'{"format": 1, "date": "2027-01-01", "n": ' + b"9" * 4000 + b"}",
        b'{"format": 1, "date": "2027-01-01", "n": ' + b"9" * 5000 + b"}",
        b'{"format": 1, "date": "2027-01-01", "refresh": ' + b"[" * 900 + b"]" * 900 + b"}",
    ],
    ids=["deep", "deep products", "long integer", "longer integer", "deep refresh"],
)
def test_a_corrupt_cache_is_no_cache_for_every_command(
    cli: CliRun, home: Path, upstream: Upstream, content: bytes
) -> None:
    cache_of(home).parent.mkdir(parents=True)
    cache_of(home).write_bytes(content)

    audit = cli("audit", str(SMALL), "--as-of", "2026-11-26")
    assert audit.code == 1, audit.err
    assert "the cached lifecycle data is unusable" in audit.err and "(shipped)" in audit.out
    show = cli("data", "show")
    assert show.code == 0 and "cache: unusable:" in show.out
    update = cli("data", "update", *urls(upstream))
    assert update.code == 0, update.err
    assert "(cached)" in cli("audit", str(SMALL), "--as-of", "2026-12-01").out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--timeout", "nan"], "timeout: expected a number of seconds above 0"),
        (["--timeout", "1e300"], "timeout: expected a number of seconds above 0"),
        (["--timeout", "inf"], "timeout: expected a number of seconds above 0"),
        (["--timeout", "0"], "timeout: expected a number of seconds above 0"),
        (["--deadline", "nan"], "deadline: expected a number of seconds above 0"),
        (["--msrc-url", "http://[::1"], "not a valid URL"),
        (["--endoflife-url", "http://[::1"], "not a valid URL"),
        (["--updates-url", "http://example.com:99999"], "not a valid URL"),
        (["--msrc-url", "https://exa mple.com"], "spaces or control characters"),
    ],
)
def test_bad_numbers_and_urls_are_usage_errors(
    cli: CliRun, home: Path, args: list[str], needle: str
) -> None:
    run = cli("data", "update", *args)
    assert run.code == 2, (run.out, run.err)
    assert needle in run.err
    assert "Traceback" not in run.err


def test_a_nan_timeout_in_the_settings_file_is_a_usage_error(cli: CliRun, home: Path) -> None:
    path = home / "config" / "tma-audit" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[data]\ntimeout = nan\n", encoding="utf-8")
    run = cli("data", "update")
    assert run.code == 2 and "timeout: expected a number of seconds" in run.err


def _every_date_moved(answer: dict[str, Any], to: str) -> dict[str, Any]:
    moved = copy.deepcopy(answer)
    for release in moved["result"]["releases"]:
        for key in ("eolFrom", "eoasFrom", "eoesFrom"):
            if release.get(key):
                release[key] = to
    return moved


def test_implausible_lifecycle_changes_are_refused_unless_accepted(
    cli: CliRun, home: Path, upstream: Upstream
) -> None:
    audit = ("audit", str(MIDSIZE), "--as-of", "2026-12-01", "--format", "json")
    ms3_before = _ms3_failures(cli(*audit))
    for slug, answer in product_answers(shipped_document()).items():
        upstream.set(
            f"/api/v1/products/{slug}/", json_reply(_every_date_moved(answer, "3000-01-01"))
        )

    run = cli("data", "update", *urls(upstream))

    assert run.code == 3
    assert "endoflife.date: implausible changes refused:" in run.err
    assert "after 2056-12-0" in run.err
    assert "known dates would change at once" in run.err
    assert "run again with --accept-changes" in run.err
    assert "endoflife.date dates changed (" in run.out
    shown = [line for line in run.out.splitlines() if line.startswith("  ")]
    assert len(shown) == 51 and all(" → 3000-01-01" in line for line in shown[:50])
    assert shown[0].startswith("  almalinux ")  # product and release, old → new
    assert "… and " in run.out  # the list is cut after 50 lines
    assert _ms3_failures(cli(*audit)) == ms3_before > 1

    accepted = cli("data", "update", *urls(upstream), "--accept-changes")
    assert accepted.code == 0, accepted.err
    assert "implausible changes accepted (--accept-changes)" in accepted.err


def test_a_server_that_trickles_cannot_hold_data_update_past_its_deadline(
    cli: CliRun, home: Path, upstream: Upstream
) -> None:
    body = (REPO / "tests" / "lifecycle" / "fixtures" / "msrc_updates.json").read_bytes()
    upstream.set(
        "/msrc/updates",
        Reply(200, body, {"Content-Type": "application/json"}, trickle=0.2, trickle_headers=True),
    )
    started = time.monotonic()

    run = cli("data", "update", *urls(upstream), "--deadline", "3")

    assert time.monotonic() - started < 10
    assert run.code == 3
    assert "MSRC security updates" in run.err and "not answered within the" in run.err
    assert "deadline of 3 s" in run.err
