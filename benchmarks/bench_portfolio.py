"""Benchmark: `tma-audit portfolio` on a book of N clients of ~M assets each.

Each client is a folder with a native `inventory.yaml` drawn from `fleet.py`'s realistic
generator (its own seed, so no two clients are alike; M ± 20 % assets). Times the whole
run (every client's HTML and JSON report and the summary in all four formats) with each
`--jobs` value given. Not a timed test: run it by hand and quote the figures.

    python benchmarks/bench_portfolio.py                         # 200 clients × ~150, jobs 1 and 2
    python benchmarks/bench_portfolio.py --clients 20 --jobs 1 2 4
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import yaml
from bench_audit import timed
from fleet import AS_OF, REALISTIC_SITES, _nested, companion, realistic_rows


def write_book(root: Path, clients: int, assets: int) -> int:
    """Write the client folders; return the number of assets in the book."""
    rng = random.Random(15)
    total = 0
    for i in range(clients):
        n = rng.randint(int(assets * 0.8), int(assets * 1.2))
        total += n
        doc = companion(REALISTIC_SITES[: rng.randint(1, 4)])
        doc["client"] = {**doc["client"], "name": f"Client {i:03d} Ltd"}  # type: ignore[dict-item]
        sites = [s["name"] for s in doc["client"]["sites"]]  # type: ignore[index]
        rows = []
        for row in realistic_rows(n, seed=1000 + i):
            row["site"] = rng.choice(sites) if row["site"] else ""
            rows.append(_nested(row))
        doc["assets"] = rows
        folder = root / f"client-{i:03d}"
        folder.mkdir()
        (folder / "inventory.yaml").write_text(
            yaml.safe_dump(doc, sort_keys=False), encoding="utf-8"
        )
    return total


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--assets", type=int, default=150, help="assets per client (±20 %%)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (median)")
    args = parser.parse_args()
    exe = [sys.executable, "-m", "tma_audit"]
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        book.mkdir()
        total = write_book(book, args.clients, args.assets)
        print(f"{args.clients} clients, {total:,} assets; audit date {AS_OF.isoformat()}")
        print(f"{'jobs':>5} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
        for jobs in args.jobs:
            runs = []
            for _ in range(args.repeat):
                out = Path(tmp) / "out"
                shutil.rmtree(out, ignore_errors=True)
                cmd = [*exe, "portfolio", str(book), "--as-of", AS_OF.isoformat()]
                cmd += ["--jobs", str(jobs), "--output-dir", str(out)]
                cmd += ["-f", "table,csv,json,html"]
                runs.append(timed(cmd, cwd=tmp))
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            peak = max(r[2] for r in runs)
            print(f"{jobs:>5} {wall:>8.2f} {cpu:>8.2f} {peak:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
