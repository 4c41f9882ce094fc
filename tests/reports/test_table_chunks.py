"""The table report in pieces: cut after line ends, the same text as whole."""

from __future__ import annotations

import dataclasses

import pytest

from tma_audit.model import AuditResult
from tma_audit.reports import GroupBy, table

from .conftest import OPTIONS


@pytest.mark.parametrize("group_by", list(GroupBy))
@pytest.mark.parametrize("color", [False, True])
def test_pieces_join_to_the_whole_report(
    midsize: AuditResult, monkeypatch: pytest.MonkeyPatch, group_by: GroupBy, color: bool
) -> None:
    options = dataclasses.replace(OPTIONS, group_by=group_by, color=color, width=72)
    whole = table.render_table(midsize, options)
    assert list(table.table_chunks(midsize, options)) == [whole]  # small: one piece
    monkeypatch.setattr(table, "CHUNK_CHARS", 300)
    pieces = list(table.table_chunks(midsize, options))
    assert len(pieces) > 5
    assert "".join(pieces) == whole
    assert all(piece.endswith("\n") for piece in pieces[:-1])  # cut after a line end
    assert all(len(line) == len(line.rstrip()) for line in whole.split("\n"))
