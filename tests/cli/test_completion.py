"""Shell completion (typer's --show-completion / --install-completion, issue 15 §4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import CliRun

TMA_AUDIT = Path(sys.executable).parent / "tma-audit"


def test_show_completion_bash_prints_a_completion_script(cli: CliRun) -> None:
    run = cli("--show-completion", "bash")
    assert run.code == 0
    assert "_TMA_AUDIT_COMPLETE=complete_bash" in run.out
    assert "complete -o default -F _tma_audit_completion tma-audit" in run.out


def test_root_help_lists_the_completion_options(cli: CliRun) -> None:
    run = cli("--help")
    assert run.code == 0
    assert "--install-completion" in run.out
    assert "--show-completion" in run.out


def _complete(words: str, cword: int) -> list[str]:
    env = {
        **os.environ,
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
        "_TMA_AUDIT_COMPLETE": "complete_bash",
    }
    done = subprocess.run(
        [str(TMA_AUDIT)], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.split()


def test_completion_completes_commands_and_their_options() -> None:
    assert _complete("tma-audit au", 1) == ["audit"]
    assert "config" in _complete("tma-audit co", 1)
    assert _complete("tma-audit audit --fail", 2) == ["--fail-on"]
