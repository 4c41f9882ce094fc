"""Check plugins (docs/plugins.md): the `tma_audit.checks` entry-point group, in process
(entry points injected) and the example package installed into a temporary venv."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import textwrap
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from tests.cli.conftest import CliRun
from tma_audit.rules import plugins
from tma_audit.rules.registry import get_checks

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "plugin-example"
EXAMPLE_RULES = EXAMPLE / "ruleset.yaml"
SMALL = REPO / "inventories" / "small-office" / "inventory.yaml"
AS_OF = "2026-11-26"


@pytest.fixture(autouse=True)
def _no_plugins_left(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts and ends with only the built-in checks registered."""
    monkeypatch.delenv(plugins.ENV_OPT_OUT, raising=False)
    plugins.forget_plugins()
    yield
    plugins.forget_plugins()
    for name in [m for m in sys.modules if m.startswith(("tma_audit_acme", "plug_"))]:
        del sys.modules[name]


def _install(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    dist: str,
    entry: str,
    *,
    source: Path | None = None,
    module: str = "",
    code: str = "",
) -> None:
    """Make `dist` an installed distribution whose `tma_audit.checks` entry point is
    `entry`, and inject it as the only entry point of the group (importlib.metadata)."""
    if source is None:
        source = tmp_path / "src"
        source.mkdir(exist_ok=True)
        (source / f"{module}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    monkeypatch.syspath_prepend(str(source))
    info = tmp_path / "site" / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[{plugins.GROUP}]\n{entry}\n", encoding="utf-8")
    site = str(tmp_path / "site")

    def entry_points(*, group: str) -> list[metadata.EntryPoint]:
        return [
            ep
            for d in metadata.distributions(path=[site])
            for ep in d.entry_points
            if ep.group == group
        ]

    monkeypatch.setattr(metadata, "entry_points", entry_points)


def _example(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _install(
        monkeypatch,
        tmp_path,
        "tma-audit-acme-checks",
        "acme = tma_audit_acme.checks",
        source=EXAMPLE,
    )


def _plugin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, code: str) -> None:
    header = (
        "from tma_audit.model import Outcome, SubjectType, Verdict\n"
        "from tma_audit.rules.registry import ParamSpec, check\n"
    )
    _install(
        monkeypatch, tmp_path, "plug-bad", "bad = plug_bad", module="plug_bad", code=header + code
    )


def _ruleset(tmp_path: Path, check: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            extends: default
            rules:
              - id: X-1
                title: A plugin's rule
                clauses: [{{ref: X 1, text: The plugin's clause.}}]
                applies_to: {{subjects: [asset]}}
                check: {check}
                impact: low
                remediation: {{text: Fix it., payer: minor-change, effort_hours: 1}}
                waiver: The client accepts it.
            """
        ),
        encoding="utf-8",
    )
    return path


def test_example_plugin_checks_an_audit(
    cli: CliRun, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _example(monkeypatch, tmp_path)
    run = cli("audit", str(SMALL), "--as-of", AS_OF, "-r", str(EXAMPLE_RULES), "-f", "json")
    assert run.code == 1, run.err
    report = json.loads(run.out)
    text = json.dumps(report)
    assert "ACME-1" in text and "ACME-2" in text
    assert "days ago (more than 30)" in text  # the plugin's own reason, a fail
    spec = get_checks()["acme_patched_within"]
    assert spec.plugin is not None and spec.plugin.distribution == "tma-audit-acme-checks"


def test_rules_list_and_show_name_the_origin(
    cli: CliRun, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _example(monkeypatch, tmp_path)
    listed = cli("rules", "list", "-r", str(EXAMPLE_RULES))
    assert listed.code == 0, listed.err
    lines = listed.out.splitlines()
    assert any(
        line.split()
        == ["acme_patched_within", "plugin", "tma-audit-acme-checks", "1.2.3:", "ACME-1"]
        for line in lines
    )
    assert any(line.split()[:3] == ["backup_solution", "built-in:", "MS-5"] for line in lines)
    data = json.loads(cli("rules", "list", "-r", str(EXAMPLE_RULES), "--json").out)
    by_name = {c["name"]: c for c in data["checks"]}
    assert by_name["acme_patched_within"]["plugin"] == {
        "distribution": "tma-audit-acme-checks",
        "version": "1.2.3",
        "entry_point": "acme = tma_audit_acme.checks",
    }
    assert by_name["acme_patched_within"]["params"]["max_days"]["default"] == 30
    assert by_name["backup_solution"]["origin"] == "built-in"
    show = cli("rules", "show", "ACME-1", "-r", str(EXAMPLE_RULES))
    assert "Check: acme_patched_within (plugin tma-audit-acme-checks 1.2.3)" in show.out
    shown = json.loads(cli("rules", "show", "ACME-2", "-r", str(EXAMPLE_RULES), "--json").out)
    assert shown["check"]["origin"] == "plugin" and shown["id"] == "ACME-2"


def test_plugins_load_only_when_a_ruleset_needs_one(
    cli: CliRun, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked: list[str] = []

    def entry_points(*, group: str) -> list[metadata.EntryPoint]:
        asked.append(group)
        return []

    monkeypatch.setattr(metadata, "entry_points", entry_points)
    assert cli("audit", str(SMALL), "--as-of", AS_OF, "-f", "json").code == 1
    assert asked == []  # the default ruleset names built-in checks only
    run = cli("audit", str(SMALL), "--as-of", AS_OF, "-r", str(_ruleset(tmp_path, "nope")))
    assert run.code == 2 and asked == [plugins.GROUP]
    assert "unknown check 'nope'" in run.err


def test_opt_out_loads_no_plugin(
    cli: CliRun, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _example(monkeypatch, tmp_path)
    monkeypatch.setenv(plugins.ENV_OPT_OUT, "1")
    run = cli("audit", str(SMALL), "--as-of", AS_OF, "-r", str(EXAMPLE_RULES))
    assert run.code == 2
    assert "unknown check 'acme_patched_within'" in run.err
    assert "plugins are off: TMA_AUDIT_NO_PLUGINS" in run.err
    listed = cli("rules", "list")
    assert "acme_" not in listed.out and "built-in" in listed.out


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("raise ImportError('no module named acme_backend')\n", "ImportError: no module named"),
        (
            "@check('backup_solution', subjects={SubjectType.ASSET})\n"
            "def clash(subject, ctx):\n    return Verdict(Outcome.PASS, 'ok')\n",
            "check 'backup_solution' is already registered (built-in)",
        ),
        (
            "@check('plug_days', subjects={SubjectType.ASSET},"
            " params={'days': ParamSpec('int', 'thirty', 'Days.')})\n"
            "def days(subject, ctx):\n    return Verdict(Outcome.PASS, 'ok')\n",
            "parameter 'days': default 'thirty' is not of type int",
        ),
        (
            "@check('plug_days', subjects={SubjectType.ASSET},"
            " params={'days': ParamSpec('integer', 3, 'Days.')})\n"
            "def days(subject, ctx):\n    return Verdict(Outcome.PASS, 'ok')\n",
            "unknown type 'integer'",
        ),
        (
            "@check('plug_days', subjects={SubjectType.ASSET},"
            " params={'days': ParamSpec('int', 0, 'Days.', minimum=1)})\n"
            "def days(subject, ctx):\n    return Verdict(Outcome.PASS, 'ok')\n",
            "default 0 outside 1..inf",
        ),
        ("X = 1\n", "registered no check"),
        (
            "@check('plug days', subjects={SubjectType.ASSET})\n"
            "def days(subject, ctx):\n    return Verdict(Outcome.PASS, 'ok')\n",
            "check name 'plug days' is not one word",
        ),
    ],
    ids=[
        "import-error",
        "clash",
        "bad-default",
        "bad-type",
        "default-below-minimum",
        "no-check",
        "bad-name",
    ],
)
def test_a_plugin_that_cannot_load_is_an_input_error(
    cli: CliRun, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, code: str, expected: str
) -> None:
    _plugin(monkeypatch, tmp_path, code)
    run = cli("rules", "list")
    assert run.code == 2, run.err
    assert "check plugin plug-bad 1.2.3 (entry point 'bad = plug_bad')" in run.err
    assert expected in run.err
    assert "Traceback" not in run.err
    assert "plug_days" not in get_checks()  # nothing half-registered


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("    raise KeyError('serial')\n", "check 'plug_x' raised KeyError: 'serial'"),
        ("    return 'pass'\n", "check 'plug_x' returned str, not a Verdict"),
        ("    return Verdict(Outcome.WAIVED, 'waived')\n", "returned outcome"),
        ("    return Verdict(Outcome.FAIL, ' ')\n", "returned a fail verdict without a reason"),
    ],
    ids=["raises", "not-a-verdict", "waived", "no-reason"],
)
def test_a_plugin_check_that_misbehaves_is_a_data_error(
    cli: CliRun, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, body: str, expected: str
) -> None:
    _plugin(
        monkeypatch,
        tmp_path,
        "@check('plug_x', subjects={SubjectType.ASSET})\ndef plug_x(subject, ctx):\n" + body,
    )
    run = cli("audit", str(SMALL), "--as-of", AS_OF, "-r", str(_ruleset(tmp_path, "plug_x")))
    assert run.code == 3, run.err
    assert "plugin plug-bad 1.2.3 (entry point 'bad = plug_bad')" in run.err
    assert expected in run.err
    assert "Traceback" not in run.err


def test_help_does_not_import_the_plugin_loader() -> None:
    """`tma-audit --help` stays fast: no plugin (nor the check registry) is loaded."""
    code = (
        "import sys, time\nt = time.perf_counter()\nfrom tma_audit.cli import run\n"
        "sys.argv = ['tma-audit', '--help']\n"
        "try:\n    run()\nfinally:\n"
        "    loaded = [m for m in ('tma_audit.rules.plugins', 'tma_audit.rules.checks')"
        " if m in sys.modules]\n"
        "    print('LOADED', loaded, file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "LOADED []" in out.stderr


def _host_venv(tmp_path: Path) -> Path:
    """A temporary venv with pip and a setuptools that builds wheels, seeded offline
    from virtualenv's bundled wheels, that sees this test venv's packages (tma-audit)."""
    pytest.importorskip("virtualenv", reason="virtualenv (via pre-commit) seeds the venv offline")
    venv = tmp_path / "venv"
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "virtualenv",
            "-q",
            "--no-download",
            "--no-periodic-update",
            "--app-data",
            str(tmp_path / "app-data"),
            str(venv),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot make a venv offline: {made.stderr.strip()[-300:]}")
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    host = sysconfig.get_paths()["purelib"]
    # after the venv's own site-packages, so its setuptools wins; tma-audit comes from here
    (Path(purelib) / "zz_tma_audit_host.pth").write_text(
        f"import site; site.addsitedir({host!r})\n", encoding="utf-8"
    )
    return python


def test_example_package_installs_into_a_venv(tmp_path: Path) -> None:
    python = _host_venv(tmp_path)
    source = tmp_path / "plugin-example"  # a copy: the build leaves nothing in the repo
    subprocess.run(["cp", "-r", str(EXAMPLE), str(source)], check=True)
    started = time.monotonic()
    installed = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-index",
            "--no-build-isolation",
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if installed.returncode != 0:
        pytest.skip(f"the example cannot be built offline here: {installed.stderr[-400:]}")
    assert time.monotonic() - started < 300

    def tma(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), "-m", "tma_audit", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "COLUMNS": "100"},
        )

    listed = tma("rules", "list", "--json", "-r", str(EXAMPLE_RULES))
    assert listed.returncode == 0, listed.stderr
    checks = {c["name"]: c for c in json.loads(listed.stdout)["checks"]}
    assert checks["acme_backup_covered"]["plugin"]["distribution"] == "tma-audit-acme-checks"
    assert checks["acme_backup_covered"]["plugin"]["version"] == "1.0.0"
    audit = tma("audit", str(SMALL), "--as-of", AS_OF, "-r", str(EXAMPLE_RULES), "-f", "json")
    assert audit.returncode == 1, audit.stderr
    assert "ACME-1" in audit.stdout
