"""Benchmark: a full audit of N synthetic assets, end to end.

Prints wall time, CPU time, peak memory (of the largest process, and sampled over all of
them: the audit forks to render several files) for each N, input form
and spread of values (`benchmarks/fleet.py`: "realistic", with the spread of a real
fleet, and the original "cache-friendly" one), and the time of `tma-audit --help`. Not a
timed test: run it by hand and quote the figures.

    python benchmarks/bench_audit.py                       # 35,000 and 200,000, both spreads
    python benchmarks/bench_audit.py --sizes 5000 --forms csv yaml --spreads realistic
    python benchmarks/bench_audit.py --sizes 200000 --formats all   # all seven formats at once
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from fleet import AS_OF, SPREADS, write_inventory

FORMATS = ["table", "json", "junit", "sarif", "markdown", "html", "csv"]


def _count_results(path: Path) -> int:
    """How many results a JSON report holds (read in chunks: a 1M-asset report is 1.5 GB)."""
    count, tail = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            block = tail + chunk
            count += block.count(b'"rule":')
            tail = block[-6:]
    return count


def tool_env(pythonpath: str | None = None) -> dict[str, str]:
    """The environment to run tma-audit in, as an installed tool runs.

    Without PYTHONDONTWRITEBYTECODE: an installed package has its bytecode compiled (pip
    does it), so a run must not pay for compiling every module (~0.3 s, once measured in
    every figure of a session that had the variable set). `compile_tool` compiles a
    checkout's bytecode before it is timed.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    return env


def compile_tool(env: dict[str, str]) -> None:
    """Compile the bytecode of the tma_audit that `env` runs, as pip does on install."""
    code = "import compileall, pathlib, tma_audit; "
    code += "compileall.compile_dir(pathlib.Path(tma_audit.__file__).parent, quiet=1)"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def _versions(specs: list[str]) -> list[tuple[str, dict[str, str]]]:
    """LABEL=PATH pairs -> (label, environment running that checkout's tma_audit)."""
    if not specs:
        return [("this", tool_env())]
    out = []
    for spec in specs:
        label, _, path = spec.partition("=")
        out.append((label, tool_env(str(Path(path).resolve()))))
    return out


def _tree_pss(pid: int) -> float:
    """The proportional set size (MiB) of a process and its children, now (Linux)."""
    total = 0
    pids = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        pids.append(int(child))
    for each in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
    return total / 1024


#: a sample of `_tree_pss` may take this share of one core at most: reading
#: smaps_rollup walks the process's pages (~12 ms for 1 GB), and sampling a large run
#: every 20 ms took half a core from the run it measured (2026-12-04: all formats at
#: 200,000 assets, 29.0 s measured vs 25.6 s under /usr/bin/time)
SAMPLING_SHARE = 0.05


class _TreeMemory(threading.Thread):
    """Samples `_tree_pss` (every 20 ms, less often when sampling is slow: at most
    SAMPLING_SHARE of a core): the peak memory of a command that forks (the rusage of a
    process tree gives the largest process's peak, not their sum). A peak shorter than
    the interval can be missed: the largest process's rusage peak is exact."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        interval = 0.02
        while not self.done.wait(interval):
            start = time.perf_counter()
            with contextlib.suppress(OSError, ValueError):
                self.peak = max(self.peak, _tree_pss(self.pid))
            interval = max(0.02, (time.perf_counter() - start) / SAMPLING_SHARE)


#: the last `timed` run's sampled peak of the whole process tree (MiB)
LAST_TREE_PEAK = [0.0]


def timed(
    args: list[str], env: dict[str, str] | None = None, cwd: str | None = None
) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident memory (MiB) of one run of a command
    (its largest process; `LAST_TREE_PEAK` has the sampled peak of all its processes)."""
    if env is None:
        env = tool_env()
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd
    )
    sampler = _TreeMemory(proc.pid)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    LAST_TREE_PEAK[0] = sampler.peak
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({code}): {err[:500]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux: KiB


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[35000, 200000])
    parser.add_argument("--forms", nargs="+", default=["csv"], choices=["csv", "yaml"])
    parser.add_argument(
        "--spreads", nargs="+", default=list(SPREADS), choices=list(SPREADS), help="fleets"
    )
    parser.add_argument(
        "--formats", default="json", help="report formats (comma-separated) or 'all'"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median)")
    parser.add_argument(
        "--version",
        dest="versions",
        action="append",
        default=[],
        metavar="LABEL=PATH",
        help="time the tma_audit of this checkout too (repeatable); runs interleave, so "
        "versions are compared at the same moments of the machine",
    )
    args = parser.parse_args()
    formats = FORMATS if args.formats == "all" else args.formats.split(",")
    versions = _versions(args.versions)
    exe = [sys.executable, "-m", "tma_audit"]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for label, env in versions:
            compile_tool(env)
            times = [timed([*exe, "--help"], env, tmp)[0] for _ in range(5)]
            print(f"[{label}] tma-audit --help: median {statistics.median(times):.3f} s")
        print(
            f"{'version':>10} {'spread':>14} {'assets':>8} {'form':>5} {'wall s':>8} "
            f"{'cpu s':>8} {'peak MiB':>9} {'tree MiB':>9} {'results':>9}"
        )
        for spread in args.spreads:
            for n in args.sizes:
                for form in args.forms:
                    inventory = write_inventory(directory, n, form, spread)
                    out = directory / "out"
                    cmd = [*exe, "audit", str(inventory), "--as-of", AS_OF.isoformat()]
                    cmd += ["--format", ",".join(formats)]
                    if formats == ["json"]:
                        cmd += ["--output", str(out / "report.json")]
                    else:
                        cmd += ["--output-dir", str(out)]
                    out.mkdir(exist_ok=True)
                    runs: dict[str, list[tuple[float, float, float, float]]] = {}
                    for _ in range(args.repeat):
                        for label, env in versions:
                            run = timed(cmd, env, tmp)
                            runs.setdefault(label, []).append((*run, LAST_TREE_PEAK[0]))
                    for label, _env in versions:
                        wall = statistics.median(r[0] for r in runs[label])
                        cpu = statistics.median(r[1] for r in runs[label])
                        peak = max(r[2] for r in runs[label])
                        tree = max(r[3] for r in runs[label])
                        reports = sorted(out.glob("*.json"))
                        results = _count_results(reports[0]) if reports else 0
                        print(
                            f"{label:>10} {spread:>14} {n:>8} {form:>5} {wall:>8.3f} "
                            f"{cpu:>8.3f} {peak:>9.0f} {tree:>9.0f} {results:>9}"
                        )
                    for child in out.iterdir():
                        child.unlink()
                    inventory.unlink()
                    for data in directory.glob("assets-*.csv"):
                        data.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
