"""Benchmark: a full audit of N synthetic assets with JSON output, end to end.

Prints wall time and peak memory (of the audit process) for each N and format, and the
time of `tma-audit --help`. Not a timed test: run it by hand and quote the figures.

    python benchmarks/bench_audit.py                 # N = 1,000, 35,000, 200,000
    python benchmarks/bench_audit.py --sizes 5000 --forms csv yaml
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

SITES = ["HQ", "Branch", "Warehouse"]
OSES = [
    ("server", "Windows Server 2022 Standard", "20348.{r}", [5386, 5499]),
    ("server", "Windows Server 2019 Standard", "17763.{r}", [8900, 9121]),
    ("server", "Windows Server 2016 Standard", "14393.{r}", [9418]),
    ("server", "Windows Server 2012 R2 Standard", "9600.{r}", [21620]),
    ("server", "Ubuntu 22.04", "", [0]),
    ("desktop", "Windows 11 Pro", "26200.{r}", [8000, 9168]),
    ("desktop", "Windows 11 Enterprise", "26100.{r}", [9168]),
    ("desktop", "Windows 10 Pro", "19045.{r}", [6456, 7663]),
    ("notebook", "Windows 11 Pro", "26200.{r}", [9168]),
    ("notebook", "Windows 7 Professional", "7601.{r}", [24544]),
    ("notebook", "macOS 14.6", "", [0]),
]
COLUMNS = [
    "hostname",
    "kind",
    "site",
    "role",
    "os.name",
    "os.build",
    "genuine",
    "licensed",
    "esu_enrolled",
    "patch.last_patched",
    "antivirus.agent",
    "antivirus.definitions",
    "warranty.expires",
    "warranty.level",
    "license_expires",
    "support_expires",
    "form",
    "software",
]


def synth_rows(n: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    base = dt.date(2026, 11, 26)
    rows = []
    for i in range(n):
        roll = rng.random()
        row = dict.fromkeys(COLUMNS, "")
        row["hostname"] = f"host-{i:06d}"
        row["site"] = SITES[i % 3]
        if roll < 0.02:
            row["kind"] = "switch"
            row["role"] = rng.choice(["core", "edge", "access"])
            row["warranty.expires"] = str(base + dt.timedelta(days=rng.randint(-200, 900)))
            row["warranty.level"] = rng.choice(["24x7", "8x5-nbd"])
        elif roll < 0.025:
            row["kind"] = "firewall"
            row["form"] = "hardware"
            row["os.name"] = "FortiOS 7.4.8"
            for key in ("license_expires", "support_expires", "warranty.expires"):
                row[key] = str(base + dt.timedelta(days=rng.randint(-100, 700)))
        else:
            kind, name, build, revisions = rng.choice(OSES)
            row["kind"] = kind
            row["os.name"] = name
            row["os.build"] = build.format(r=rng.choice(revisions)) if build else ""
            row["genuine"] = rng.choice(["true", "true", "true", ""])
            row["licensed"] = rng.choice(["true", "true", "false", ""])
            row["esu_enrolled"] = rng.choice(["", "true", "false"])
            row["patch.last_patched"] = str(base - dt.timedelta(days=rng.randint(0, 60)))
            row["antivirus.agent"] = rng.choice(["Defender for Endpoint", "none", ""])
            row["antivirus.definitions"] = str(base - dt.timedelta(days=rng.randint(0, 12)))
            if kind == "server" and rng.random() < 0.3:
                row["software"] = "Microsoft SQL Server 2019@15.0:licensed"
        rows.append(row)
    return rows


def companion() -> dict[str, object]:
    return {
        "client": {"name": "Benchmark Corp", "sites": [{"name": s} for s in SITES]},
        "environment": {
            "antivirus": [
                {
                    "product": "Defender for Endpoint P2",
                    "license_expires": "2027-06-30",
                    "support_expires": "2027-06-30",
                    "centrally_managed": True,
                    "protects_email": True,
                }
            ],
            "backup": [
                {
                    "product": "Veeam Backup & Replication",
                    "version": "12.3",
                    "license_expires": "2027-06-30",
                    "support_expires": "2027-06-30",
                    "server_based": True,
                }
            ],
        },
        "attestations": {"change_notification": {"contact": "ops@bench.example"}},
    }


def write_inventory(directory: Path, n: int, form: str) -> Path:
    rows = synth_rows(n)
    doc = companion()
    if form == "csv":
        import csv

        csv_path = directory / f"assets-{n}.csv"
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        doc["assets_from"] = [csv_path.name]
    else:
        doc["assets"] = [_nested(row) for row in rows]
    path = directory / f"inventory-{form}-{n}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _nested(row: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in row.items():
        if not value or key == "software":
            continue
        if "." in key:
            top, sub = key.split(".", 1)
            nested = out.setdefault(top, {})
            assert isinstance(nested, dict)
            nested[sub] = value
        else:
            out[key] = value == "true" if value in ("true", "false") else value
    if row["software"]:
        name, version = row["software"].split(":")[0].split("@")
        out["software"] = [{"name": name, "version": version, "licensed": True}]
    return out


def timed(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident memory (MiB) of one run of a command."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
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
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 35000, 200000])
    parser.add_argument("--forms", nargs="+", default=["csv", "yaml"], choices=["csv", "yaml"])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median)")
    args = parser.parse_args()
    exe = [sys.executable, "-m", "tma_audit"]
    help_times = [timed([*exe, "--help"])[0] for _ in range(5)]
    print(f"tma-audit --help: median {statistics.median(help_times):.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        print(
            f"{'assets':>8} {'form':>5} {'wall s (median)':>16} {'cpu s (median)':>15} "
            f"{'peak MiB':>9} {'results':>8}"
        )
        for n in args.sizes:
            for form in args.forms:
                inventory = write_inventory(directory, n, form)
                out = directory / "report.json"
                cmd = [
                    *exe,
                    "audit",
                    str(inventory),
                    "--as-of",
                    "2026-11-26",
                    "--format",
                    "json",
                    "--output",
                    str(out),
                ]
                runs = [timed(cmd) for _ in range(args.repeat)]
                wall = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                peak = max(r[2] for r in runs)
                results = out.read_text(encoding="utf-8").count('"rule":')
                print(f"{n:>8} {form:>5} {wall:>16.3f} {cpu:>15.3f} {peak:>9.0f} {results:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
