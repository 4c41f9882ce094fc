"""`batch_mode()`: the one switch of the cyclic garbage collector (the CLI's use of it:
tests/waivers/test_cli.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tma_audit.batch import batch_mode


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_batch_mode_switches_the_collector_off_and_back() -> None:
    with batch_mode():
        assert not gc.isenabled()
        with batch_mode(collect_cycles=True):
            assert gc.isenabled()
        assert not gc.isenabled()  # the inner block restored the outer state
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_batch_mode_restores_the_collector_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError), batch_mode():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(RuntimeError), batch_mode(collect_cycles=True):
            raise RuntimeError("boom")
        assert not gc.isenabled()
    finally:
        gc.enable()
