"""The configuration file (issue 15 §2): found upward, precedence, errors, `config show`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Annotated

import pytest
import typer

from tests.cli.conftest import CliRun
from tma_audit.cli.app import config_defaults

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "inventories" / "small-office" / "inventory.yaml"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A client folder with the small-office inventory; the tests run in a subfolder."""
    shutil.copy(INVENTORY, tmp_path / "inventory.yaml")
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    return tmp_path


def _audit(cli: CliRun, project: Path, *args: str) -> tuple[int, str, str]:
    run = cli("audit", str(project / "inventory.yaml"), "--as-of", "2026-01-01", *args)
    return run.code, run.out, run.err


def test_config_file_above_the_current_directory_sets_option_defaults(
    cli: CliRun, project: Path
) -> None:
    (project / "tma-audit.toml").write_text('format = "json"\n', encoding="utf-8")
    code, out, _ = _audit(cli, project)
    assert code == 1
    assert json.loads(out)["audit_date"] == "2026-01-01"


def test_command_line_overrides_the_config_file(cli: CliRun, project: Path) -> None:
    (project / "tma-audit.toml").write_text('format = "json"\n', encoding="utf-8")
    code, out, _ = _audit(cli, project, "-f", "table")
    assert code == 1
    assert out.lstrip()[0] != "{"
    assert "NOT COMPLIANT" in out


def test_relative_paths_resolve_against_the_config_files_folder(cli: CliRun, project: Path) -> None:
    (project / "tma-audit.toml").write_text(
        'format = ["json", "markdown"]\noutput_dir = "reports"\n', encoding="utf-8"
    )
    code, _, _ = _audit(cli, project)
    assert code == 1
    written = sorted(p.suffix for p in (project / "reports").iterdir())
    assert written == [".json", ".md"]
    assert not (Path.cwd() / "reports").exists()


def test_fail_on_from_the_config_file_decides_the_exit_code(cli: CliRun, project: Path) -> None:
    # small-office's two fails on 2026-01-01 (MS-3, SC-7) are priority 3
    (project / "tma-audit.toml").write_text('fail_on = "p2"\n', encoding="utf-8")
    assert _audit(cli, project)[0] == 0
    assert _audit(cli, project, "--fail-on", "any")[0] == 1


def test_pyproject_tool_table_is_found(cli: CliRun, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.tma-audit]\nformat = "json"\n', encoding="utf-8"
    )
    code, out, _ = _audit(cli, project)
    assert code == 1
    assert json.loads(out)["audit_date"] == "2026-01-01"


def test_pyproject_without_the_tool_table_is_not_a_config(cli: CliRun, project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (project.parent / "tma-audit.toml").write_text('format = "json"\n', encoding="utf-8")
    try:
        code, out, _ = _audit(cli, project)
    finally:
        (project.parent / "tma-audit.toml").unlink()
    assert code == 1
    assert json.loads(out)["audit_date"] == "2026-01-01"  # the one further up


def test_tma_audit_config_names_the_file_and_wins_over_the_project_file(
    cli: CliRun,
    project: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (project / "tma-audit.toml").write_text('format = "json"\n', encoding="utf-8")
    elsewhere = tmp_path_factory.mktemp("named") / "mine.toml"
    elsewhere.write_text('format = "markdown"\n', encoding="utf-8")
    monkeypatch.setenv("TMA_AUDIT_CONFIG", str(elsewhere))
    code, out, _ = _audit(cli, project)
    assert code == 1
    assert out.startswith("#")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('format = "json"\n\ncolour = 1\n', "tma-audit.toml:3: colour: unknown setting"),
        ("allow_stale = 'yes'\n", "tma-audit.toml:1: allow_stale: expected true or false"),
        ('format = "pdf"\n', "tma-audit.toml:1: format: expected formats among"),
        ("ruleset = 3\n", "tma-audit.toml:1: ruleset: expected a path"),
        ("[data]\nretries = 1\ncolour = 2\n", "tma-audit.toml:3: data.colour: unknown setting"),
        ("data = 1\n", "tma-audit.toml:1: data: expected a [data] table"),
        ("[data]\n\ntimeout = -1\n", "tma-audit.toml:3: data.timeout: timeout: expected a number"),
        ("[data]\nmsrc_url = 'ftp://x'\n", "tma-audit.toml:2: data.msrc_url: expected an http"),
        ("[data]\nretries = true\n", "tma-audit.toml:2: data.retries: retries: expected a whole"),
        ("format = \n", "not valid TOML"),
    ],
)
def test_bad_keys_and_values_are_exit_2_with_file_line_and_key(
    cli: CliRun, project: Path, text: str, where: str
) -> None:
    (project / "tma-audit.toml").write_text(text, encoding="utf-8")
    code, out, err = _audit(cli, project)
    assert code == 2
    assert where in err
    assert "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize(
    "text",
    ["tool = 1\n", "[tool]\ntma-audit = 1\n", "[tool.tma-audit]\ncolour = 1\n"],
)
def test_a_named_pyproject_with_a_bad_tool_table_is_exit_2(
    cli: CliRun, project: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("TMA_AUDIT_CONFIG", str(project / "pyproject.toml"))
    code, _, err = _audit(cli, project)
    if text == "tool = 1\n":  # no [tool.tma-audit] table: nothing configured
        assert code == 1
    else:
        assert code == 2
        assert "pyproject.toml" in err
        assert "tool.tma-audit" in err


def test_the_baseline_key_is_applied_only_where_there_is_a_baseline_option(
    project: Path,
) -> None:
    (project / "tma-audit.toml").write_text(
        'baseline = "old.json"\nfail_on = "p2"\n', encoding="utf-8"
    )
    app = typer.Typer()

    @app.command("audit")
    def audit(
        baseline: Annotated[Path | None, typer.Option("--baseline")] = None,
        fail_on: Annotated[str, typer.Option("--fail-on")] = "any",
    ) -> None: ...

    @app.command("plan")
    def plan(fail_on: Annotated[str, typer.Option("--fail-on")] = "any") -> None: ...

    defaults = config_defaults(typer.main.get_command(app))
    assert defaults["audit"] == {"baseline": str(project / "old.json"), "fail_on": "p2"}
    assert defaults["plan"] == {"fail_on": "p2"}


def test_config_show_says_where_each_setting_came_from(
    cli: CliRun, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "tma-audit.toml").write_text(
        'fail_on = "p2"\n\n[data]\ncache_dir = "cache"\ntimeout = 20\n', encoding="utf-8"
    )
    monkeypatch.setenv("TMA_AUDIT_CACHE_DIR", str(project / "from-env"))
    run = cli("config", "show", "-f", "json")
    assert run.code == 0
    document = json.loads(run.out)
    config = str(project / "tma-audit.toml")
    assert document["config_file"] == config
    rows = {row["setting"]: row for row in document["settings"]}
    assert rows["fail_on"]["value"] == "p2"
    assert rows["fail_on"]["origin"] == f"{config}:1"
    assert rows["format"] == {
        "setting": "format",
        "option": "--format",
        "value": "table",
        "origin": "built-in",
    }
    # environment > config file
    assert rows["data.cache_dir"]["value"] == str(project / "from-env")
    assert rows["data.cache_dir"]["origin"] == "environment variable TMA_AUDIT_CACHE_DIR"
    assert rows["data.timeout"]["value"] == 20.0
    assert rows["data.timeout"]["origin"] == f"{config}:5"
    table = cli("config", "show")
    assert table.code == 0
    assert f"Configuration file: {config} (project)" in table.out
    assert any(
        line.split()[:2] == ["fail_on", "p2"] and line.endswith(f"{config}:1")
        for line in table.out.splitlines()
    )


def test_config_file_cache_dir_is_relative_to_the_file(
    cli: CliRun, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "tma-audit.toml").write_text('[data]\ncache_dir = "cache"\n', encoding="utf-8")
    monkeypatch.delenv("TMA_AUDIT_CACHE_DIR")
    rows = {
        r["setting"]: r for r in json.loads(cli("config", "show", "-f", "json").out)["settings"]
    }
    assert rows["data.cache_dir"]["value"] == str(project / "cache")


def test_no_config_file_is_all_built_in(cli: CliRun, project: Path) -> None:
    document = json.loads(cli("config", "show", "-f", "json").out)
    assert document["config_file"] is None
    assert {row["origin"] for row in document["settings"] if "." not in row["setting"]} == {
        "built-in"
    }


def test_config_show_refuses_an_unknown_format(cli: CliRun, project: Path) -> None:
    run = cli("config", "show", "-f", "xml")
    assert run.code == 2
    assert "--format: expected table or json, got 'xml'" in run.err
    assert run.out == ""


def test_config_show_writes_to_a_file(cli: CliRun, project: Path) -> None:
    (project / "tma-audit.toml").write_text('fail_on = "high"\n', encoding="utf-8")
    out = project / "settings.json"
    run = cli("config", "show", "-f", "json", "-o", str(out))
    assert run.code == 0, run.err
    assert run.out == ""
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["config_file"] == str(project / "tma-audit.toml")
    assert {"setting": "fail_on", "value": "high"}.items() <= next(
        row for row in document["settings"] if row["setting"] == "fail_on"
    ).items()
    table = cli("config", "show", "-o", "-")
    assert table.out.startswith("Configuration file: ")
