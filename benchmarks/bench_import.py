"""Benchmark: audit a 35,000-row Active Directory export end to end.

Generates a `Get-ADComputer | Export-Csv` file as Windows PowerShell 5.1 writes it (a
`#TYPE` first line, every value quoted but nulls, CRLF, ASCII with `?` for ®, day-first
dates, raw FILETIME numbers) with a realistic mix: Windows 10/11 workstations of several
builds and editions (localised and damaged names among them), servers from 2008 R2 to
2025 (Evaluation and Azure Edition too), a few Macs, Linux hosts and appliances, and
about 8% pre-staged computer objects with no OS. Prints the median wall and CPU time of
`tma-audit audit EXPORT --format json --output …` and of the import alone (read, map,
build the inventory, in-process). Not a timed test: run it by hand and quote the figures.

    python benchmarks/bench_import.py                 # 35,000 rows, 5 runs
    python benchmarks/bench_import.py --rows 5000 --repeat 3 --keep /tmp/ad.csv
    python benchmarks/bench_import.py --columns 3              # Name, OS, last logon
    python benchmarks/bench_import.py --rows 100000 --columns 7
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

# (weight, OperatingSystem, OperatingSystemVersion, service pack, workstation?)
OSES: list[tuple[float, str, str, str, bool]] = [
    (30.0, "Windows 10 Enterprise", "10.0 (19045)", "", True),
    (4.0, "Windows 10 Enterprise", "10.0 (19044)", "", True),
    (3.0, "Windows 10 Pro", "10.0 (19045)", "", True),
    (14.0, "Windows 11 Enterprise", "10.0 (22631)", "", True),
    (10.0, "Windows 11 Enterprise", "10.0 (26100)", "", True),
    (2.0, "Windows 11 Pro", "10.0 (26100)", "", True),
    (1.0, "Windows 11 Enterprise multi-session", "10.0 (22631)", "", True),
    (0.5, "Windows 10 Enterprise for Virtual Desktops", "10.0 (19045)", "", True),
    (0.5, "Windows 10 Enterprise 2016 LTSB", "10.0 (14393)", "", True),
    (0.3, "Windows 10 IoT Enterprise LTSC", "10.0 (19044)", "", True),
    (0.5, "Windows 11 Enterprise N", "10.0 (22631)", "", True),
    (0.6, "Windows 11 Entreprise", "10.0 (22631)", "", True),
    (0.2, "Windows\u00a010 Entreprise", "10.0 (19045)", "", True),
    (
        0.2,
        "Windows 11 \u041a\u043e\u0440\u043f\u043e\u0440\u0430\u0442\u0438\u0432\u043d\u0430\u044f",
        "10.0 (22631)",
        "",
        True,
    ),
    (0.8, "Windows 7 Enterprise", "6.1 (7601)", "Service Pack 1", True),
    (0.2, "Windows Embedded Standard", "6.1 (7601)", "Service Pack 1", True),
    (2.0, "Windows Server 2022 Standard", "10.0 (20348)", "", False),
    (1.0, "Windows Server 2022 Datacenter", "10.0 (20348)", "", False),
    (0.3, "Windows Server 2022 Datacenter Azure Edition", "10.0 (20348)", "", False),
    (0.5, "Windows Server 2025 Standard", "10.0 (26100)", "", False),
    (2.0, "Windows Server 2019 Standard", "10.0 (17763)", "", False),
    (0.6, "Windows Server 2019 Datacenter", "10.0 (17763)", "", False),
    (0.2, "Windows Server 2019 Standard Evaluation", "10.0 (17763)", "", False),
    (1.5, "Windows Server 2016 Standard", "10.0 (14393)", "", False),
    (1.0, "Windows Server 2012 R2 Standard", "6.3 (9600)", "", False),
    (0.3, "Windows Server\u00ae 2008 R2 Standard", "6.1 (7601)", "Service Pack 1", False),
    (0.1, "Windows Storage Server 2008 R2 Standard", "6.1 (7601)", "Service Pack 1", False),
    (0.1, "Hyper-V Server 2012 R2", "6.3 (9600)", "", False),
    (0.1, "Azure Stack HCI", "10.0 (25398)", "", False),
    (0.15, "Mac OS X", "10.15", "", True),
    (0.1, "macOS", "14.5", "", True),
    (0.15, "redhat-linux-gnu", "", "", False),
    (0.05, "pc-linux-gnu", "", "", False),
    (0.05, "SLES", "", "", False),
    (0.05, "OnTap", "", "", False),
    (0.03, "NetApp Release 9.11.1P4", "", "", False),
    (0.03, "Cisco Identity Services Engine", "", "", False),
    (0.02, "F5 ARX", "", "", False),
    (0.05, "unknown", "", "", True),
    (8.0, "", "", "", True),  # pre-staged: no OS
]
COLUMNS = [
    "Name",
    "DNSHostName",
    "Enabled",
    "OperatingSystem",
    "OperatingSystemVersion",
    "OperatingSystemServicePack",
    "LastLogonDate",
    "lastLogonTimestamp",
    "PasswordLastSet",
    "whenCreated",
    "DistinguishedName",
    "IPv4Address",
    "Description",
]
#: Column selections seen in real exports: the engineer's `Select-Object` decides them.
SHAPES = {
    3: ["Name", "OperatingSystem", "LastLogonDate"],
    7: [
        "Name",
        "DNSHostName",
        "Enabled",
        "OperatingSystem",
        "OperatingSystemVersion",
        "LastLogonDate",
        "IPv4Address",
    ],
    len(COLUMNS): COLUMNS,
}
AS_OF = dt.datetime(2026, 11, 26, 9, 0, 0)  # noqa: DTZ001 - a fixed, zone-less export time
FILETIME_EPOCH = dt.datetime(1601, 1, 1)  # noqa: DTZ001


def _ps_date(when: dt.datetime) -> str:
    """Windows PowerShell 5.1 on an en-GB machine: day first, 24-hour clock."""
    return when.strftime("%d/%m/%Y %H:%M:%S")


def _filetime(when: dt.datetime) -> str:
    return str(int((when - FILETIME_EPOCH).total_seconds() * 10_000_000))


def _ascii(text: str) -> str:
    """What Export-Csv's default (ASCII) encoding leaves of a value."""
    return text.encode("ascii", errors="replace").decode("ascii")


def _cell(value: str | None) -> str:
    return "" if value is None else '"' + value.replace('"', '""') + '"'


def generate(rows: int, seed: int = 11, columns: int = len(COLUMNS)) -> bytes:
    """An export of `rows` computers with the `columns` of one of the SHAPES."""
    rng = random.Random(seed)
    weights = [o[0] for o in OSES]
    keep = [COLUMNS.index(c) for c in SHAPES[columns]]
    lines = [
        "#TYPE Selected.Microsoft.ActiveDirectory.Management.ADComputer",
        ",".join(f'"{COLUMNS[i]}"' for i in keep),
    ]
    for index in range(rows):
        _, os_name, version, sp, workstation = rng.choices(OSES, weights)[0]
        prefix = "PC" if workstation else "SRV"
        name = f"{prefix}{index:06d}"
        prestaged = not os_name
        seen = AS_OF - dt.timedelta(days=rng.randint(0, 120), seconds=rng.randint(0, 86399))
        created = seen - dt.timedelta(days=rng.randint(30, 2500))
        ou = "OU=Workstations" if workstation else "OU=Servers"
        cells = [
            name,
            None if prestaged else f"{name.lower()}.corp.example.com",
            "False" if rng.random() < 0.05 else "True",
            os_name or None,
            version or None,
            sp or None,
            None if prestaged else _ps_date(seen),
            None if prestaged else _filetime(seen),
            _ps_date(created + dt.timedelta(days=rng.randint(0, 25))),
            _ps_date(created),
            f"CN={name},{ou},DC=corp,DC=example,DC=com",
            None
            if prestaged
            else f"10.{rng.randint(0, 40)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            rng.choice([None, None, "", "Finance", "Reception PC", 'Lab "B" bench']),
        ]
        lines.append(
            ",".join(_cell(None if c is None else _ascii(c)) for c in map(cells.__getitem__, keep))
        )
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _median_run(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Median wall seconds and CPU seconds (user + system) of a command."""
    # here, not at the top: tests load this file for its generator, from elsewhere
    from bench_audit import compile_tool, timed, tool_env

    compile_tool(tool_env())
    runs = [timed(cmd) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def _median_import(path: Path, repeat: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of the import alone (in this process), and the assets."""
    import gc

    from tma_audit.inventory.importers.api import import_files
    from tma_audit.lifecycle import load_shipped

    lifecycle = load_shipped()
    walls, cpus = [], []
    assets = 0
    for _ in range(repeat):
        gc.disable()  # as the CLI runs
        start, cpu = time.perf_counter(), time.process_time()
        result = import_files([path], lifecycle)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        gc.enable()
        assets = len(result.inventory.assets)
    return statistics.median(walls), statistics.median(cpus), assets


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=35_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure (median)")
    parser.add_argument("--keep", type=Path, help="also write the generated export here")
    parser.add_argument(
        "--columns", type=int, default=len(COLUMNS), choices=sorted(SHAPES), help="export shape"
    )
    args = parser.parse_args()
    data = generate(args.rows, columns=args.columns)
    if args.keep:
        args.keep.write_bytes(data)
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "ad-computers.csv"
        export.write_bytes(data)
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "tma_audit", "audit", str(export), "--as-of"]
        cmd += [AS_OF.date().isoformat(), "--format", "json", "--output", str(report)]
        wall, cpu = _median_run(cmd, args.repeat)
        results = report.read_text(encoding="utf-8").count('"rule":')
        imported, imported_cpu, assets = _median_import(export, args.repeat)
        size = len(data) / 1_048_576
        print(
            f"AD export: {args.rows:,} rows, {args.columns} columns, {size:.1f} MiB"
            f" -> {assets:,} assets"
        )
        print(
            f"import alone (read, map, build; in-process): median {imported:.3f} s "
            f"(CPU {imported_cpu:.3f} s)"
        )
        print(
            f"tma-audit audit … --format json (end to end): median {wall:.3f} s "
            f"(CPU {cpu:.3f} s; {results:,} results)"
        )
        print("(CPU time is the steadier figure on a machine shared with other work)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
