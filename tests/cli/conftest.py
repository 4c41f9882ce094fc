"""Run the real entry point in-process (exit codes, stdout, stderr)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tma_audit.cli import main


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
        with pytest.raises(SystemExit) as info:
            try:
                main()
            finally:
                gc.enable()  # main() switches the collector off for its batch run
        captured = capsys.readouterr()
        code = info.value.code
        return Run(code if isinstance(code, int) else 1, captured.out, captured.err)

    return run
