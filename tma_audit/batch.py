"""The one switch of the cyclic garbage collector: `batch_mode()`.

A run of tma-audit is a short batch that builds hundreds of thousands of small, acyclic
records (assets, subjects, verdicts): the cyclic collector would only rescan them (a
third of the run time on 35,000 assets), while reference counting frees them as usual.
So the CLI runs every command in `batch_mode()`. The one phase that makes cycles,
rendering waiver drafts (reportlab's documents are full of them: 1,000 drafts would keep
~350 MB), runs in `batch_mode(collect_cycles=True)`. Each restores the collector's state
on the way out.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def batch_mode(*, collect_cycles: bool = False) -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (on with `collect_cycles`);
    its earlier state is back afterwards, also when the block raises."""
    was_enabled = gc.isenabled()
    if collect_cycles:
        gc.enable()
    else:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()
