"""Where reports go: `--format a,b`, `--output [FORMAT=]FILE`, `--output-dir`; progress.

Only the CLI writes: renderers return text, and this module decides each format's
destination, renders, writes files atomically and prints at most one report to
standard output (after any progress display has gone).
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

import typer

from tma_audit.cli.progress import Steps
from tma_audit.errors import InputError
from tma_audit.reports import FORMATS, REPORT_WIDTH, Format, GroupBy, RenderOptions

if TYPE_CHECKING:
    from tma_audit.cli.common import Voice
    from tma_audit.model import AuditResult

#: An inventory file at least this large makes a long audit: show progress from the start.
LONG_INVENTORY_BYTES = 1_000_000
#: Or this many assets, once loaded.
LONG_AUDIT_ASSETS = 5_000

FORMAT_HELP = (
    "Report format(s), comma-separated: "
    + ", ".join(f.value for f in Format)
    + ". Several need --output-dir or --output FORMAT=FILE (one may go to standard output)."
)
OUTPUT_DIR_HELP = (
    "Write each format into DIR (created if missing) as tma-audit.<ext>: "
    + ", ".join(FORMATS[f].extension for f in Format)
    + "."
)


def parse_formats(text: str) -> list[Format]:
    """`table,json,sarif` → the formats, in order, without repeats (a usage error if bad)."""
    return parse_format_list(text, Format)


def report_targets(
    formats: Sequence[Format], outputs: Sequence[str] | None, output_dir: Path | None
) -> dict[Format, Path | None]:
    """Each format's file, or None for standard output (at most one format; `-` is
    standard output too). Two formats to one file are a usage error."""
    return format_targets(formats, outputs, output_dir, lambda f: FORMATS[f].file_name)


#: a command's own format enum (audit's Format, diff's, portfolio's)
F = TypeVar("F", bound=StrEnum)


def parse_format_list(text: str, kind: type[F]) -> list[F]:
    """`a,b` → the formats of the enum, in order, without repeats (a usage error if bad)."""
    formats: list[F] = []
    for raw in text.split(","):
        item = raw.strip().lower()
        if not item:
            continue
        try:
            fmt = kind(item)
        except ValueError:
            known = ", ".join(f.value for f in kind)
            raise typer.BadParameter(
                f"{raw.strip()!r} is not one of {known}", param_hint="'--format' / '-f'"
            ) from None
        if fmt not in formats:
            formats.append(fmt)
    if not formats:
        raise typer.BadParameter("no format given", param_hint="'--format' / '-f'")
    return formats


def format_targets(
    formats: Sequence[F],
    outputs: Sequence[str] | None,
    output_dir: Path | None,
    file_name: Callable[[F], str],
) -> dict[F, Path | None]:
    """Each format's file (`--output [FORMAT=]FILE`, else `file_name(format)` in
    `--output-dir`), or None for standard output (at most one format; `-` is standard
    output too). Two formats to one file are a usage error."""
    explicit, plain = _outputs(formats, outputs or ())
    if plain:
        rest = [f for f in formats if f not in explicit]
        if len(plain) > 1 or len(rest) != 1:
            raise InputError(
                "give one FILE for one format; with several formats use --output-dir DIR "
                "or --output FORMAT=FILE",
                field="--output",
            )
        explicit[rest[0]] = plain[0]
    if output_dir is not None and output_dir.exists() and not output_dir.is_dir():
        raise InputError("not a directory", file=str(output_dir), field="--output-dir")
    targets: dict[F, Path | None] = {}
    for fmt in formats:
        if fmt in explicit:
            targets[fmt] = explicit[fmt]
        elif output_dir is not None:
            targets[fmt] = output_dir / file_name(fmt)
        else:
            targets[fmt] = None
    to_stdout = [f.value for f, path in targets.items() if path is None]
    if len(to_stdout) > 1:
        raise InputError(
            f"{', '.join(to_stdout)} would all go to standard output: give --output-dir DIR "
            "or --output FORMAT=FILE",
            field="--format",
        )
    _refuse_shared_files(targets)
    return targets


def _outputs(
    formats: Sequence[F], outputs: Sequence[str]
) -> tuple[dict[F, Path | None], list[Path | None]]:
    """The `--output FORMAT=FILE` values by format, and the plain `--output FILE` ones
    (None: standard output)."""
    from tma_audit.fileio import is_stdout_name

    names = {f.value: f for f in formats}
    every = {f.value for f in type(formats[0])} if formats else set()
    explicit: dict[F, Path | None] = {}
    plain: list[Path | None] = []
    for value in outputs:
        name, sep, path = value.partition("=")
        key = name.strip().lower()
        if not sep or key not in every:
            plain.append(None if is_stdout_name(value) else Path(value))
            continue
        fmt = names.get(key)
        if fmt is None:
            raise InputError(f"{value}: {key} is not one of --format", field="--output")
        if not path:
            raise InputError(f"{value}: no file name after '='", field="--output")
        if fmt in explicit:
            raise InputError(f"{value}: a second --output for {fmt.value}", field="--output")
        explicit[fmt] = None if is_stdout_name(path) else Path(path)
    return explicit, plain


def _refuse_shared_files(targets: dict[F, Path | None]) -> None:
    """Two formats written to one file would keep only the last: a usage error."""
    seen: dict[object, F] = {}
    for fmt, path in targets.items():
        if path is None:
            continue
        try:
            info = path.stat()
            key: object = (info.st_dev, info.st_ino)
        except OSError:
            key = path.resolve()
        if key in seen:
            raise InputError(
                f"{seen[key].value} and {fmt.value} would both be written to {path}: give "
                "each format its own file",
                field="--output",
            )
        seen[key] = fmt


def check_report_targets(targets: dict[Format, Path | None], output_dir: Path | None) -> None:
    """Before anything is rendered or written: every file can be written, none is an input
    of this run (call once every input has been read)."""
    from tma_audit.fileio import check_target

    for path in targets.values():
        if path is None:
            continue
        in_dir = _in_output_dir(path, output_dir)
        if in_dir and not (output_dir is not None and output_dir.is_dir()):
            continue  # the directory is made later: nothing there yet
        check_target(path, field="--output-dir" if in_dir else "--output")


def report_voice(targets: dict[Format, Path | None], *, quiet: bool, verbose: bool) -> Voice:
    """What `audit` says besides its reports. `--quiet` drops a table meant for standard
    output (the command prints the verdict line instead). A table or Markdown report on
    the terminal shows the data warnings as notes: once is enough when standard error
    is that terminal too."""
    from tma_audit.cli.common import Voice, same_terminal

    voice = Voice(quiet=quiet, verbose=verbose)
    if quiet and Format.TABLE in targets and targets[Format.TABLE] is None:
        del targets[Format.TABLE]
    voice.warnings_in_report = same_terminal() and any(
        path is None for fmt, path in targets.items() if fmt in (Format.TABLE, Format.MARKDOWN)
    )
    for fmt, path in targets.items():
        voice.detail(f"{fmt.value} report -> {path if path is not None else 'standard output'}")
    return voice


def make_output_dir(output_dir: Path | None) -> None:
    """Create `--output-dir` (and its parents) if it is given and missing."""
    if output_dir is None:
        return
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create: {exc.strerror}", file=str(output_dir), field="--output-dir"
        ) from None


def _in_output_dir(path: Path, output_dir: Path | None) -> bool:
    return output_dir is not None and path.parent == output_dir


def find_sarif_root(inventory: Path) -> Path:
    """The SARIF root by default: the nearest folder at or above the inventory that holds
    `.git` (a repository or worktree), else the working directory; absolute."""
    start = inventory.absolute().parent
    for folder in (start, *start.parents):
        try:
            if (folder / ".git").exists():
                return folder
        except OSError:  # a folder we may not look into: not the repository's root
            continue
    return Path.cwd()


#: What each format costs to render, relative to the others (seconds for 35,000 realistic
#: assets, `benchmarks/bench_reports.py`): how files are shared between two processes.
RENDER_COST: dict[Format, float] = {
    Format.TABLE: 0.65,
    Format.JSON: 0.67,
    Format.JUNIT: 2.4,
    Format.SARIF: 1.4,
    Format.MARKDOWN: 0.08,
    Format.HTML: 2.1,
    Format.CSV: 1.06,
}
#: Subjects from which rendering several files is worth a second process (forking a
#: large process costs tens of milliseconds).
FORK_SUBJECTS = 20_000


def write_reports(
    result: AuditResult,
    targets: dict[Format, Path | None],
    *,
    output_dir: Path | None,
    group_by: GroupBy,
    progress: Progress,
    sarif_root: Path | None = None,
) -> None:
    """Render every format; write the files; then print the one for standard output.

    A large audit with several files to write, on a machine with two cores or more,
    renders some of the files in a forked process (`cli/forked.py`) while this one
    renders the rest: the same files, in about half the time.
    """
    from tma_audit.fileio import write_stdout

    check_report_targets(targets, output_dir)
    make_output_dir(output_dir)
    render = _Render(result, output_dir, group_by, sarif_root)
    elsewhere = _second_share(result, targets)
    forked = None
    if elsewhere:
        from tma_audit.cli.forked import Forked
        from tma_audit.plan import analyse

        analyse(result)  # once, shared: every renderer starts from it (plan.analyse keeps it)

        def render_elsewhere() -> None:
            for fmt in elsewhere:
                render(fmt, targets[fmt])

        forked = Forked(render_elsewhere)
    stdout_content: list[str] | None = None
    try:
        for fmt, path in targets.items():
            if fmt in elsewhere:
                continue
            progress.step(f"Rendering the {fmt.value} report")
            content = render(fmt, path)
            if content is not None:
                stdout_content = content
        if forked is not None:
            progress.step("Rendering the " + ", ".join(f.value for f in elsewhere) + " reports")
            forked.join()
    except BaseException:
        if forked is not None:
            forked.cancel()
        raise
    progress.stop()
    if stdout_content is not None:
        write_stdout(stdout_content)


def _second_share(result: AuditResult, targets: dict[Format, Path | None]) -> list[Format]:
    """The formats a second process renders: none for a small audit, one file, one core,
    or too little memory to spare (`forked.memory_to_spare`); else machine formats going
    to files, about half the work by `RENDER_COST`. The table stays here (rich, which
    draws the progress display, is not used across a fork)."""
    from tma_audit.cli.forked import CAN_FORK, memory_to_spare

    files = [fmt for fmt, path in targets.items() if path is not None and fmt != Format.TABLE]
    if (
        not CAN_FORK
        or len(result.results) < FORK_SUBJECTS
        or len(targets) < 2
        or not files
        or len(os.sched_getaffinity(0)) < 2
        or not memory_to_spare()
    ):
        return []
    here = sum(RENDER_COST[fmt] for fmt in targets if fmt not in files)
    there = 0.0
    share: list[Format] = []
    for fmt in sorted(files, key=RENDER_COST.__getitem__, reverse=True):  # to the lighter
        if there < here:
            share.append(fmt)
            there += RENDER_COST[fmt]
        else:
            here += RENDER_COST[fmt]
    return [fmt for fmt in targets if fmt in share]


class _Render:
    """Renders one format to its file (None), or for standard output (its pieces)."""

    def __init__(
        self,
        result: AuditResult,
        output_dir: Path | None,
        group_by: GroupBy,
        sarif_root: Path | None,
    ) -> None:
        from tma_audit import __version__

        self.result = result
        self.output_dir = output_dir
        self.group_by = group_by
        self.sarif_root = sarif_root
        self.version = __version__

    def __call__(self, fmt: Format, path: Path | None) -> list[str] | None:
        from tma_audit.cli.common import terminal_width, use_color
        from tma_audit.fileio import write_file
        from tma_audit.reports import get_chunk_renderer
        from tma_audit.safetext import for_terminal

        spec = FORMATS[fmt]
        to_terminal = path is None and sys.stdout.isatty()
        sarif_root = self.sarif_root
        options = RenderOptions(
            width=terminal_width() if path is None else REPORT_WIDTH,
            color=spec.for_terminal and path is None and use_color(to_terminal),
            group_by=self.group_by,
            tool_version=self.version,
            sarif_root=None if sarif_root is None else str(sarif_root),
            working_dir=None if sarif_root is None else str(Path.cwd()),
        )
        # pieces: a large JSON report goes to its file without ever being whole in
        # memory; standard output gets it only once it is all rendered (a failure
        # midway prints nothing, as for a file)
        content = get_chunk_renderer(fmt)(self.result, options)
        if path is None:
            pieces = list(content)
            if to_terminal and not spec.for_terminal:
                # a machine format read on a terminal: its text (the table's is
                # already clean, and its colours must stay)
                pieces = [for_terminal(piece) for piece in pieces]
            return pieces
        in_dir = _in_output_dir(path, self.output_dir)
        write_file(path, content, field="--output-dir" if in_dir else "--output")
        return None


class Progress(Steps):
    """The progress display (`cli/progress.Steps`) for an audit: on standard error, and
    only when it is a terminal and the audit is long (a large inventory file, or many
    assets once loaded): CI logs, pipes and short audits never see it."""

    def __init__(self, stream: TextIO | None = None, *, long: bool = False) -> None:
        super().__init__(stream)
        self.long = long

    @classmethod
    def for_inventory(cls, inventory: Path, stream: TextIO | None = None) -> Progress:
        try:
            size = inventory.stat().st_size
        except OSError:
            size = 0
        return cls(stream, long=size >= LONG_INVENTORY_BYTES)

    def step(
        self, description: str, total: int | None = None, *, assets: int | None = None
    ) -> None:
        """Start a phase (finishing the previous one), once the audit is known to be long."""
        if assets is not None and assets >= LONG_AUDIT_ASSETS:
            self.long = True
        if not self.long:
            return
        started = self.active
        super().step(description, total)
        if self.active and not started:
            atexit.register(self.stop)  # a failure midway still clears the display

    @property
    def active(self) -> bool:
        return self._progress is not None
