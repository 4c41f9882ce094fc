"""The command line: parse, call the core, write, exit. No business logic here."""

from __future__ import annotations

import sys
from typing import Any

from tma_audit.errors import ExitCode, TmaError


def main() -> None:
    """Console-script entry point (`tma-audit`, `python -m tma_audit`).

    Runs the command, then ends the process without tearing the interpreter down:
    freeing a large audit's few million objects one by one at exit took a tenth of
    a second for 35,000 assets, and nothing is left to do by then (reports are
    written and closed; standard streams and exit handlers are flushed here).
    """
    import os
    from pathlib import Path

    from tma_audit.batch import batch_mode

    # Started with standard output or error closed (`>&-`, some cron and daemon
    # set-ups), Python has None for it: what would be printed there goes nowhere.
    if sys.stdout is None:
        sys.stdout = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115 - to exit
    if sys.stderr is None:
        sys.stderr = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115 - to exit
    # The collector stays off to the end (the process exits inside the block): switched
    # back on, its first pass would scan every object the run made (~50 ms at 35,000
    # assets) just before exit.
    with batch_mode():
        _fast_exit(run())


def run(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code; never a traceback.

    typer (in standalone mode) turns usage errors into exit code 2 and `typer.Exit`
    into its code; our own errors carry their exit code; anything else is a bug.
    The cyclic garbage collector is off while the command runs (`batch_mode`) and as
    it was after.
    """
    import errno
    import signal

    from tma_audit.batch import batch_mode
    from tma_audit.cli.app import invoke
    from tma_audit.fileio import forget_inputs

    forget_inputs()  # no file has been read by this run yet (tests run many in one process)
    # SIGTERM unwinds like an interrupt: a write in progress removes its temporary file
    previous = _on_sigterm(signal.SIGTERM)
    try:
        try:
            with batch_mode():
                invoke(sys.argv[1:] if argv is None else argv, argv)
        finally:
            _flush_stdout()
    except SystemExit as exc:
        return _code_of(exc.code)
    except TmaError as exc:
        _error(str(exc))
        return int(exc.exit_code)
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            return _internal_error(exc)
        # a name the user gave (an input, `extends:`, `assets_from:`, an output) that
        # no file system takes: input, not a bug, wherever it was first looked at
        name = exc.filename if isinstance(exc.filename, str) else ""
        shown = name if len(name) <= 80 else f"{name[:60]}… ({len(name)} characters)"
        _error(f"{shown}: file name too long")
        return int(ExitCode.INPUT_ERROR)
    except Exception as exc:
        return _internal_error(exc)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


class Terminated(SystemExit):
    """SIGTERM: the run stops as from an interrupt (cleaning up), exit 128 + 15."""


def _on_sigterm(signum: int) -> Any:
    """Raise Terminated on SIGTERM; the previous handler (None if it cannot be set)."""
    import signal

    def handler(_signum: int, _frame: object) -> None:
        raise Terminated(128 + signum)

    try:
        return signal.signal(signum, handler)
    except ValueError:  # not the main thread
        return None


def _flush_stdout() -> None:
    """Flush standard output now: a full disk (`> /dev/full`) is an error, exit 2."""
    from tma_audit.fileio import write_stdout

    if sys.stdout is not None:
        write_stdout("")


def _internal_error(exc: Exception) -> int:
    _error(f"internal error (a bug in tma-audit, please report it): {type(exc).__name__}: {exc}")
    return int(ExitCode.INTERNAL_ERROR)


def _code_of(code: object) -> int:
    """The process exit code `sys.exit(code)` would give."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    from tma_audit.safetext import for_terminal

    sys.stderr.write(f"{for_terminal(str(code))}\n")
    return 1


def _fast_exit(code: int) -> None:
    """Flush what the interpreter would flush at exit, then exit at once."""
    import atexit
    import contextlib
    import os

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe (`tma-audit … | head`) or stream: nothing more to write
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _error(message: str) -> None:
    from tma_audit.safetext import for_terminal

    sys.stderr.write(f"tma-audit: error: {for_terminal(message)}\n")
