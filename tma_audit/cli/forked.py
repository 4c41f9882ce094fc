"""Work in a forked child process while this one goes on: reports rendered on two cores.

`Forked(work)` forks; the child runs `work()` and exits; `join()` waits for it and
raises what the child raised (a TmaError as itself, so its message and exit code reach
the user; a bug as a bug, with the child's traceback as a note). `cancel()` stops the
child as SIGTERM stops a run: a write in progress removes its temporary file.

The child shares this process's memory copy-on-write, so it needs nothing sent to it
and nothing but an error sent back. It never prints, never runs exit handlers
(`os._exit`) and never flushes this process's buffered output.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

#: Whether forking is safe and cheap here: Linux (macOS forks badly once a framework has
#: started threads; Windows cannot).
CAN_FORK = sys.platform.startswith("linux") and hasattr(os, "fork")


def memory_to_spare() -> bool:
    """Whether the machine (and the container's memory limit) has twice this process's
    resident memory available: a child that touches every object it renders copies
    their pages, so it may come to hold nearly as much as this process. False when it
    cannot be told."""
    try:
        page = os.sysconf("SC_PAGE_SIZE")
        resident = int(Path("/proc/self/statm").read_text().split()[1]) * page
        meminfo = Path("/proc/meminfo").read_text()
        fields = dict(line.split(":", 1) for line in meminfo.splitlines() if ":" in line)
        available = int(fields["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError, IndexError):
        return False
    headroom = _cgroup_headroom()
    if headroom is not None:
        available = min(available, headroom)
    return available >= 2 * resident


#: a cgroup v1 memory limit this large means none (the kernel's "unlimited")
_V1_UNLIMITED = 1 << 60


def _cgroup_headroom() -> int | None:
    """Bytes left under this process's cgroup memory limit (v2, or v1's memory
    controller); None without a limit or when it cannot be read."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        number, controllers, path = [*line.split(":", 2), "", ""][:3]
        relative = path.strip().lstrip("/")
        if number == "0" and not controllers:
            files = Path("/sys/fs/cgroup", relative), "memory.max", "memory.current"
        elif "memory" in controllers.split(","):
            files = (
                Path("/sys/fs/cgroup/memory", relative),
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
            )
        else:
            continue
        base, limit_name, usage_name = files
        try:
            limit = (base / limit_name).read_text().strip()
            if limit == "max" or int(limit) >= _V1_UNLIMITED:
                continue
            return int(limit) - int((base / usage_name).read_text().strip())
        except (OSError, ValueError):
            continue
    return None


class ChildFailed(RuntimeError):
    """The child died without saying why (killed by a signal, or its error would not
    pickle)."""


class Forked:
    def __init__(self, work: Callable[[], object]) -> None:
        read, write = os.pipe()
        sys.stdout.flush()  # nothing buffered is written twice (the child never flushes)
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(read)
            _child(work, write)  # never returns
        os.close(write)
        self.pid = pid
        self._read = read
        self._done = False

    def join(self) -> None:
        """Wait for the child; raise what it raised."""
        if self._done:
            return
        self._done = True
        chunks = []
        try:
            while chunk := os.read(self._read, 1 << 16):
                chunks.append(chunk)
        except BaseException:  # interrupted while waiting: the child stops too
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            raise
        finally:
            os.close(self._read)
            _, status = os.waitpid(self.pid, 0)
        data = b"".join(chunks)
        if data:
            error = pickle.loads(data)  # noqa: S301 - from our own child
            assert isinstance(error, BaseException)
            raise error
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise ChildFailed(f"report worker ended with {code}")

    def cancel(self) -> None:
        """Stop the child (it cleans up as on SIGTERM) and wait for it; its error, if it
        had one, is dropped: the caller is already failing."""
        if self._done:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        with contextlib.suppress(BaseException):  # the caller's own failure is what matters
            self.join()


def _child(work: Callable[[], object], write: int) -> None:
    code = 0
    payload = b""
    try:
        work()
    except BaseException as exc:  # everything goes back to the parent
        code = 1
        payload = _pickled(exc)
    finally:
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(write, view) :]
            os.close(write)
        finally:
            os._exit(code)


def _pickled(exc: BaseException) -> bytes:
    from tma_audit.errors import TmaError

    if not isinstance(exc, TmaError | KeyboardInterrupt | SystemExit):
        exc.add_note("in the report worker:\n" + "".join(traceback.format_exception(exc)))
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)  # noqa: S301 - what cannot come back as itself comes back as text
        return data
    except Exception:  # any failure to pickle
        return pickle.dumps(ChildFailed(f"{type(exc).__name__}: {exc}"))
