"""Run the real entry point in-process (exit codes, stdout, stderr)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tma_audit.cli import run as run_cli


@dataclass
class Run:
    code: int
    out: str
    err: str


CliRun = Callable[..., Run]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRun:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")

    def run(*args: str) -> Run:
        monkeypatch.setattr(sys, "argv", ["tma-audit", *args])
        code = run_cli()
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
