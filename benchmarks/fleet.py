"""Synthetic fleets for the benchmarks: a realistic spread, and the old cache-friendly one.

A real fleet repeats few values: build revisions spread over hundreds of cumulative
updates per build, patch and definitions dates over months and weeks, warranties over
years. Caches keyed by value hit far less often on such data than on a fleet drawn from
four revisions and a few dates, so the benchmarks measure both:

- `realistic_rows(n)`: 20 sites; ~8 % network devices (firewalls with licence and
  support dates spread over ~900 days; switches, routers and access points with
  warranty dates over ~1,500 days and levels); a dozen OS lines from Windows Server
  2012 R2 to Windows 11 25H2, Linux and macOS, with build revisions spread over hundreds
  of values per build; last-patched dates over 180 days (20 % missing); antivirus agents
  of three vendors with definitions dates over ~4 weeks (10 % missing); genuine,
  licensed and ESU flags mixed with blanks; warranties on half the computers over ~4
  years; software with versions on a quarter of them.
- `cache_friendly_rows(n)`: the benchmark's original generator (four revisions, a few
  dates). Kept so that figures stay comparable with the ones measured before.

Both are seeded and deterministic: the same n and seed give the same rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import yaml

#: The audit date every benchmark uses, and the base of every generated date.
AS_OF = dt.date(2026, 11, 26)

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

REALISTIC_SITES = [
    "HQ",
    "Leeds",
    "Manchester",
    "Bristol",
    "Cardiff",
    "Glasgow",
    "Edinburgh",
    "Belfast",
    "Dublin",
    "Cork",
    "Newcastle",
    "Sheffield",
    "Nottingham",
    "Birmingham",
    "Coventry",
    "Oxford",
    "Cambridge",
    "Norwich",
    "Plymouth",
    "Warehouse",
]

# (weight, kinds, OS name, build, lowest revision, highest revision): revisions are drawn
# between the two, most near the highest, so every build has hundreds of distinct
# revisions, some older than the data's latest update and some current.
OS_LINES: list[tuple[float, tuple[str, ...], str, str, int, int]] = [
    (1.0, ("server",), "Windows Server 2012 R2 Standard", "9600", 21000, 22200),
    (3.0, ("server",), "Windows Server 2016 Standard", "14393", 8600, 9450),
    (4.0, ("server",), "Windows Server 2019 Datacenter", "17763", 8300, 9150),
    (4.0, ("server",), "Windows Server 2022 Standard", "20348", 4700, 5550),
    (1.5, ("server",), "Windows Server 2025 Standard", "26100", 32000, 33400),
    (2.0, ("server",), "Ubuntu 22.04", "", 0, 0),
    (1.0, ("server",), "Red Hat Enterprise Linux 9.4", "", 0, 0),
    (16.0, ("desktop", "notebook"), "Windows 10 Pro", "19045", 6000, 7700),
    (6.0, ("desktop", "notebook"), "Windows 10 Enterprise LTSC 2021", "19044", 5800, 7700),
    (14.0, ("desktop", "notebook"), "Windows 11 Pro", "22631", 5000, 6200),
    (16.0, ("desktop", "notebook"), "Windows 11 Enterprise", "26100", 4000, 5200),
    (12.0, ("desktop", "notebook"), "Windows 11 Pro", "26200", 7000, 9300),
    (1.0, ("desktop", "notebook"), "Windows 8.1 Pro", "9600", 20000, 21000),
    (0.5, ("desktop", "notebook"), "Windows 7 Professional", "7601", 24000, 24600),
    (2.0, ("notebook",), "macOS 14.6", "", 0, 0),
    (1.5, ("notebook",), "macOS 15.2", "", 0, 0),
]
AV_AGENTS = ["Microsoft Defender Antivirus", "CrowdStrike Falcon", "SentinelOne"]
WARRANTY_LEVELS = ["24x7", "8x5-nbd", "8x5-2bd", "8x5", "depot", "none"]
SOFTWARE = [
    ("Microsoft SQL Server 2019 Standard", "15.0.{a}.{b}"),
    ("Microsoft SQL Server 2016 Standard", "13.0.{a}.{b}"),
    ("Microsoft Office 2016", "16.0.{a}.{b}"),
    ("Microsoft 365 Apps", "16.0.{a}.{b}"),
    ("Sage 50 Accounts", "30.{a}.{b}"),
    ("Veeam Backup & Replication", "12.{a}.{b}"),
]


def _day(rng: random.Random, low: int, high: int) -> str:
    return (AS_OF + dt.timedelta(days=rng.randint(low, high))).isoformat()


def _recent(rng: random.Random, span: int, mean: float) -> int:
    """A gap of 0 to `span` (days, revisions), mostly small: most devices are nearly current."""
    return min(span, int(rng.expovariate(1 / mean)))


def _flag(rng: random.Random, true: float, false: float) -> str:
    roll = rng.random()
    return "true" if roll < true else "false" if roll < true + false else ""


def realistic_rows(n: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """`n` native CSV rows with the spread of a real fleet (see the module's text)."""
    rng = random.Random(seed)
    weights = [line[0] for line in OS_LINES]
    for i in range(n):
        row = dict.fromkeys(COLUMNS, "")
        site = REALISTIC_SITES[rng.randrange(len(REALISTIC_SITES))]
        row["site"] = site
        roll = rng.random()
        if roll < 0.015:
            row["hostname"] = f"{site[:3].upper()}-FW{i:07d}"
            row["kind"] = "firewall"
            row["form"] = "hardware" if rng.random() < 0.95 else "virtual"
            row["os.name"] = f"FortiOS 7.{rng.choice([0, 2, 4, 6])}.{rng.randint(0, 12)}"
            row["license_expires"] = _day(rng, -300, 600)
            row["support_expires"] = _day(rng, -300, 600)
            if rng.random() < 0.8:
                row["warranty.expires"] = _day(rng, -300, 600)
        elif roll < 0.08:
            kind = rng.choice(["switch", "switch", "switch", "router", "access-point"])
            row["hostname"] = f"{site[:3].upper()}-{kind[:2].upper()}{i:07d}"
            row["kind"] = kind
            row["role"] = rng.choice(["core", "edge", "access", "access", ""])
            if rng.random() < 0.85:
                row["warranty.expires"] = _day(rng, -500, 1000)
            if rng.random() < 0.9:
                row["warranty.level"] = rng.choice(WARRANTY_LEVELS)
        else:
            _, kinds, name, build, low, high = rng.choices(OS_LINES, weights)[0]
            kind = rng.choice(kinds)
            row["hostname"] = f"{site[:3].upper()}-{kind[:2].upper()}{i:07d}"
            row["kind"] = kind
            row["os.name"] = name
            if build and rng.random() < 0.9:
                revision = high - _recent(rng, high - low, (high - low) / 6)
                row["os.build"] = f"{build}.{revision}"
            row["genuine"] = _flag(rng, 0.8, 0.03)
            row["licensed"] = _flag(rng, 0.75, 0.05)
            if build in ("19045", "9600", "7601"):
                row["esu_enrolled"] = _flag(rng, 0.3, 0.3)
            if rng.random() < 0.8:
                row["patch.last_patched"] = (
                    AS_OF - dt.timedelta(_recent(rng, 180, 30))
                ).isoformat()
            row["antivirus.agent"] = rng.choice(AV_AGENTS) if rng.random() < 0.95 else "none"
            if rng.random() < 0.9:
                days = _recent(rng, 28, 4)
                row["antivirus.definitions"] = (AS_OF - dt.timedelta(days)).isoformat()
            if rng.random() < 0.5:
                row["warranty.expires"] = _day(rng, -730, 730)
                row["warranty.level"] = rng.choice(WARRANTY_LEVELS[:4])
            if rng.random() < 0.25:
                software, version = SOFTWARE[rng.randrange(len(SOFTWARE))]
                version = version.format(a=rng.randint(0, 9), b=rng.randint(1000, 9999))
                flag = "licensed" if rng.random() < 0.9 else "unlicensed"
                row["software"] = f"{software}@{version}:{flag}"
        yield row


CACHE_FRIENDLY_SITES = ["HQ", "Branch", "Warehouse"]
CACHE_FRIENDLY_OSES = [
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


def cache_friendly_rows(n: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """The original benchmark fleet: four revisions and a few dates (caches hit)."""
    rng = random.Random(seed)
    for i in range(n):
        roll = rng.random()
        row = dict.fromkeys(COLUMNS, "")
        row["hostname"] = f"host-{i:06d}"
        row["site"] = CACHE_FRIENDLY_SITES[i % 3]
        if roll < 0.02:
            row["kind"] = "switch"
            row["role"] = rng.choice(["core", "edge", "access"])
            row["warranty.expires"] = str(AS_OF + dt.timedelta(days=rng.randint(-200, 900)))
            row["warranty.level"] = rng.choice(["24x7", "8x5-nbd"])
        elif roll < 0.025:
            row["kind"] = "firewall"
            row["form"] = "hardware"
            row["os.name"] = "FortiOS 7.4.8"
            for key in ("license_expires", "support_expires", "warranty.expires"):
                row[key] = str(AS_OF + dt.timedelta(days=rng.randint(-100, 700)))
        else:
            kind, name, build, revisions = rng.choice(CACHE_FRIENDLY_OSES)
            row["kind"] = kind
            row["os.name"] = name
            row["os.build"] = build.format(r=rng.choice(revisions)) if build else ""
            row["genuine"] = rng.choice(["true", "true", "true", ""])
            row["licensed"] = rng.choice(["true", "true", "false", ""])
            row["esu_enrolled"] = rng.choice(["", "true", "false"])
            row["patch.last_patched"] = str(AS_OF - dt.timedelta(days=rng.randint(0, 60)))
            row["antivirus.agent"] = rng.choice(["Defender for Endpoint", "none", ""])
            row["antivirus.definitions"] = str(AS_OF - dt.timedelta(days=rng.randint(0, 12)))
            if kind == "server" and rng.random() < 0.3:
                row["software"] = "Microsoft SQL Server 2019@15.0:licensed"
        yield row


SPREADS = {"realistic": realistic_rows, "cache-friendly": cache_friendly_rows}


def companion(sites: list[str]) -> dict[str, object]:
    """The companion YAML: client and sites, environment products, attestations."""
    return {
        "client": {"name": "Benchmark Corp", "sites": [{"name": s} for s in sites]},
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


def write_inventory(directory: Path, n: int, form: str, spread: str = "realistic") -> Path:
    """Write an n-asset inventory (native CSV + companion, or all-YAML); return its path."""
    rows = SPREADS[spread](n)
    sites = REALISTIC_SITES if spread == "realistic" else CACHE_FRIENDLY_SITES
    doc = companion(sites)
    if form == "csv":
        csv_path = directory / f"assets-{spread}-{n}.csv"
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        doc["assets_from"] = [csv_path.name]
    else:
        doc["assets"] = [_nested(row) for row in rows]
    path = directory / f"inventory-{spread}-{form}-{n}.yaml"
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
        name_version, _, flag = row["software"].partition(":")
        name, _, version = name_version.partition("@")
        out["software"] = [{"name": name, "version": version, "licensed": flag == "licensed"}]
    return out
