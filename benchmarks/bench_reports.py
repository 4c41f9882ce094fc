"""Benchmark: render every report format for a synthetic audit of N assets.

Uses the fleets of benchmarks/fleet.py (`--spread`, realistic by default). Prints, per
N: the audit itself, the shared analysis (priorities, plan, scores), each renderer
(wall seconds and output size), the sum over all formats, and an end-to-end
`tma-audit audit --format <all> --output-dir` run next to a JSON-only run. Not a timed
test: run it by hand and quote the figures.

    python benchmarks/bench_reports.py                  # N = 35,000
    python benchmarks/bench_reports.py --sizes 1000 35000 --repeat 3
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_audit import timed
from fleet import SPREADS, write_inventory

from tma_audit import __version__
from tma_audit.audit import run_audit
from tma_audit.inventory import load_inventory
from tma_audit.lifecycle import load_shipped
from tma_audit.plan import analyse
from tma_audit.reports import Format, PlanFormat, RenderOptions, get_plan_renderer, get_renderer
from tma_audit.rules import load_default_ruleset

AS_OF = dt.date(2026, 11, 26)


def best(times: list[float]) -> float:
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[35000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--form", default="csv", choices=["csv", "yaml"])
    parser.add_argument("--spread", default="realistic", choices=list(SPREADS))
    args = parser.parse_args()
    gc.disable()  # as the CLI does (tma_audit.cli.main)
    ruleset = load_default_ruleset()
    lifecycle = load_shipped()
    options = RenderOptions(tool_version=__version__)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for n in args.sizes:
            inventory = write_inventory(directory, n, args.form, args.spread)
            with contextlib.chdir(directory):
                start = time.perf_counter()
                loaded = load_inventory(Path(inventory.name))
                load_s = time.perf_counter() - start
                start = time.perf_counter()
                result = run_audit(loaded, ruleset, lifecycle, AS_OF)
                audit_s = time.perf_counter() - start
            outcomes = sum(len(r.verdicts) for r in result.results)
            start = time.perf_counter()
            analysis = analyse(result)
            analyse_s = time.perf_counter() - start
            findings = len(analysis.findings)
            print(
                f"\n{n:,} assets ({args.form}): {outcomes:,} outcomes, {findings:,} findings, "
                f"{len(analysis.plan.items):,} work items"
            )
            print(f"  load inventory   {load_s:7.3f} s")
            print(f"  audit            {audit_s:7.3f} s")
            print(f"  analysis         {analyse_s:7.3f} s  (priorities, plan, scores; shared)")
            total = 0.0
            renderers = [(fmt.value, get_renderer(fmt)) for fmt in Format]
            renderers.append(("plan csv", get_plan_renderer(PlanFormat.CSV)))
            for name, render in renderers:
                times = []
                size = 0
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    size = len(render(result, options).encode("utf-8"))
                    times.append(time.perf_counter() - start)
                    gc.collect()
                total += best(times)
                print(f"  render {name:<9} {best(times):7.3f} s  {size / 1e6:8.1f} MB")
            print(f"  all formats      {total:7.3f} s  (+ analysis {analyse_s:.3f} s)")

            exe = [sys.executable, "-m", "tma_audit", "audit", str(inventory)]
            exe += ["--as-of", AS_OF.isoformat()]
            every = ",".join(f.value for f in Format)
            out = directory / "reports"
            out.mkdir(exist_ok=True)
            json_only = [
                timed([*exe, "-f", "json", "-o", str(out / "r.json")])[0]
                for _ in range(args.repeat)
            ]
            all_formats = [
                timed([*exe, "-f", every, "--output-dir", str(out)])[0] for _ in range(args.repeat)
            ]
            extra = best(all_formats) - best(json_only)
            print(
                f"  end to end: json only {best(json_only):.3f} s; every format "
                f"{best(all_formats):.3f} s (difference {extra:.3f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
