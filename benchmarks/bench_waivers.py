"""Benchmark: drafting 1,000 liability waivers, and applying a 1,000-entry register.

A synthetic client with N desktops on Windows 10 22H2 without ESU evidence: each fails
MS-3 once, so `--rules MS-3` gives exactly N findings, N waived items. Prints wall time
for each phase. Not a timed test: run it by hand and quote the figures.

    python benchmarks/bench_waivers.py             # N = 1,000
    python benchmarks/bench_waivers.py --n 200 --skip-per-finding
    python benchmarks/bench_waivers.py --fleet 35000   # the realistic fleet, end to end

`--fleet N` drafts a realistic N-asset fleet (`benchmarks/fleet.py`) through the command
line in a child process, as a user would, and prints wall time, peak RSS (of the child),
findings, rows and pages of the PDF, and the CSV's lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tma_audit import __version__  # noqa: E402
from tma_audit.audit import run_audit  # noqa: E402
from tma_audit.inventory import load_inventory  # noqa: E402
from tma_audit.lifecycle import load_shipped  # noqa: E402
from tma_audit.model import Outcome  # noqa: E402
from tma_audit.rules import load_default_ruleset  # noqa: E402
from tma_audit.waivers.drafts import (  # noqa: E402
    DraftOptions,
    asset_details,
    plan_drafts,
    register_text,
)
from tma_audit.waivers.lint import lint_register  # noqa: E402
from tma_audit.waivers.pdf import render_pdf  # noqa: E402
from tma_audit.waivers.register import apply_waivers  # noqa: E402
from tma_audit.waivers.register_file import parse_register  # noqa: E402
from tma_audit.waivers.settings import DraftSettings  # noqa: E402
from tma_audit.waivers.waiver import Grouping  # noqa: E402

AS_OF = dt.date(2026, 11, 26)
T = TypeVar("T")


def timed(label: str, func: Callable[[], T]) -> T:
    start = time.perf_counter()
    value = func()
    print(f"  {label:<58} {time.perf_counter() - start:8.2f} s")
    return value


def inventory_text(n: int) -> str:
    sites = ["Leeds", "York", "Wakefield"]
    lines = [
        "client:",
        "  name: Benchmark Builders Ltd",
        "  contact: Pat Example <pat@example.com>",
        "  sites: [" + ", ".join(f"{{name: {s}}}" for s in sites) + "]",
        "assets:",
    ]
    for i in range(n):
        lines.append(
            f"  - {{hostname: PC-{i:05d}, kind: desktop, site: {sites[i % 3]}, genuine: true, "
            'licensed: true, os: {name: Windows 10 Pro, version: 22H2, build: "19045.6456"}}'
        )
    return "\n".join(lines) + "\n"


def fleet_draft(n: int) -> None:
    """`tma-audit waivers draft` on a realistic n-asset fleet: time, memory, pages."""
    import resource
    import subprocess

    from pypdf import PdfReader

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_audit import compile_tool, tool_env
    from fleet import write_inventory

    # this checkout's tma_audit (not whichever is installed), bytecode compiled as pip does
    env = tool_env(str(ROOT))
    compile_tool(env)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inventory = write_inventory(work, n, "csv")
        out = work / "drafts"
        command = [sys.executable, "-m", "tma_audit", "waivers", "draft", str(inventory)]
        command += ["--as-of", AS_OF.isoformat(), "-o", str(out)]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        wall = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        (pdf,) = out.glob("*.pdf")
        pages = len(PdfReader(pdf).pages)
        lines = sum(1 for _ in out.glob("*.csv").__next__().open(encoding="utf-8")) - 1
        print(f"tma-audit {__version__} ({ROOT}): waivers draft of a realistic {n:,}-asset fleet")
        print(f"  wall {wall:.1f} s, peak RSS {peak:.0f} MiB, {pages} pages, {lines:,} CSV lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="waived items (default 1,000)")
    parser.add_argument(
        "--fleet", type=int, metavar="N", help="draft a realistic N-asset fleet end to end"
    )
    parser.add_argument(
        "--skip-per-finding", action="store_true", help="skip the N-PDF (per finding) run"
    )
    args = parser.parse_args()
    if args.fleet:
        fleet_draft(args.fleet)
        return
    n = args.n
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "inventory.yaml"
        source.write_text(inventory_text(n), encoding="utf-8")
        print(f"tma-audit {__version__}: {n} waivers, Python {sys.version.split()[0]}")
        inventory = load_inventory(source)
        ruleset = load_default_ruleset()
        result = timed(
            f"audit of {n} assets", lambda: run_audit(inventory, ruleset, load_shipped(), AS_OF)
        )
        details = asset_details(inventory)
        only = frozenset({"MS-3"})
        settings = DraftSettings()

        docs = timed(
            "plan: one draft per client",
            lambda: plan_drafts(result, details, DraftOptions(rules=only)),
        )
        assert sum(len(d.items) for d in docs) == n, "expected one MS-3 finding per asset"
        rendered = timed(
            f"render: one PDF of {n} findings in {len(docs[0].rows)} row(s)",
            lambda: render_pdf(docs[0], settings, "b"),
        )
        print(f"  {'':<58} ({rendered.pages} pages, {len(rendered.data) / 1024:.0f} KiB)")
        text = timed(
            f"register: {n} pre-filled entries (YAML)", lambda: register_text(docs, result, "b")
        )
        (work / "one.pdf").write_bytes(rendered.data)

        if not args.skip_per_finding:
            per_finding = timed(
                "plan: one draft per finding",
                lambda: plan_drafts(
                    result, details, DraftOptions(grouping=Grouping.FINDING, rules=only)
                ),
            )
            out = work / "per-finding"
            out.mkdir()

            def render_all() -> int:
                pages = 0
                for doc in per_finding:
                    pdf = render_pdf(doc, settings, "b")
                    (out / doc.file_name).write_bytes(pdf.data)
                    pages += pdf.pages
                return pages

            pages = timed(f"render and write: {n} PDFs, one per finding", render_all)
            print(f"  {'':<58} ({pages} pages in all)")

        completed = re.sub(
            r"    approved_by: .*\n    approval_date: .*\n",
            "    approved_by: Pat Example\n    approval_date: 2026-11-26\n",
            text,
        )
        register = timed(f"parse a {n}-entry register", lambda: parse_register(completed, "r.yaml"))
        waived = timed(
            f"apply it to the audit ({n} findings)", lambda: apply_waivers(result, register, AS_OF)
        )
        assert sum(1 for f in waived.findings if f.outcome == Outcome.WAIVED) == n
        issues = timed(
            "lint it against the inventory", lambda: lint_register(register, ruleset, AS_OF, result)
        )
        print(f"  {'':<58} ({len(issues)} lint issue(s): missing justification etc.)")


if __name__ == "__main__":
    main()
