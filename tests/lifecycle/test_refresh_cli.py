"""`tma-audit data show`, `data update` and the data an audit uses, through the real CLI.

The upstream is a real HTTP server on 127.0.0.1; the user's cache and settings
directories are temporary ones.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.lifecycle.fixtures.upstream import (
    Reply,
    Upstream,
    html_404,
    json_reply,
    recorded,
    serve_document,
    shipped_document,
)
from tma_audit.cli import run as run_cli
from tma_audit.lifecycle import refresh as refresh_module

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
