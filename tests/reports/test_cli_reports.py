"""The CLI side of reports: several formats, destinations, gates, `plan`, progress."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.cli.conftest import CliRun
from tests.conftest import REPO
from tests.reports.conftest import GOLDEN, INVENTORIES
from tma_audit.cli.outputs import LONG_AUDIT_ASSETS, Progress, report_targets
from tma_audit.errors import InputError
from tma_audit.gate import FailOn, gating_findings, parse_fail_on
from tma_audit.model import AuditResult, Ruleset
from tma_audit.reports import FILE_NAMES, Format

AS_OF = "2026-11-26"
SMALL = str(INVENTORIES["small-office"])
MIDSIZE = str(INVENTORIES["midsize"])


def test_every_format_at_once_matches_the_golden_files(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    formats = ",".join(f.value for f in Format)
    run = cli("audit", SMALL, "--as-of", AS_OF, "-f", formats, "--output-dir", str(tmp_path / "r"))
    assert run.code == 1, run.err
    assert run.out == ""  # everything went to files
    written = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert written == sorted(FILE_NAMES.values())
    for fmt, name in FILE_NAMES.items():
        if fmt == Format.TABLE:  # its golden file is the 80-column terminal rendering
            assert "NOT COMPLIANT" in (tmp_path / "r" / name).read_text(encoding="utf-8")
            continue
        golden = GOLDEN / f"small-office.{name.split('.', 1)[1]}"
        assert (tmp_path / "r" / name).read_bytes() == golden.read_bytes(), fmt


def test_one_format_to_stdout_others_to_files(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    sarif = tmp_path / "scan.sarif"
    run = cli("audit", SMALL, "--as-of", AS_OF, "-f", "table,sarif", "-o", f"sarif={sarif}")
    assert run.code == 1
    assert "NOT COMPLIANT" in run.out and "Score 95.8%" in run.out
    assert sarif.read_bytes() == (GOLDEN / "small-office.sarif").read_bytes()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-f", "table,json"], "would all go to standard output"),
        (["-f", "table,json", "-o", "a.txt"], "give one FILE for one format"),
        (["-f", "json", "-o", "sarif=a.sarif"], "sarif is not one of --format"),
        (["-f", "json", "-o", "json="], "no file name"),
        (["-f", "json,pdf"], "'pdf' is not one of table, json, junit, sarif"),
        (["-f", " , "], "no format given"),
        (["--fail-on", "p5"], "neither any, low, medium, high, p1, p2, p3, p4"),
    ],
)
def test_bad_report_options_exit_2(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str
) -> None:
    monkeypatch.chdir(tmp_path)
    run = cli("audit", str(REPO / SMALL), "--as-of", AS_OF, *args)
    assert run.code == 2, (run.out, run.err)
    assert needle in run.err
    assert list(tmp_path.iterdir()) == []


def test_output_dir_that_is_a_file_is_an_error(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    run = cli("audit", str(REPO / SMALL), "-f", "json", "--output-dir", str(tmp_path / "file"))
    assert run.code == 2 and "not a directory" in run.err


def test_report_targets() -> None:
    formats = [Format.TABLE, Format.JSON, Format.SARIF]
    assert report_targets(formats, ["json=j.json"], Path("out")) == {
        Format.TABLE: Path("out/tma-audit.txt"),
        Format.JSON: Path("j.json"),
        Format.SARIF: Path("out/tma-audit.sarif"),
    }
    assert report_targets([Format.JSON], ["r.json"], None) == {Format.JSON: Path("r.json")}
    assert report_targets([Format.HTML], None, None) == {Format.HTML: None}
    with pytest.raises(InputError):
        report_targets(formats, ["sarif=s.sarif"], None)


def test_exit_zero_still_writes_reports(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    out = tmp_path / "r.json"
    run = cli("audit", SMALL, "--as-of", AS_OF, "-f", "json", "-o", str(out), "--exit-zero")
    assert run.code == 0 and out.read_bytes() == (GOLDEN / "small-office.json").read_bytes()
    assert cli("audit", "missing.yaml", "--exit-zero").code == 2  # errors are still errors


@pytest.mark.parametrize(
    ("spec", "code"),
    [("p1", 0), ("p2", 0), ("p3", 1), ("p4", 1), ("high", 1), ("p1,MS-4", 1), ("p2,SC-4", 0)],
)
def test_fail_on_priority(cli: CliRun, spec: str, code: int) -> None:
    # the small office has four P3 findings (MS-3, SC-7 on one desktop, MS-4 on a notebook,
    # and MS-4 for the environment, which restates that notebook's: its urgency, low)
    run = cli("audit", str(REPO / SMALL), "--as-of", AS_OF, "--fail-on", spec, "-f", "json")
    assert run.code == code, run.err


def test_gate_counts_each_finding_once(midsize: AuditResult, ruleset: Ruleset) -> None:
    everything = gating_findings(midsize, FailOn())
    assert everything == 90  # MS-4 for the environment restates its devices' (a P3)
    assert gating_findings(midsize, parse_fail_on("p4", ruleset)) == everything
    assert gating_findings(midsize, parse_fail_on("p1", ruleset)) == 1
    assert gating_findings(midsize, parse_fail_on("p2", ruleset)) == 6
    # a rule listed and a priority threshold together count its findings once
    assert gating_findings(midsize, parse_fail_on("p1,MS-5", ruleset)) == 1
    assert parse_fail_on("p3,p2", ruleset).priority == 3  # the wider threshold wins


def test_plan_command_exports_psa_rows(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    run = cli("plan", MIDSIZE, "--as-of", AS_OF, "--format", "csv")
    assert run.code == 0, run.err
    assert run.out == (GOLDEN / "midsize.plan.csv").read_bytes().decode("utf-8")
    out = tmp_path / "plan.csv"
    assert cli("plan", SMALL, "--as-of", AS_OF, "-o", str(out)).code == 0
    assert out.read_bytes() == (GOLDEN / "small-office.plan.csv").read_bytes()
    table = cli("plan", SMALL, "--as-of", AS_OF, "-f", "table")
    assert "W-001" in table.out and "Remediation plan: 3 work items" in table.out
    assert cli("plan", "--help").code == 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_and_for_long_audits() -> None:
    quiet = io.StringIO()
    progress = Progress(quiet, long=True)
    progress.step("Auditing")
    progress.stop()
    assert quiet.getvalue() == "" and not progress.active  # not a terminal

    short = _Terminal()
    progress = Progress(short)
    progress.step("Auditing 15 assets", assets=15)
    assert not progress.active and short.getvalue() == ""  # a short audit

    terminal = _Terminal()
    progress = Progress(terminal)
    progress.step("Reading the inventory")
    assert not progress.active
    progress.step("Auditing many assets", assets=LONG_AUDIT_ASSETS)
    assert progress.active
    progress.step("Rendering the json report")
    progress.stop()
    assert not progress.active
    assert "Rendering the json report" in terminal.getvalue()


def test_no_progress_in_ci_logs(cli: CliRun) -> None:
    run = cli("audit", str(REPO / SMALL), "--as-of", AS_OF, "-f", "json")
    assert "Auditing" not in run.err and "\x1b[" not in run.err
