"""The pre-commit hooks (.pre-commit-hooks.yaml, issue 15 §4), run by pre-commit itself in a
temporary git repository. Offline: the hooks are declared `repo: local` from this
checkout's .pre-commit-hooks.yaml with `language: system` and the entry from this
environment (a `language: python` hook would make pre-commit pip-install the checkout)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SMALL = ROOT / "inventories" / "small-office" / "inventory.yaml"
MIDSIZE = ROOT / "inventories" / "midsize"

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (BIN / "pre-commit").exists(),
    reason="needs git and pre-commit (the test extra)",
)


def _hooks() -> list[dict[str, object]]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    return hooks


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "client-repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    local = []
    for hook in _hooks():
        entry = str(hook["entry"])
        program, _, rest = entry.partition(" ")
        local.append({**hook, "language": "system", "entry": f"{BIN / program} {rest}"})
    config = {"repos": [{"repo": "local", "hooks": local}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    # the repository's settings, as a client's inventory repository would have them
    (repo / "tma-audit.toml").write_text('format = "markdown"\n', encoding="utf-8")
    return repo


def _pre_commit(repo: Path, tmp_path: Path, *files: str) -> subprocess.CompletedProcess[str]:
    _git(repo, "add", "-A")
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "NO_COLOR": "1",
        "TMA_AUDIT_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TMA_AUDIT_MSRC_URL": "http://127.0.0.1:9/msrc-not-served",
    }
    return subprocess.run(
        [str(BIN / "pre-commit"), "run", "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_hooks_file_declares_the_audit_and_the_waivers_lint_hook() -> None:
    hooks = {hook["id"]: hook for hook in _hooks()}
    assert set(hooks) == {"tma-audit", "tma-audit-waivers-lint"}
    assert hooks["tma-audit"]["entry"] == "tma-audit-hook audit"
    assert hooks["tma-audit-waivers-lint"]["entry"] == "tma-audit-hook waivers-lint"
    assert all(hook["language"] == "python" for hook in hooks.values())


def test_pre_commit_audits_each_changed_inventory_and_fails_on_findings(
    repo: Path, tmp_path: Path
) -> None:
    (repo / "a").mkdir()
    (repo / "b").mkdir()
    shutil.copy(SMALL, repo / "a" / "inventory.yaml")
    shutil.copy(MIDSIZE / "inventory.yaml", repo / "b" / "inventory.yaml")
    (repo / "notes.yaml").write_text("not: an inventory\n", encoding="utf-8")
    result = _pre_commit(repo, tmp_path, "a/inventory.yaml", "b/inventory.yaml", "notes.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "tma-audit audit" in result.stdout
    assert "Failed" in result.stdout
    # each inventory audited on its own, in the format the repository's tma-audit.toml sets
    assert result.stdout.count("## tma-audit: ") == 2
    assert "inventory a/inventory.yaml" in result.stdout
    assert "inventory b/inventory.yaml" in result.stdout
    assert "notes.yaml" not in result.stdout
    # the lint hook had no register to check
    assert "tma-audit waivers lint" in result.stdout
    assert "(no files to check)Skipped" in result.stdout


def test_pre_commit_lints_waiver_registers(repo: Path, tmp_path: Path) -> None:
    shutil.copy(MIDSIZE / "waivers.yaml", repo / "waivers.yaml")
    lint = _pre_commit(repo, tmp_path, "waivers.yaml")
    assert lint.returncode == 1
    assert "tma-audit waivers lint" in lint.stdout
    assert "- exit code: 1" in lint.stdout  # errors in the register (W-2026-006)
    assert "waivers.yaml:95: error: W-2026-006: missing justification" in lint.stdout
    (repo / "waivers.yaml").write_text("waivers: [1, 2\n", encoding="utf-8")
    broken = _pre_commit(repo, tmp_path, "waivers.yaml")
    assert broken.returncode == 1
    assert "- exit code: 2" in broken.stdout  # malformed: an input error
    assert "waivers.yaml" in broken.stdout
    assert "Traceback" not in broken.stdout


def test_hook_runs_each_file_and_returns_the_worst_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tma_audit.cli.hooks import run_hook

    broken = tmp_path / "inventory.yaml"
    broken.write_text("assets: [\n", encoding="utf-8")
    assert run_hook(["audit", "--as-of=2026-01-01", str(SMALL)]) == 1
    assert run_hook(["audit", "--as-of=2026-01-01", str(SMALL), str(broken)]) == 2
    assert run_hook(["audit"]) == 0  # no files: nothing to check
    assert run_hook(["nonsense", str(SMALL)]) == 2
    assert "usage: tma-audit-hook" in capsys.readouterr().err


#: a local package index (file://) pre-commit's pip installs this checkout from, offline
PIP_INDEX = os.environ.get("TMA_AUDIT_TEST_PIP_INDEX", "file:///opt/pypi/simple")


@pytest.mark.skipif(
    not PIP_INDEX.startswith("file://") or not Path(PIP_INDEX[len("file://") :]).is_dir(),
    reason="needs a local package index (TMA_AUDIT_TEST_PIP_INDEX=file:///…): never the network",
)
def test_language_python_hook_installs_this_checkout_and_audits(tmp_path: Path) -> None:
    """The hook as published (`language: python`): pre-commit builds its own virtualenv
    and pip-installs this checkout into it from the local index (~15 s)."""
    repo = tmp_path / "client-repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    # a copy: pip builds in the source tree, and the checkout stays as it was
    source = tmp_path / "tma-audit-src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "*.egg-info", "__pycache__", ".*_cache", "tests"
        ),
    )
    hook = {**_hooks()[0], "additional_dependencies": [str(source)]}
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    shutil.copy(SMALL, repo / "inventory.yaml")
    _git(repo, "add", "-A")
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_INDEX_URL": PIP_INDEX,
        "NO_COLOR": "1",
        "TMA_AUDIT_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TMA_AUDIT_MSRC_URL": "http://127.0.0.1:9/msrc-not-served",
    }
    for name in ("PIP_CONFIG_FILE", "PIP_FIND_LINKS", "PIP_CERT"):
        if name in os.environ:
            env[name] = os.environ[name]
    done = subprocess.run(
        [str(BIN / "pre-commit"), "run", "--files", "inventory.yaml"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "- hook id: tma-audit" in done.stdout
    assert "NOT COMPLIANT" in done.stdout  # the audit ran, in the hook's own environment
