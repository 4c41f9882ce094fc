"""The progress display of `waivers draft` and `inventory convert`: on a terminal only.

Standard error is replaced by a stream that says it is a terminal (a forced terminal);
the transient display writes its steps there and clears them at the end.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.cli.conftest import CliRun
from tests.importers.conftest import FIXTURES
from tma_audit.cli import progress

REPO = Path(__file__).resolve().parents[2]
MIDSIZE = REPO / "inventories" / "midsize" / "inventory.yaml"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    stream = Terminal()
    monkeypatch.setattr(progress, "terminal_stream", lambda: stream)
    return stream


def test_drafts_show_their_steps_on_a_terminal(
    cli: CliRun, tmp_path: Path, terminal: Terminal
) -> None:
    run = cli("waivers", "draft", str(MIDSIZE), "--as-of", "2026-11-26", "-o", str(tmp_path))
    assert run.code == 0, run.err
    shown = terminal.getvalue()
    for step in (
        "Reading the inventory",
        "Auditing 150 assets",
        "Planning the drafts",
        "Rendering the drafts",
        "0/1",  # drafts rendered, of all
        "Writing the register entries",
    ):
        assert step in shown, step
    assert "\x1b[" in shown  # drawn with terminal controls, and cleared (transient)
    assert "Rendering" not in run.out + run.err  # the report streams stay clean


def test_convert_shows_its_steps_on_a_terminal(
    cli: CliRun, tmp_path: Path, terminal: Terminal
) -> None:
    target = tmp_path / "client.yaml"
    run = cli("inventory", "convert", str(FIXTURES / "ad-ascii-us.csv"), "-o", str(target))
    assert run.code == 0, run.err
    shown = terminal.getvalue()
    assert "Converting 1 export(s)" in shown and "Writing 6 assets" in shown
    assert f"wrote {target}: 6 assets" in run.out


def test_no_display_when_standard_error_is_not_a_terminal(cli: CliRun, tmp_path: Path) -> None:
    run = cli("waivers", "draft", str(MIDSIZE), "--as-of", "2026-11-26", "-o", str(tmp_path))
    assert run.code == 0, run.err
    assert "Rendering" not in run.err and "\x1b[" not in run.err
    steps = progress.Steps(io.StringIO())
    steps.step("Counting", total=3)
    steps.advance()
    steps.stop()
    assert not steps.on
