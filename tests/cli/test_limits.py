"""Issue 12 §3: limits and arithmetic. Hostile numbers, dates and nesting are input
errors (exit 2, naming file, line and field), never an internal error (exit 70)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import CliRun
from tests.conftest import REPO

INVENTORY = REPO / "inventories" / "small-office" / "inventory.yaml"
ASSETS_CSV = REPO / "inventories" / "small-office" / "assets.csv"
AS_OF = "2026-11-26"


def _audit(cli: CliRun, *args: str) -> tuple[int, str]:
    run = cli("audit", *args)
    assert "Traceback" not in run.err
    assert "internal error" not in run.err
    return run.code, run.err


# --- ruleset `extends` ------------------------------------------------------------------------


def test_ruleset_extending_itself_names_the_loop(cli: CliRun, tmp_path: Path) -> None:
    rules = tmp_path / "self.yaml"
    rules.write_text("extends: self.yaml\n", encoding="utf-8")
    code, err = _audit(cli, str(INVENTORY), "--ruleset", str(rules), "--as-of", AS_OF)
    assert code == 2
    assert f"{rules}:1: extends: extends loop: {rules} -> {rules}" in err


def test_ruleset_extends_loop_names_every_file(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("# b\nextends: a.yaml\n", encoding="utf-8")
    code, err = _audit(cli, str(INVENTORY), "--ruleset", str(tmp_path / "a.yaml"), "--as-of", AS_OF)
    assert code == 2
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert f"{b}:2: extends: extends loop: {a} -> {b} -> {a}" in err


def test_a_400_deep_extends_chain_is_capped(cli: CliRun, tmp_path: Path) -> None:
    for index in range(400):
        parent = f"c{index + 1}.yaml" if index < 399 else "default"
        (tmp_path / f"c{index}.yaml").write_text(f"extends: {parent}\n", encoding="utf-8")
    code, err = _audit(
        cli, str(INVENTORY), "--ruleset", str(tmp_path / "c0.yaml"), "--as-of", AS_OF
    )
    assert code == 2
    assert "extends chain is deeper than 16 files" in err
    assert "c15.yaml:1: extends:" in err


def test_a_short_extends_chain_still_loads(cli: CliRun, tmp_path: Path) -> None:
    for index in range(5):
        parent = f"c{index + 1}.yaml" if index < 4 else "default"
        (tmp_path / f"c{index}.yaml").write_text(f"extends: {parent}\n", encoding="utf-8")
    run = cli("rules", "list", "--ruleset", str(tmp_path / "c0.yaml"))
    assert run.code == 0, run.err
    assert "MS-1U" in run.out


# --- whole numbers beyond Python's conversion limit ---------------------------------------------

HUGE = "9" * 5000


def test_a_5000_digit_number_in_a_yaml_inventory_is_an_input_error(
    cli: CliRun, tmp_path: Path
) -> None:
    text = INVENTORY.read_text(encoding="utf-8")
    line = text[: text.index("missing_critical: 0")].count("\n") + 1
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(text.replace("missing_critical: 0", f"missing_critical: {HUGE}", 1))
    code, err = _audit(cli, str(inventory), "--as-of", AS_OF)
    assert code == 2
    assert (
        f"{inventory}:{line}: assets[0].patch.missing_critical: number too large "
        "(5000 digits; at most 15)"
    ) in err


def test_a_5000_digit_number_in_a_csv_is_an_input_error(cli: CliRun, tmp_path: Path) -> None:
    header, first, *_ = ASSETS_CSV.read_text(encoding="utf-8").splitlines()
    cells = first.split(",")
    cells[header.split(",").index("patch.missing_critical")] = HUGE
    assets = tmp_path / "assets.csv"
    assets.write_text(f"{header}\n{','.join(cells)}\n", encoding="utf-8")
    code, err = _audit(cli, str(assets), "--as-of", AS_OF)
    assert code == 2
    assert f"{assets}:2: patch.missing_critical: number too large" in err


def test_a_16_digit_ruleset_number_is_refused_before_conversion(
    cli: CliRun, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"extends: default\nparameters:\n  look_ahead_days: {HUGE}\n")
    code, err = _audit(cli, str(INVENTORY), "--ruleset", str(rules), "--as-of", AS_OF)
    assert code == 2
    assert f"{rules}:3: parameters.look_ahead_days: number too large" in err


# --- non-finite and out-of-range numbers in a ruleset -------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "NaN", "Infinity"])
def test_non_finite_effort_hours_are_refused(cli: CliRun, tmp_path: Path, value: str) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "extends: default\noverrides:\n  MS-1U:\n    remediation:\n"
        f"      text: patch it\n      payer: minor-change\n      effort_hours: {value}\n",
        encoding="utf-8",
    )
    code, err = _audit(cli, str(INVENTORY), "--ruleset", str(rules), "--as-of", AS_OF, "-f", "json")
    assert code == 2
    assert (
        f"{rules}:7: overrides.MS-1U.remediation.effort_hours: expected a finite number, "
        f"got {value!r}"
    ) in err


@pytest.mark.parametrize(
    ("yaml_text", "line", "field"),
    [
        (
            "overrides:\n  MS-1U:\n    params: {grace_days: 1000000000000}\n",
            4,
            "overrides.MS-1U.params.grace_days",
        ),
        ("parameters:\n  waiver_review_days: 99999999999\n", 3, "parameters.waiver_review_days"),
        ("parameters:\n  look_ahead_days: 36501\n", 3, "parameters.look_ahead_days"),
        (
            "overrides:\n  SC-9:\n    params: {review_months: 1201}\n",
            4,
            "overrides.SC-9.params.review_months",
        ),
    ],
)
def test_day_and_month_parameters_have_a_ceiling(
    cli: CliRun, tmp_path: Path, yaml_text: str, line: int, field: str
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"extends: default\n{yaml_text}", encoding="utf-8")
    code, err = _audit(cli, str(INVENTORY), "--ruleset", str(rules), "--as-of", AS_OF)
    assert code == 2
    assert f"{rules}:{line}: {field}: must be at most" in err
    run = cli(
        "waivers",
        "draft",
        str(INVENTORY),
        "-o",
        str(tmp_path / "out"),
        "--ruleset",
        str(rules),
        "--as-of",
        AS_OF,
    )
    assert run.code == 2
    assert "internal error" not in run.err


# --- dates at the ends of the calendar ----------------------------------------------------------


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1899-12-31", "9001-01-01"])
def test_an_audit_date_out_of_range_is_a_usage_error(cli: CliRun, as_of: str) -> None:
    code, err = _audit(cli, str(INVENTORY), "--as-of", as_of, "--allow-stale")
    assert code == 2
    assert f"--as-of: {as_of} is out of range (1900-01-01 to 9000-12-31)" in err


MAX_RULESET = """\
extends: default
parameters:
  look_ahead_days: 36500
  lifecycle_stale_warn_days: 36500
  lifecycle_stale_error_days: 36500
  waiver_max_days: 36500
  waiver_warn_days: 36500
  waiver_review_days: 36500
overrides:
  MS-1U:
    params: {grace_days: 36500}
    remediation: {text: patch it, payer: project, effort_hours: 100000}
  MS-4: {params: {definitions_max_age_days: 36500}}
  SC-9: {params: {review_months: 1200}}
"""


@pytest.mark.parametrize("as_of", ["1900-01-01", "9000-12-31"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_extreme_dates_and_largest_parameters_audit_and_draft(
    cli: CliRun, tmp_path: Path, as_of: str, day: str
) -> None:
    """The audit date at either end of its range, every parameter at its ceiling, and
    every date in the inventory and the waiver register the first or last there is."""
    midsize = REPO / "inventories" / "midsize"
    dates = re.compile(r"20\d\d-\d\d-\d\d")
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(dates.sub(day, (midsize / "inventory.yaml").read_text("utf-8")))
    register = tmp_path / "waivers.yaml"
    register.write_text(dates.sub(day, (midsize / "waivers.yaml").read_text("utf-8")))
    rules = tmp_path / "rules.yaml"
    rules.write_text(MAX_RULESET, encoding="utf-8")
    common = ("--ruleset", str(rules), "--as-of", as_of)
    formats = "table,json,junit,sarif,markdown,html,csv"
    code, _ = _audit(
        cli,
        str(inventory),
        *common,
        "--allow-stale",
        "--waivers",
        str(register),
        "-f",
        formats,
        "--output-dir",
        str(tmp_path / "reports"),
    )
    assert code == 1
    for args in (
        (
            "waivers",
            "draft",
            str(inventory),
            "-o",
            str(tmp_path / "drafts"),
            *common,
            "--allow-stale",
            "--waivers",
            str(register),
        ),
        ("waivers", "lint", str(register), *common),
        ("waivers", "list", str(register), *common),
        ("plan", str(inventory), *common, "--allow-stale"),
    ):
        run = cli(*args)
        assert run.code in (0, 1), (args, run.err)


def test_continuity_plan_reviewed_on_the_last_date_there_is(cli: CliRun, tmp_path: Path) -> None:
    text = INVENTORY.read_text(encoding="utf-8")
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(text.replace("last_reviewed: 2026-05-14", "last_reviewed: 9999-12-31"))
    run = cli("audit", str(inventory), "--as-of", AS_OF, "-f", "json")
    assert run.code in (0, 1), run.err
    sc9 = [o for r in json.loads(run.out)["results"] for o in r["outcomes"] if o["rule"] == "SC-9"]
    assert [o["outcome"] for o in sc9] == ["pass"]
    assert "next review due 9999-12-31" in sc9[0]["reason"]


def test_waiver_approved_on_the_last_date_there_is(cli: CliRun, tmp_path: Path) -> None:
    midsize = REPO / "inventories" / "midsize"
    text = (midsize / "waivers.yaml").read_text("utf-8")
    register = tmp_path / "waivers.yaml"
    register.write_text(text.replace("approval_date: 2026-11-20", "approval_date: 9999-12-31", 1))
    run = cli("waivers", "list", str(register), "--as-of", AS_OF)
    assert run.code in (0, 1), run.err
    assert "internal error" not in run.err


# --- a JSON report given to `waivers draft` -----------------------------------------------------


@pytest.fixture(scope="module")
def report_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    from tma_audit.cli import run as run_cli

    path = tmp_path_factory.mktemp("report") / "report.json"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NO_COLOR", "1")
        mp.setattr("sys.argv", ["tma-audit"])
        code = run_cli(["audit", str(INVENTORY), "--as-of", AS_OF, "-f", "json", "-o", str(path)])
    assert code == 1
    return path.read_text(encoding="utf-8")


def _effort_1_5(text: str, value: str) -> str:
    assert '"effort_hours": 1.5' in text
    return text.replace('"effort_hours": 1.5', f'"effort_hours": {value}', 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: _effort_1_5(t, HUGE),
            "rules[1].remediation.effort_hours: number too large (5000 digits; at most 15)",
        ),
        (
            lambda t: _effort_1_5(t, "NaN"),
            "rules[1].remediation.effort_hours: expected a finite number, got nan",
        ),
        (
            lambda t: _effort_1_5(t, "-Infinity"),
            "rules[1].remediation.effort_hours: expected a finite number, got -inf",
        ),
        (
            lambda t: _effort_1_5(t, "1e400"),
            "rules[1].remediation.effort_hours: expected a finite number, got inf",
        ),
        (
            lambda t: _effort_1_5(t, "1e300"),
            "rules[MS-1U].remediation.effort_hours: expected 0 to 100000 hours, got 1e+300",
        ),
        (
            lambda t: t.replace(
                '"notes": [', '"notes": [' + "[" * 100_000 + "]" * 100_000 + ",", 1
            ),
            "not valid JSON: nested more than 64 levels deep",
        ),
        (
            lambda t: t.replace('"notes": [', '"notes": [' + "[" * 200 + "]" * 200 + ",", 1),
            "notes[0]" + "[0]" * 63 + ": nested more than 64 levels deep",
        ),
        (
            lambda t: t.replace(f'"audit_date": "{AS_OF}"', '"audit_date": "9999-12-31"'),
            "audit_date: 9999-12-31 is out of range (1900-01-01 to 9000-12-31)",
        ),
        (
            lambda t: t.replace('"waiver_review_days": 180', '"waiver_review_days": 99999999999'),
            "ruleset.parameters.waiver_review_days: expected a whole number from 1 to 36500, "
            "got 99999999999",
        ),
    ],
)
def test_a_hostile_json_report_is_an_input_error(
    cli: CliRun,
    tmp_path: Path,
    report_text: str,
    change: Callable[[str], str],
    message: str,
) -> None:
    report = tmp_path / "report.json"
    report.write_text(change(report_text), encoding="utf-8")
    assert report.read_text(encoding="utf-8") != report_text
    run = cli("waivers", "draft", str(report), "-o", str(tmp_path / "drafts"))
    assert run.code == 2, run.err
    assert f"{report}: {message}" in run.err
    assert not (tmp_path / "drafts").exists()


# --- duplicate sites, unterminated quotes -------------------------------------------------------


def test_duplicate_site_names_are_refused(cli: CliRun, tmp_path: Path) -> None:
    text = INVENTORY.read_text(encoding="utf-8")
    assert "  sites:\n    - name: Quay Street\n" in text
    line = text[: text.index("  sites:\n")].count("\n") + 2
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(
        text.replace("  sites:\n", "  sites:\n    - name: quay  street\n", 1), encoding="utf-8"
    )
    code, err = _audit(cli, str(inventory), "--as-of", AS_OF)
    assert code == 2
    assert (
        f"{inventory}:{line + 1}: client.sites[1].name: duplicate site name 'Quay Street' "
        f"(first at line {line})"
    ) in err


@pytest.mark.parametrize("last_line_end", ["\n", ""])
def test_an_unterminated_quote_in_a_native_csv_names_its_line(
    cli: CliRun, tmp_path: Path, last_line_end: str
) -> None:
    header, first, second, *_ = ASSETS_CSV.read_text(encoding="utf-8").splitlines()
    assets = tmp_path / "assets.csv"
    assets.write_text(
        f'{header}\n{first}\n"HDP-X,desktop,Quay Street\n{second}{last_line_end}',
        encoding="utf-8",
    )
    code, err = _audit(cli, str(assets), "--as-of", AS_OF)
    assert code == 2
    assert f"{assets}:3: unterminated quote opened at line 3" in err


def test_a_value_over_several_lines_is_not_an_unterminated_quote(
    cli: CliRun, tmp_path: Path
) -> None:
    header, first, *_ = ASSETS_CSV.read_text(encoding="utf-8").splitlines()
    cells = first.split(",")
    cells[header.split(",").index("model")] = '"Dell PowerEdge\nT360 ""tower"""'
    assets = tmp_path / "assets.csv"
    assets.write_text(f"{header}\n{','.join(cells)}\n", encoding="utf-8")
    code, _ = _audit(cli, str(assets), "--as-of", AS_OF)
    assert code in (0, 1)


def test_an_unterminated_quote_in_an_export_names_its_line(cli: CliRun, tmp_path: Path) -> None:
    export = tmp_path / "ad.csv"
    export.write_text(
        "#TYPE Selected.Microsoft.ActiveDirectory.Management.ADComputer\n"
        '"Name";"OperatingSystem";"OperatingSystemVersion";"Enabled"\n'
        '"PC1";"Windows 11 Pro";"10.0 (26100)";"True"\n'
        '"PC2";"Windows 11 Pro";"10.0 (26100)";"True"\n'
        '"PC3";"Windows 11 Pro";"10.0 (26100)";"True\n',
        encoding="utf-8",
    )
    code, err = _audit(cli, str(export), "--as-of", AS_OF)
    assert code == 2
    assert f"{export}:5: unterminated quote opened at line 5" in err


# --- the settings file (TOML) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nan", "timeout: expected a number of seconds above 0 and at most 86400, got nan"),
        ("inf", "timeout: expected a number of seconds above 0 and at most 86400, got inf"),
        ("-inf", "timeout: expected a number of seconds above 0 and at most 86400, got -inf"),
        (HUGE, "not valid TOML: a number is too large"),
    ],
)
def test_settings_file_numbers_must_be_finite_and_convertible(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[data]\ntimeout = {value}\n", encoding="utf-8")
    monkeypatch.setenv("TMA_AUDIT_CONFIG", str(config))
    run = cli("data", "show", "--as-of", AS_OF)
    assert run.code == 2, run.err
    assert message in run.err
    assert "internal error" not in run.err


# --- file names no file system takes ------------------------------------------------------------


def test_a_file_name_too_long_is_an_input_error(cli: CliRun, tmp_path: Path) -> None:
    long_name = "9" * 300
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"extends: {long_name}.yaml\n", encoding="utf-8")
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(f"schema: 1\nclient: {{name: X}}\nassets_from: [{long_name}.csv]\n")
    for args in (
        ("audit", str(INVENTORY), "--ruleset", str(rules)),
        ("audit", str(inventory)),
        ("audit", str(tmp_path / f"{long_name}.yaml")),
        ("rules", "list", "--ruleset", str(tmp_path / f"{long_name}.yaml")),
    ):
        run = cli(*args, *(("--as-of", AS_OF) if args[0] == "audit" else ()))
        assert run.code == 2, (args, run.err)
        assert "file name too long" in run.err.lower()


# --- digits that str.isdigit takes and int() does not -------------------------------------------


@pytest.mark.parametrize("value", ["²", "9" * 5000, "21"])
def test_draft_settings_control_lines_must_be_a_small_whole_number(
    cli: CliRun, tmp_path: Path, value: str
) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text(f"control_lines: {value}\n", encoding="utf-8")
    run = cli(
        "waivers", "draft", str(INVENTORY), "-o", str(tmp_path / "drafts"),
        "--settings", str(settings), "--as-of", AS_OF,
    )  # fmt: skip
    assert run.code == 2, run.err
    assert f"{settings}:1: control_lines: expected a whole number from 0 to 20" in run.err


@pytest.mark.parametrize("columns", ["²", "9" * 5000])
def test_a_strange_columns_variable_is_ignored(
    cli: CliRun, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    run = cli("rules", "list")
    assert run.code == 0, run.err
    assert "MS-1U" in run.out


# --- texts too long for a page of a waiver draft -------------------------------------------------


def test_a_text_too_long_for_a_page_of_a_draft_is_an_input_error(
    cli: CliRun, tmp_path: Path
) -> None:
    drafts = tmp_path / "drafts"
    run = cli(
        "waivers", "draft", str(INVENTORY), "-o", str(drafts), "--as-of", AS_OF,
        "--control", "x" * 100_000,
    )  # fmt: skip
    assert run.code == 2, run.err
    assert "cannot be laid out: a text in it is too long for one page" in run.err
    assert not drafts.exists() or not list(drafts.iterdir())


# --- digit runs inside versions, builds and product names ---------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('build: "20348.5862"', f'build: "20348.{HUGE}"'),
        ("name: Windows Server 2025 Standard", f"name: Windows Server 2025 OS Build 26100.{HUGE}"),
        ('version: "15.0.4480.2"', f'version: "15.0.{HUGE}"'),
        ('version: "12.3.2.4854"', f'version: "v{HUGE}.1"'),
        ("name: Microsoft SQL Server 2019 Standard", f"name: Microsoft SQL Server 2019 SP{HUGE}"),
        ("name: Microsoft SQL Server 2019 Standard", f"name: Microsoft SQL Server {HUGE} SP 1"),
    ],
)
def test_a_5000_digit_run_in_a_version_or_name_is_read_as_text(
    cli: CliRun, tmp_path: Path, old: str, new: str
) -> None:
    text = INVENTORY.read_text(encoding="utf-8")
    assert old in text
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, _ = _audit(cli, str(inventory), "--as-of", AS_OF)
    assert code == 1


@pytest.mark.parametrize("version", [f"10.0 ({HUGE})", f"{HUGE}.0", f"10.0.{HUGE}.1"])
def test_a_5000_digit_run_in_an_exported_os_version(
    cli: CliRun, tmp_path: Path, version: str
) -> None:
    export = tmp_path / "ad.csv"
    export.write_text(
        '"Name","OperatingSystem","OperatingSystemVersion","Enabled"\n'
        f'"PC1","Windows 11 Pro","{version}","True"\n',
        encoding="utf-8",
    )
    run = cli("audit", str(export), "--as-of", AS_OF, "-f", "json")
    assert run.code == 1, run.err
    (pc1,) = [r for r in json.loads(run.out)["results"] if r["subject"]["id"] == "PC1"]
    outcomes = {o["rule"]: o["outcome"] for o in pc1["outcomes"]}
    assert outcomes["MS-2U"] == "unknown"  # no build to judge the updates by


# --- a NUL character ("\0" in a double-quoted YAML string) -------------------------------------


def test_a_nul_character_in_yaml_is_an_input_error(cli: CliRun, tmp_path: Path) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text('schema: 1\nclient: {name: X}\nassets_from: ["a\\0b.csv"]\n')
    settings = tmp_path / "settings.yaml"
    settings.write_text('page_size: A4\nwording: "a\\0b.yaml"\n')
    rules = tmp_path / "rules.yaml"
    rules.write_text('extends: default\nruleset: {id: "a\\0"}\n')
    for args, where in (
        (("audit", str(inventory), "--as-of", AS_OF), f"{inventory}:3"),
        (
            ("waivers", "draft", str(INVENTORY), "-o", str(tmp_path / "d"), "--as-of", AS_OF,
             "--settings", str(settings)),
            f"{settings}:2",
        ),
        (("rules", "list", "--ruleset", str(rules)), f"{rules}:2"),
    ):  # fmt: skip
        run = cli(*args)
        assert run.code == 2, run.err
        assert f"{where}: NUL character in 'a\\x00" in run.err


def test_a_quote_left_open_mid_file_names_where_it_opens_and_runs_to(
    cli: CliRun, tmp_path: Path
) -> None:
    header, first, *rest = ASSETS_CSV.read_text(encoding="utf-8").splitlines()
    rest[3] = rest[3].replace(",Quay Street,", ',"Quay Street",', 1)  # the next quote
    assets = tmp_path / "assets.csv"
    assets.write_text(
        "\n".join([header, first, '"HDP-X,desktop,Quay Street', *rest]) + "\n", encoding="utf-8"
    )
    code, err = _audit(cli, str(assets), "--as-of", AS_OF)
    assert code == 2
    assert f"{assets}:3: unterminated quote opened at line 3: the quoted value runs to line 7" in (
        err
    )


def test_a_quote_left_open_mid_export_names_where_it_opens(cli: CliRun, tmp_path: Path) -> None:
    export = tmp_path / "ad.csv"
    export.write_text(
        '"Name";"OperatingSystem";"OperatingSystemVersion";"Enabled"\n'
        '"PC1";"Windows 11 Pro";"10.0 (26100)";"True\n'
        '"PC2";"Windows 11 Pro";"10.0 (26100)";"True"\n',
        encoding="utf-8",
    )
    code, err = _audit(cli, str(export), "--as-of", AS_OF)
    assert code == 2
    assert f"{export}:2: unterminated quote opened at line 2: the quoted value runs to line 3" in (
        err
    )
