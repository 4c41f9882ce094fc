"""Reports rendered on two cores: `cli/forked.Forked` and its use by `write_reports`."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from tma_audit.cli import outputs
from tma_audit.cli.forked import CAN_FORK, ChildFailed, Forked
from tma_audit.errors import ExitCode, InputError
from tma_audit.reports import FORMATS, Format

from .conftest import CliRun

if TYPE_CHECKING:
    from tma_audit.model import AuditResult

pytestmark = pytest.mark.skipif(not CAN_FORK, reason="needs os.fork")

MIDSIZE = Path(__file__).resolve().parents[2] / "inventories" / "midsize" / "inventory.yaml"
AS_OF = "2026-11-26"


def test_the_child_does_its_work_and_join_returns(tmp_path: Path) -> None:
    target = tmp_path / "done"
    child = Forked(lambda: target.write_text("written by the child"))
    child.join()
    assert target.read_text() == "written by the child"
    child.join()  # again: nothing to wait for


def test_a_tma_error_in_the_child_comes_back_as_itself() -> None:
    def work() -> None:
        raise InputError("cannot write: No space left on device", file="r.json", field="-o")

    child = Forked(work)
    with pytest.raises(InputError) as info:
        child.join()
    assert str(info.value) == "r.json: -o: cannot write: No space left on device"
    assert info.value.exit_code == ExitCode.INPUT_ERROR


def test_a_bug_in_the_child_comes_back_as_a_bug_with_the_childs_traceback() -> None:
    def work() -> None:
        int("not a number")

    child = Forked(work)
    with pytest.raises(ValueError) as info:
        child.join()
    notes = "".join(getattr(info.value, "__notes__", []))
    assert "in the report worker" in notes and "work" in notes


def test_an_error_that_does_not_pickle_comes_back_as_text() -> None:
    class Local(Exception):  # a local class cannot be pickled
        pass

    def work() -> None:
        raise Local("odd")

    with pytest.raises(ChildFailed, match="Local: odd"):
        Forked(work).join()


def test_a_child_killed_by_a_signal_is_a_failure() -> None:
    child = Forked(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(ChildFailed, match="-9"):
        child.join()


def test_cancel_stops_a_child_and_reaps_it() -> None:
    child = Forked(lambda: time.sleep(30))
    start = time.monotonic()
    child.cancel()
    assert time.monotonic() - start < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # reaped: no zombie left


def _two_cores_and_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    from tma_audit.cli import forked

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    monkeypatch.setattr(forked, "memory_to_spare", lambda: True)


def _targets(*formats: Format) -> dict[Format, Path | None]:
    return {fmt: Path(f"/x/r.{fmt.value}") for fmt in formats}


def test_the_share_is_about_half_the_work_and_never_the_table_or_standard_output(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tma_audit.cli import forked

    _two_cores_and_memory(monkeypatch)

    class Big:
        results = range(outputs.FORK_SUBJECTS)

    result = cast("AuditResult", Big())
    every = _targets(*Format)
    share = outputs._second_share(result, every)
    assert share and Format.TABLE not in share
    there = sum(outputs.RENDER_COST[f] for f in share)
    here = sum(outputs.RENDER_COST[f] for f in Format if f not in share)
    assert abs(there - here) <= max(outputs.RENDER_COST.values())
    to_stdout = {**_targets(Format.JSON), Format.HTML: None}
    assert outputs._second_share(result, to_stdout) == [Format.JSON]  # stdout stays here
    assert outputs._second_share(result, _targets(Format.JSON)) == []  # one file

    class Small:
        results = range(outputs.FORK_SUBJECTS - 1)

    assert outputs._second_share(cast("AuditResult", Small()), every) == []
    monkeypatch.setattr(forked, "memory_to_spare", lambda: False)
    assert outputs._second_share(result, every) == []  # too little memory
    monkeypatch.setattr(forked, "memory_to_spare", lambda: True)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert outputs._second_share(result, every) == []  # one core


def test_every_format_written_on_two_cores_is_the_same_as_on_one(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_cores_and_memory(monkeypatch)
    every = ",".join(f.value for f in Format)
    runs = {}
    for label, threshold in (("one", 10**9), ("two", 0)):
        monkeypatch.setattr(outputs, "FORK_SUBJECTS", threshold)
        out = tmp_path / label
        runs[label] = cli(
            "audit", str(MIDSIZE), "--as-of", AS_OF, "-f", every, "--output-dir", str(out)
        )
    assert runs["one"].code == runs["two"].code == 1
    assert runs["one"].err == runs["two"].err
    for fmt in Format:
        name = FORMATS[fmt].file_name
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()


def test_a_failure_in_the_other_process_is_an_error_and_leaves_no_stray_file(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_cores_and_memory(monkeypatch)
    monkeypatch.setattr(outputs, "FORK_SUBJECTS", 0)
    out = tmp_path / "out"
    out.mkdir()
    (out / "tma-audit.html").write_text("yesterday's report")
    real = outputs._Render.__call__

    def failing(self: outputs._Render, fmt: Format, path: Path | None) -> list[str] | None:
        if fmt == Format.HTML and os.getpid() != parent:
            raise InputError("cannot write: No space left on device", file=str(path))
        return real(self, fmt, path)

    parent = os.getpid()
    monkeypatch.setattr(outputs._Render, "__call__", failing)
    run = cli(
        "audit",
        str(MIDSIZE),
        "--as-of",
        AS_OF,
        "-f",
        "json,junit,html,csv",
        "--output-dir",
        str(out),
    )
    assert run.code == 2, run.err
    assert "tma-audit.html: cannot write: No space left on device" in run.err
    assert "Traceback" not in run.err
    assert (out / "tma-audit.html").read_text() == "yesterday's report"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_bug_in_the_other_process_is_exit_70(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_cores_and_memory(monkeypatch)
    monkeypatch.setattr(outputs, "FORK_SUBJECTS", 0)
    parent = os.getpid()
    real = outputs._Render.__call__

    def buggy(self: outputs._Render, fmt: Format, path: Path | None) -> list[str] | None:
        if os.getpid() != parent:
            raise ZeroDivisionError("a renderer bug")
        return real(self, fmt, path)

    monkeypatch.setattr(outputs._Render, "__call__", buggy)
    out = tmp_path / "out"
    run = cli(
        "audit", str(MIDSIZE), "--as-of", AS_OF, "-f", "json,junit,html", "--output-dir", str(out)
    )
    assert run.code == 70
    assert "internal error" in run.err and "ZeroDivisionError: a renderer bug" in run.err


def test_memory_to_spare_reads_the_machine_and_the_containers_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tma_audit.cli import forked

    assert forked.memory_to_spare() in (True, False)  # this machine: readable, either way
    real_read = Path.read_text
    files = {
        "/proc/self/cgroup": "4:memory:/ci/job\n0::/\n",
        "/sys/fs/cgroup/memory/ci/job/memory.limit_in_bytes": str(64 * 2**20),
        "/sys/fs/cgroup/memory/ci/job/memory.usage_in_bytes": str(60 * 2**20),
    }

    def read_text(path: Path, *args: object, **kwargs: object) -> str:
        if str(path) in files:
            return files[str(path)]
        return real_read(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", read_text)
    assert forked._cgroup_headroom() == 4 * 2**20  # v1: limit - usage
    assert not forked.memory_to_spare()  # 4 MiB left: never twice this process
    files["/sys/fs/cgroup/memory/ci/job/memory.limit_in_bytes"] = str(2**63 - 4096)
    assert forked._cgroup_headroom() is None  # v1's "unlimited"
    files["/proc/self/cgroup"] = "0::/ci/job\n"
    files["/sys/fs/cgroup/ci/job/memory.max"] = "max\n"
    assert forked._cgroup_headroom() is None
    files["/sys/fs/cgroup/ci/job/memory.max"] = f"{2**30}\n"
    files["/sys/fs/cgroup/ci/job/memory.current"] = f"{2**29}\n"
    assert forked._cgroup_headroom() == 2**29  # v2: max - current


def test_an_interrupt_while_waiting_stops_the_child_too() -> None:
    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    child = Forked(lambda: time.sleep(30))
    start = time.monotonic()
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(KeyboardInterrupt):
            child.join()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - start < 10  # not the child's 30 s
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # reaped
