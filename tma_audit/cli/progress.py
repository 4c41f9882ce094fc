"""A one-line progress display on standard error for `waivers draft` and `inventory convert`.

Only when standard error is a terminal: pipes, files and CI logs never see it. Transient:
the line is gone when the command ends, and warnings printed meanwhile appear above it.
One task is updated in place (a step, and for counted steps a bar), so ten thousand
drafts cost ten thousand updates, not ten thousand tasks.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


def terminal_stream() -> TextIO:
    """Where the display goes (tests replace it with a stream that says it is a terminal)."""
    return sys.stderr


class Steps:
    """`with Steps() as steps: steps.step("Auditing"); steps.step("Rendering", total=n);
    steps.advance()`: nothing at all unless the stream is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else terminal_stream()
        self.on = self.stream.isatty()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._total: int | None = None
        self._done = 0

    def __enter__(self) -> Steps:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def step(self, description: str, total: int | None = None) -> None:
        """Start a step: a spinner, or with `total` a bar counting to it."""
        if not self.on:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[count]}"),  # "3/10"; blank for uncounted steps
                TimeElapsedColumn(),
                console=Console(file=self.stream, force_terminal=True),
                transient=True,
            )
            self._progress.start()
        self._total = total
        self._done = 0
        if self._task is None:
            self._task = self._progress.add_task(description, total=total, count=self._count())
        else:
            self._progress.reset(
                self._task, description=description, total=total, completed=0, count=self._count()
            )
        self._progress.refresh()  # each step is seen, however short; advances are throttled

    def _count(self) -> str:
        return "" if self._total is None else f"{self._done:,}/{self._total:,}"

    def advance(self, count: int = 1) -> None:
        if self._progress is not None and self._task is not None:
            self._done += count
            self._progress.update(self._task, advance=count, count=self._count())

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
            self._task = None
