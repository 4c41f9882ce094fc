"""The command line: exit codes, messages for bad input, --as-of, --ruleset, golden JSON."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import CliRun

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "inventories" / "small-office" / "inventory.yaml"
MIDSIZE = REPO / "inventories" / "midsize" / "inventory.yaml"
GOLDEN = REPO / "tests" / "golden"
AS_OF = "2026-11-26"

COMPLIANT = """\
client:
  name: Tidy Ltd
  sites: [{name: HQ}]
environment:
  antivirus: []
attestations: {}
"""


def outcomes(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each outcome of a JSON report, with its subject attached."""
    return [
        {**outcome, "subject": group["subject"]}
        for group in report["results"]
        for outcome in group["outcomes"]
    ]


def write(tmp_path: Path, text: str, name: str = "inv.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_version_and_help(cli: CliRun) -> None:
    from tma_audit import __version__

    run = cli("--version")
    assert run.code == 0 and run.out.strip() == f"tma-audit {__version__}"
    for args in (
        ["--help"],
        ["audit", "--help"],
        ["rules", "--help"],
        ["rules", "list", "--help"],
        ["rules", "show", "--help"],
    ):
        run = cli(*args)
        assert run.code == 0, args
        assert "Usage" in run.out


def test_python_dash_m_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tma_audit", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("tma-audit ")


def test_entry_point_flushes_everything_before_its_fast_exit(tmp_path: Path) -> None:
    """`main()` ends the process with os._exit: the whole report still arrives, with
    the same exit code and warnings the in-process run gives."""
    args = ["audit", str(MIDSIZE), "--as-of", AS_OF, "--format", "json"]
    proc = subprocess.run(
        [sys.executable, "-m", "tma_audit", *args], capture_output=True, check=False
    )
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)  # complete: it parses
    assert len(proc.stdout) > 100_000  # more than a pipe buffer holds
    assert report["summary"]["findings"] > 0
    assert b"warning: Windows update history" in proc.stderr  # stderr is flushed too
    # to a file, with the exit-zero switch
    out = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "tma_audit", *args, "-o", str(out), "--exit-zero"],
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "tma-audit-report"


def test_entry_point_usage_error_exits_2_without_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tma_audit", "audit", "--no-such-option"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "No such option" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_findings_exit_1_and_report_states_dates(cli: CliRun) -> None:
    run = cli("audit", str(SMALL), "--as-of", AS_OF)
    assert run.code == 1, run.err
    assert "Audit date 2026-11-26" in run.out
    assert "Lifecycle data" in run.out
    assert "NOT COMPLIANT" in run.out
    assert max(len(line) for line in run.out.splitlines()) <= 80


def _all_pass_ruleset(tmp_path: Path) -> Path:
    """A ruleset that keeps only SC-4, so an attested contact is compliant."""
    from tma_audit.rules import load_default_ruleset

    ids = [r.id for r in load_default_ruleset().rules if r.id != "SC-4"]
    return write(tmp_path, "extends: default\ndisable: [" + ", ".join(ids) + "]\n", "rules.yaml")


def test_compliant_exit_0(cli: CliRun, tmp_path: Path) -> None:
    inv = write(
        tmp_path,
        "client: {name: A}\nattestations:\n  change_notification: {contact: ops@a.example}\n",
    )
    run = cli("audit", str(inv), "--as-of", AS_OF, "--ruleset", str(_all_pass_ruleset(tmp_path)))
    assert run.code == 0, run.out + run.err
    assert "COMPLIANT" in run.out


def test_fail_on_threshold(cli: CliRun, tmp_path: Path) -> None:
    inv = write(tmp_path, "client: {name: A}\n")  # SC-4 unknown (low impact) …
    rules = write(
        tmp_path,
        "extends: default\ndisable: ["
        + ", ".join(
            r
            for r in [
                "MS-1",
                "MS-1U",
                "MS-2",
                "MS-2U",
                "MS-3",
                "MS-4",
                "MS-5",
                "MS-6",
                "SC-1",
                "SC-2",
                "SC-3",
                "SC-5",
                "SC-6",
                "SC-7",
                "SC-8",
                "SC-9",
                "SC-10",
            ]
        )
        + "]\n",
        "r.yaml",
    )
    assert cli("audit", str(inv), "--as-of", AS_OF, "-r", str(rules)).code == 1
    assert (
        cli("audit", str(inv), "--as-of", AS_OF, "-r", str(rules), "--fail-on", "medium").code == 0
    )
    assert (
        cli("audit", str(inv), "--as-of", AS_OF, "-r", str(rules), "--fail-on", "high,SC-4").code
        == 1
    )
    bad = cli("audit", str(inv), "--as-of", AS_OF, "--fail-on", "severe")
    assert bad.code == 2 and "--fail-on" in bad.err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["audit", "missing.yaml"], "missing.yaml: file not found"),
        (["audit", "inv.yaml", "--as-of", "26/11/2026"], "--as-of: bad date"),
        (["audit", "inv.yaml", "--format", "pdf"], "Invalid value"),
        (["audit", "inv.yaml", "--ruleset", "nope.yaml"], "nope.yaml: ruleset file not found"),
        (["audit", "bad.yaml"], "bad.yaml:3: assets[0].kind: unknown value 'toaster'"),
        (["audit"], "Usage"),
        (["rules", "show", "XX-9"], "no rule 'XX-9'"),
        (["audit", "inv.yaml", "--data", "nope.json"], "nope.json"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, COMPLIANT, "inv.yaml")
    write(tmp_path, "client: {name: A}\nassets:\n  - {hostname: X, kind: toaster}\n", "bad.yaml")
    run = cli(*args)
    expected = 3 if "--data" in args else 2
    if args == ["audit"]:
        expected = 2
    assert run.code == expected, (run.out, run.err)
    assert needle in run.err + run.out
    assert "Traceback" not in run.err


def test_bad_ruleset_is_a_clear_error(cli: CliRun, tmp_path: Path) -> None:
    inv = write(tmp_path, COMPLIANT)
    cases = {
        "extends: default\noverrides:\n  MS-1U:\n    params: {grace_days: soon}\n": "r.yaml:4: overrides.MS-1U.params.grace_days: expected a whole number",
        "extends: default\noverrides:\n  MS-9: {impact: high}\n": "r.yaml:3: overrides.MS-9: unknown rule 'MS-9'",
        "extends: default\ndisable: [MS-7]\n": "cannot disable unknown rule 'MS-7'",
        "extends: default\noverrides:\n  SC-9:\n    params: {review_weeks: 3}\n": "has no parameter 'review_weeks'",
        "extends: default\nrules:\n  - id: X-1\n    check: eval_python\n": "unknown check 'eval_python'",
        "ruleset: {id: x}\nrules: []\n": "required key 'version' is missing",
    }
    for text, needle in cases.items():
        rules = write(tmp_path, text, "r.yaml")
        run = cli("audit", str(inv), "--as-of", AS_OF, "--ruleset", str(rules))
        assert run.code == 2, text
        assert needle in run.err, (needle, run.err)


def test_as_of_changes_the_outcome(cli: CliRun, tmp_path: Path) -> None:
    inv = write(
        tmp_path,
        """\
        client: {name: A}
        assets:
          - hostname: SRV16
            kind: server
            os: {name: Windows Server 2016 Standard, build: "14393.9418"}
            genuine: true
            licensed: true
    """,
    )
    out = tmp_path / "r.json"

    def ms3(as_of: str) -> str:
        cli("audit", str(inv), "--as-of", as_of, "--format", "json", "--output", str(out))
        report = json.loads(out.read_text())
        return str(
            next(
                r["outcome"]
                for r in outcomes(report)
                if r["rule"] == "MS-3" and r["subject"]["id"] == "SRV16"
            )
        )

    assert ms3("2027-01-12") == "pass"
    assert ms3("2027-01-13") == "fail"


def test_ruleset_overrides_change_outcomes(cli: CliRun, tmp_path: Path) -> None:
    inv = write(
        tmp_path,
        """\
        client: {name: A}
        attestations:
          continuity_plan: {last_reviewed: 2026-03-01}
    """,
    )
    rules = write(
        tmp_path,
        """\
        extends: default
        ruleset: {id: acme, version: "3"}
        parameters: {look_ahead_days: 30}
        overrides:
          SC-9: {params: {review_months: 6}, impact: high}
        disable: [SC-10]
    """,
        "acme.yaml",
    )
    out = tmp_path / "r.json"
    cli("audit", str(inv), "--as-of", AS_OF, "-r", str(rules), "-f", "json", "-o", str(out))
    report = json.loads(out.read_text())
    assert report["ruleset"]["id"] == "acme"
    assert report["ruleset"]["parameters"]["look_ahead_days"] == 30
    sc9 = [r for r in outcomes(report) if r["rule"] == "SC-9"]
    assert sc9[0]["outcome"] == "fail"
    assert not [r for r in outcomes(report) if r["rule"] == "SC-10"]
    rule = next(r for r in report["rules"] if r["id"] == "SC-9")
    assert rule["impact"] == "high" and rule["params"]["review_months"] == 6


def test_output_is_written_atomically_and_never_over_a_directory(
    cli: CliRun, tmp_path: Path
) -> None:
    inv = write(tmp_path, COMPLIANT)
    run = cli("audit", str(inv), "--as-of", AS_OF, "-f", "json", "-o", str(tmp_path))
    assert run.code == 2 and "is a directory" in run.err
    run = cli(
        "audit", str(inv), "--as-of", AS_OF, "-f", "json", "-o", str(tmp_path / "no" / "r.json")
    )
    assert run.code == 2 and "does not exist" in run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv.yaml"]


def test_rules_list_and_show(cli: CliRun) -> None:
    run = cli("rules", "list")
    assert run.code == 0
    for rule_id in ("MS-1", "MS-1U", "SC-10"):
        assert f"\n{rule_id} " in run.out
    show = cli("rules", "show", "ms-1u")
    assert show.code == 0
    assert "latest Microsoft Service Packs" in show.out
    assert "grace_days = 14" in show.out
    assert "minor-change" in show.out


def test_rules_show_ms2u_says_windows_10_22h2_without_esu_evidence_passes(cli: CliRun) -> None:
    show = cli("rules", "show", "MS-2U")
    assert show.code == 0
    text = " ".join(show.out.split())
    assert "without any ESU evidence at 19045.6456" in text
    assert "passes: it holds every update it can get" in text
    assert "MS-3/SC-7's finding" in text
    assert "must hold the latest ESU update" in text


@pytest.mark.parametrize("inventory", [SMALL, MIDSIZE], ids=["small-office", "midsize"])
def test_golden_json(
    cli: CliRun,
    inventory: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    monkeypatch.chdir(REPO)
    out = tmp_path / "report.json"
    rel = inventory.relative_to(REPO)
    run = cli("audit", str(rel), "--as-of", AS_OF, "--format", "json", "--output", str(out))
    assert run.code == 1
    golden = GOLDEN / f"{inventory.parent.name}.json"
    text = out.read_text(encoding="utf-8")
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), "run pytest --update-golden to create the golden file"
    assert text == golden.read_text(encoding="utf-8"), (
        "report differs from the golden file; if intended, run pytest --update-golden"
    )


def test_golden_table(
    cli: CliRun, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.chdir(REPO)
    run = cli("audit", str(SMALL.relative_to(REPO)), "--as-of", AS_OF)
    golden = GOLDEN / "small-office.txt"
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(run.out, encoding="utf-8")
    assert run.out == golden.read_text(encoding="utf-8")


def test_csv_and_yaml_forms_of_the_small_office_agree(cli: CliRun, tmp_path: Path) -> None:
    seen = []
    for name in ("inventory.yaml", "inventory-csv.yaml"):
        out = tmp_path / f"{name}.json"
        cli("audit", str(SMALL.parent / name), "--as-of", AS_OF, "-f", "json", "-o", str(out))
        report = json.loads(out.read_text())
        seen.append(
            sorted(
                (r["rule"], r["subject"]["id"], r["outcome"], r["reason"]) for r in outcomes(report)
            )
        )
    assert seen[0] == seen[1]


def test_json_report_shape(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    cli("audit", str(MIDSIZE), "--as-of", AS_OF, "-f", "json", "-o", str(out))
    report = json.loads(out.read_text())
    assert report["format"] == "tma-audit-report"
    assert report["audit_date"] == AS_OF
    assert report["data"]["date"] and report["data"]["updates_date"]
    assert report["ruleset"]["id"] == "tma-default"
    by_rule = report["summary"]["by_rule"]
    for rule_id in by_rule:
        if rule_id != "SC-4":
            assert by_rule[rule_id]["fail"] >= 1, f"midsize has no {rule_id} failure"
    assert report["summary"]["outcomes"]["unknown"] >= 1
    for result in outcomes(report):
        assert result["reason"]
        assert result["subject"]["line"] >= 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("binary.yaml", b"\x00\x01\x02\xff\xfe garbage"),
        ("list.yaml", b"- a\n- b\n"),
        ("scalar.yaml", b"just text\n"),
        ("client-number.yaml", b"client: 5\n"),
        ("assets-numbers.yaml", b"client: {name: A}\nassets: [1, 2]\n"),
        ("hostname-list.yaml", b"client: {name: A}\nassets:\n  - {hostname: [a], kind: server}\n"),
        ("site-map.yaml", b"client: {name: A, sites: {HQ: 1}}\n"),
        ("tabs.yaml", b"client:\n\tname: A\n"),
        (
            "big-int.yaml",
            b"client: {name: A}\nassets:\n  - hostname: X\n    kind: server\n"
            b"    patch: {missing_critical: 99999999999999999999999999}\n    genuine: 1\n",
        ),
        ("nul.csv", b"hostname,kind\nX\x00,server\n"),
        ("only-header.csv", b"\n"),
        ("quote.csv", b'hostname,kind\n"X,server\n'),
        ("latin1.csv", "hostname,kind,site\nZ\xfcrich,server,HQ\n".encode("latin-1")),
        (
            "wireless.yaml",
            b"client: {name: A}\nattestations:\n  wireless:\n"
            b"    - {site: HQ, networks: [{ssid: X}]}\n",
        ),
        ("apps.yaml", b"client: {name: A}\nattestations: {applications: [{vendor: V}]}\n"),
        ("empty-os.yaml", b"client: {name: A}\nassets:\n  - {hostname: X, kind: server, os: {}}\n"),
        ("csv-os.csv", b"hostname,kind,os.build\nX,server,17763.1\n"),
    ],
)
def test_bad_files_never_crash(cli: CliRun, tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    run = cli("audit", str(path))
    assert run.code == 2, (run.code, run.out, run.err)
    assert run.err.startswith(f"tma-audit: error: {path}")
    assert "Traceback" not in run.err and "internal error" not in run.err


def test_group_by_rule_and_colour(cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    run = cli("audit", str(SMALL), "--as-of", AS_OF, "--group-by", "rule")
    assert "Findings by rule" in run.out
    assert "\x1b[" not in run.out  # NO_COLOR is set by the fixture
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = cli("audit", str(SMALL), "--as-of", AS_OF)
    assert "\x1b[" in coloured.out


def test_app_registers_only_the_command_it_runs() -> None:
    """`tma-audit audit …` builds the audit command alone; help and typos see all."""
    import typer.core
    import typer.main

    from tma_audit.cli.app import COMMANDS, build_app

    def names(args: list[str]) -> set[str]:
        group = typer.main.get_command(build_app(args))
        assert isinstance(group, typer.core.TyperGroup)
        return set(group.commands)

    assert names(["audit", "x.yaml", "--format", "json"]) == {"audit"}
    assert names(["inventory", "convert", "a.csv"]) == {"inventory"}
    assert names(["--version"]) == set(COMMANDS)
    assert names([]) == set(COMMANDS)
    assert names(["audti"]) == set(COMMANDS)
    assert names(["-h", "audit"]) == set(COMMANDS)  # the root's help lists them all
    assert names(["audit", "--help"]) == {"audit"}


def test_unknown_command_suggests_the_right_one(cli: CliRun) -> None:
    run = cli("audti", "x.yaml")
    assert run.code == 2
    assert "Did you mean 'audit'" in run.err


def test_write_output_replaces_the_target_only_when_every_piece_is_written(
    tmp_path: Path,
) -> None:
    from collections.abc import Iterator

    from tma_audit.fileio import write_file as write_output

    target = tmp_path / "report.json"
    write_output(target, iter(["{", '"a": 1', "}\n"]))
    assert target.read_text(encoding="utf-8") == '{"a": 1}\n'

    def failing() -> Iterator[str]:
        yield "partial"
        raise RuntimeError("a renderer bug")

    with pytest.raises(RuntimeError):
        write_output(target, failing())
    assert target.read_text(encoding="utf-8") == '{"a": 1}\n'  # what was there is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no stray file


@pytest.mark.parametrize("closed", [">&-", "2>&-"])
def test_entry_point_with_a_closed_standard_stream(closed: str, tmp_path: Path) -> None:
    """Started with stdout or stderr closed (cron, daemons), the run still exits with
    its own code and writes its files."""
    out = tmp_path / "report.json"
    command = (
        f"{sys.executable} -m tma_audit audit {SMALL} --as-of {AS_OF} --format json "
        f"-o {out} --exit-zero {closed}"
    )
    proc = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "tma-audit-report"


def test_a_renderer_failure_midway_writes_nothing(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug while rendering exits 70 and leaves no partial report, on standard output
    or in a file."""
    from tma_audit import reports
    from tma_audit.reports import json_report

    real = json_report._outcome_json
    calls = [0]

    def failing(*args: Any) -> str:
        calls[0] += 1
        if calls[0] > 50:
            raise RuntimeError("renderer bug")
        return real(*args)

    monkeypatch.setattr(json_report, "_outcome_json", failing)
    monkeypatch.setattr(reports, "PIECE_LINES", 5)
    run = cli("audit", str(MIDSIZE), "--as-of", AS_OF, "--format", "json")
    assert run.code == 70
    assert run.out == ""
    assert "internal error" in run.err
    calls[0] = 0
    out = tmp_path / "report.json"
    run = cli("audit", str(MIDSIZE), "--as-of", AS_OF, "--format", "json", "-o", str(out))
    assert run.code == 70
    assert list(tmp_path.iterdir()) == []
