#!/usr/bin/env python3
"""Build tma_audit/lifecycle/data/snapshot.json from the reference lifecycle sources.

Usage::

    python scripts/build_lifecycle_snapshot.py [SOURCE_DIR] [--output FILE] [--date YYYY-MM-DD]
        [--cvrf DIR]

SOURCE_DIR defaults to ``../shared/reference/lifecycle`` next to the repository root. It holds:

- ``endoflife-date-products/*.md``: endoflife.date product pages (YAML front matter, MIT);
- ``api-v1-examples/*.json``: endoflife.date API v1 answers, used to cross-check and to
  date the snapshot (their ``generated_at``);
- ``windows-builds/win-buildnumbers.json`` and ``win-releases.json``: the Windows
  cumulative-update history and the client feature releases (DataForGeeks, MIT);
- ``windows_lifecycle_facts.csv``: curated Windows facts, cross-checked and merged where
  they add something endoflife.date lacks (e.g. the last free Windows 10 22H2 update).

``--cvrf DIR`` adds the monthly MSRC CVRF documents saved in DIR (``*.json``, the answers
of ``https://api.msrc.microsoft.com/cvrf/v3.0/cvrf/{ID}``) to the update history, as
``tma-audit data update`` does: a release can ship a newer history without network at
build time.

The output is deterministic: sorted keys, no timestamps except the data dates, so building
twice from the same sources gives byte-identical files. Cross-check findings are printed to
stderr; a contradiction between sources does not stop the build (endoflife.date wins and
the curated value is kept as a note) unless ``--strict`` is given.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

FORMAT_VERSION = 1

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "reference" / "lifecycle"
DEFAULT_OUTPUT = REPO_ROOT / "tma_audit" / "lifecycle" / "data" / "snapshot.json"

#: Cumulative-update kinds kept. Previews are optional non-security updates; Hotpatch
#: revisions are numbered below the same month's cumulative update (26100.9106 hotpatch vs
#: 26100.9168 CU on 2026-08-11), so mixing them in would make "the latest update" go
#: backwards for every device that is not enrolled in hotpatching.
KEPT_UPDATE_TYPES = frozenset({"Standard", "Out-of-band"})

#: Short names used to build a human label when endoflife.date's label is only a number
#: ("7.2" -> "FortiOS 7.2"). Products whose labels already carry the name are absent.
DISPLAY_PREFIX: dict[str, str] = {
    "almalinux": "AlmaLinux OS",
    "big-ip": "F5 BIG-IP",
    "centos": "CentOS",
    "cisco-ios-xe": "Cisco IOS XE",
    "citrix-vad": "Citrix Virtual Apps and Desktops",
    "clamav": "ClamAV",
    "commvault": "Commvault",
    "debian": "Debian",
    "dotnet": ".NET",
    "dotnetfx": ".NET Framework",
    "fortios": "FortiOS",
    "internet-explorer": "Internet Explorer",
    "msexchange": "Exchange Server",
    "mssqlserver": "SQL Server",
    "netbackup-appliance-os": "NetBackup Appliance OS",
    "nutanix-aos": "Nutanix AOS",
    "office": "Office",
    "opnsense": "OPNsense",
    "oracle-linux": "Oracle Linux",
    "cortex-xdr": "Cortex XDR agent",
    "pangp": "GlobalProtect",
    "panos": "PAN-OS",
    "proxmox-backup-server": "Proxmox Backup Server",
    "proxmox-ve": "Proxmox VE",
    "rhel": "Red Hat Enterprise Linux",
    "rocky-linux": "Rocky Linux",
    "sharepoint": "SharePoint Server",
    "sles": "SUSE Linux Enterprise Server",
    "sns-firmware": "Stormshield SNS",
    "sns-hardware": "Stormshield",
    "sns-smc": "Stormshield SMC",
    "surface": "Surface",
    "ubuntu": "Ubuntu",
    "veeam-backup-and-replication": "Veeam Backup & Replication",
    "veeam-backup-for-microsoft-365": "Veeam Backup for Microsoft 365",
    "veeam-one": "Veeam ONE",
    "esxi": "VMware ESXi",
    "vcenter": "VMware vCenter Server",
    "windows-embedded": "Windows Embedded",
    "windows-nano-server": "Nano Server",
    "windows-powershell": "Windows PowerShell",
    "windows-server-core": "Windows Server Core",
    "xcp-ng": "XCP-ng",
    "zerto": "Zerto",
}

#: Windows client cycles whose endoflife.date label does not tell them apart
#: ("10 1809 (E)" is both the LTSC and the non-LTSC cycle).
WINDOWS_LABELS: dict[str, str] = {
    "11-24h2-iot-lts": "Windows 11 IoT Enterprise LTSC 2024",
    "11-24h2-e-lts": "Windows 11 Enterprise LTSC 2024",
    "10-21h2-iot-lts": "Windows 10 IoT Enterprise LTSC 2021",
    "10-21h2-e-lts": "Windows 10 Enterprise LTSC 2021",
    "10-1809-e-lts": "Windows 10 Enterprise LTSC 2019",
    "10-1607-e-lts": "Windows 10 Enterprise LTSB 2016",
    "10-1507-e-lts": "Windows 10 Enterprise LTSB 2015",
    "10-1507-iot": "Windows 10 IoT Core 1507",
}

#: Windows Server SAC builds that the update history does not cover (server side).
SERVER_SAC_BUILDS: dict[int, str] = {
    16299: "1709",
    17134: "1803",
    18362: "1903",
    18363: "1909",
    19041: "2004",
    19042: "20H2",
}

SOURCE_DESCRIPTIONS = {
    "endoflife-date": (
        "endoflife.date product data",
        "https://github.com/endoflife-date/endoflife.date/tree/master/products",
        "MIT",
    ),
    "endoflife-date-api": (
        "endoflife.date API v1 (cross-check)",
        "https://endoflife.date/api/v1/products/",
        "MIT",
    ),
    "dataforgeeks-updates": (
        "DataForGeeks Windows update history (from Microsoft update-history pages)",
        "https://support.microsoft.com/en-us/topic/windows-10-update-history-24ea91f4-36e7-d8fd-0ddb-d79d9d0cdbda",
        "MIT",
    ),
    "dataforgeeks-releases": (
        "DataForGeeks Windows release history",
        "https://learn.microsoft.com/en-us/windows/release-health/release-information",
        "MIT",
    ),
    "curated-windows-facts": (
        "Curated Windows lifecycle facts (windows_lifecycle_facts.csv)",
        "windows_lifecycle_facts.csv",
        "project data",
    ),
}

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class BuildError(Exception):
    """A source that cannot be used."""


class Report:
    """Cross-check findings, printed to stderr."""

    def __init__(self) -> None:
        self.contradictions: list[str] = []
        self.infos: list[str] = []

    def contradiction(self, text: str) -> None:
        self.contradictions.append(text)

    def info(self, text: str) -> None:
        self.infos.append(text)


# --- endoflife.date front matter -------------------------------------------------------


def read_front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        raise BuildError(f"{path}: no YAML front matter")
    end = text.find("\n---", 3)
    if end < 0:
        raise BuildError(f"{path}: unterminated YAML front matter")
    data = yaml.safe_load(text[3:end])
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        raise BuildError(f"{path}: front matter without releases")
    return data


def date_or_flag(value: Any, where: str) -> str | bool | None:
    """A lifecycle field: an ISO date, a boolean (true = that phase has ended), or absent."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return value
    raise BuildError(f"{where}: not a date or boolean: {value!r}")


def plain_date(value: Any, where: str) -> str | None:
    result = date_or_flag(value, where)
    if isinstance(result, bool):
        raise BuildError(f"{where}: expected a date, got {result!r}")
    return result


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


# A very small subset of Liquid: the filters endoflife.date's changelog templates use.
_LIQUID_TAG = re.compile(r"({{.*?}}|{%.*?%})", re.DOTALL)
_LIQUID_LITERAL = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|(-?\d+)|([A-Za-z_]\w*))\s*$""")


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quote = ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == separator:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _liquid_expr(expr: str, variables: dict[str, Any]) -> Any:
    parts = _split_outside_quotes(expr, "|")
    match = _LIQUID_LITERAL.match(parts[0])
    if not match:
        raise BuildError(f"unsupported Liquid expression: {expr!r}")
    value: Any
    if match.group(1) is not None:
        value = match.group(1)
    elif match.group(2) is not None:
        value = match.group(2)
    elif match.group(3) is not None:
        value = int(match.group(3))
    else:
        value = variables.get(match.group(4), "")
    for raw in parts[1:]:
        name, _, argtext = raw.strip().partition(":")
        args = [_unquote(a) for a in _split_outside_quotes(argtext, ",")] if argtext else []
        if name == "replace":
            value = str(value).replace(args[0], args[1] if len(args) > 1 else "")
        elif name == "split":
            value = str(value).split(args[0])
        elif name == "join":
            value = args[0].join(str(v) for v in value)
        elif name == "slice":
            start = int(args[0])
            length = int(args[1]) if len(args) > 1 else 1
            value = value[start : start + length]
        elif name == "first":
            value = value[0] if value else ""
        elif name == "plus":
            value = int(str(value)) + int(args[0])
        else:
            raise BuildError(f"unsupported Liquid filter: {name!r}")
    return value


def _liquid_str(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return str(value)


def render_liquid(template: str) -> str:
    """Render the few Liquid constructs found in endoflife.date templates."""
    if "{" not in template:
        return template
    variables: dict[str, Any] = {}
    output: list[str] = []
    emitting: list[bool] = [True]
    for piece in _LIQUID_TAG.split(template):
        if piece.startswith("{{"):
            if all(emitting):
                output.append(_liquid_str(_liquid_expr(piece[2:-2], variables)))
        elif piece.startswith("{%"):
            tag = piece[2:-2].strip()
            if tag.startswith("assign "):
                name, _, expr = tag[len("assign ") :].partition("=")
                if all(emitting):
                    variables[name.strip()] = _liquid_expr(expr, variables)
            elif tag.startswith("if "):
                cond = re.fullmatch(r"if\s+(\S+)\s*(<|>|==|!=|<=|>=)\s*(\S+)", tag)
                if not cond:
                    raise BuildError(f"unsupported Liquid condition: {tag!r}")
                left = _liquid_expr(cond.group(1), variables)
                right = _liquid_expr(cond.group(3), variables)
                ops = {
                    "<": left < right,
                    ">": left > right,
                    "==": left == right,
                    "!=": left != right,
                    "<=": left <= right,
                    ">=": left >= right,
                }
                emitting.append(bool(ops[cond.group(2)]))
            elif tag == "else":
                emitting[-1] = not emitting[-1]
            elif tag == "endif":
                emitting.pop()
            else:
                raise BuildError(f"unsupported Liquid tag: {tag!r}")
        elif all(emitting):
            output.append(piece)
    return "".join(output)


def render_template(template: str, release: dict[str, Any]) -> str:
    """endoflife.date's render_eol_template: placeholders, then Liquid."""
    text = template.strip()
    text = text.replace("__RELEASE_CYCLE__", text_or_none(release.get("releaseCycle")) or "")
    text = text.replace("__CODENAME__", text_or_none(release.get("codename")) or "")
    text = text.replace("__LATEST__", text_or_none(release.get("latest")) or "")
    latest_date = release.get("latestReleaseDate")
    text = text.replace(
        "__LATEST_RELEASE_DATE__",
        latest_date.isoformat() if isinstance(latest_date, dt.date) else "",
    )
    return render_liquid(text)


def display_label(slug: str, cycle: str, eol_label: str) -> str:
    """A label a person can read on its own: "FortiOS 7.2", "Windows 10 22H2"."""
    if slug == "windows":
        if cycle in WINDOWS_LABELS:
            return WINDOWS_LABELS[cycle]
        text = eol_label.replace("(E)", "(Enterprise/Education)").replace("(W)", "(Home/Pro)")
        return f"Windows {text}"
    prefix = DISPLAY_PREFIX.get(slug)
    if prefix and not eol_label.lower().startswith(prefix.lower()):
        if slug == "citrix-vad" and eol_label.startswith("XenDesktop"):
            return f"Citrix {eol_label}"
        return f"{prefix} {eol_label}"
    return eol_label


def build_product(path: Path) -> tuple[str, dict[str, Any]]:
    front = read_front_matter(path)
    # endoflife.date names a product by its permalink ("panos" for pan-os.md), as the API does.
    slug = str(front.get("permalink", "/" + path.stem)).strip("/")
    aliases = sorted(
        (
            {str(a).strip("/") for a in (front.get("alternate_urls") or [])}
            | {str(a).strip("/") for a in (front.get("alternative_urls") or [])}
            | {path.stem}
        )
        - {slug}
    )
    releases: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in front["releases"]:
        cycle = text_or_none(raw.get("releaseCycle"))
        if cycle is None:
            raise BuildError(f"{path}: a release without releaseCycle")
        if cycle in seen:
            raise BuildError(f"{path}: duplicate releaseCycle {cycle!r}")
        seen.add(cycle)
        where = f"{path.name} {cycle}"
        template = raw.get("releaseLabel") or front.get("releaseLabel")
        eol_label = render_template(str(template), raw) if template else cycle
        if "link" in raw:
            link = text_or_none(raw["link"])
            if link and "__" in link:
                link = render_template(link, raw)
        elif front.get("changelogTemplate"):
            link = render_template(str(front["changelogTemplate"]), raw)
        else:
            link = None
        lts = raw.get("lts", False)
        record: dict[str, Any] = {
            "cycle": cycle,
            "label": display_label(slug, cycle, eol_label),
            "eol_label": eol_label,
            "release_date": plain_date(raw.get("releaseDate"), where),
            "eoas": date_or_flag(raw.get("eoas"), where),
            "eol": date_or_flag(raw.get("eol"), where),
            "eoes": date_or_flag(raw.get("eoes"), where),
            "lts": date_or_flag(lts, where) if not isinstance(lts, bool) else lts,
            "latest": text_or_none(raw.get("latest")),
            "codename": text_or_none(raw.get("codename")),
            "link": link or None,
        }
        # Keep false for the lifecycle phases (false = not ended); drop empty fields.
        releases.append(
            {k: v for k, v in record.items() if v is not None and (v is not False or k != "lts")}
        )
    product = {
        "label": str(front.get("title", slug)),
        "category": str(front.get("category", "")),
        "link": f"https://endoflife.date/{slug}",
        "aliases": aliases,
        "releases": releases,
    }
    if front.get("releasePolicyLink"):
        product["policy"] = str(front["releasePolicyLink"])
    return slug, product


# --- API v1 cross-check ------------------------------------------------------------------


def strip_html(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def crosscheck_api(
    api_dir: Path, products: dict[str, dict[str, Any]], report: Report
) -> list[tuple[str, str]]:
    """Compare each API example with the product data; returns (name, generated_at)."""
    seen: list[tuple[str, str]] = []
    for path in sorted(api_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        result = data.get("result", {})
        name = str(result.get("name", ""))
        generated = str(data.get("generated_at", ""))[:10]
        seen.append((name, generated))
        product = products.get(name)
        if product is None:
            report.contradiction(f"{path.name}: product {name!r} has no endoflife.date page")
            continue
        by_cycle = {r["cycle"]: r for r in product["releases"]}
        for rel in result.get("releases", []):
            ours = by_cycle.get(rel["name"])
            if ours is None:
                report.contradiction(f"{path.name}: release {rel['name']!r} missing from {name}.md")
                continue
            for api_key, flag_key, our_key in (
                ("eolFrom", "isEol", "eol"),
                ("eoasFrom", "isEoas", "eoas"),
                ("eoesFrom", "isEoes", "eoes"),
            ):
                value = ours.get(our_key)
                api_value = rel.get(api_key)
                if isinstance(value, str) and api_value != value:
                    report.contradiction(
                        f"{name} {rel['name']}: {our_key} {value} in the .md, "
                        f"{api_value} in the API"
                    )
                if (
                    isinstance(value, bool)
                    and rel.get(flag_key) is not None
                    and (rel.get(flag_key) != value)
                ):
                    report.contradiction(
                        f"{name} {rel['name']}: {our_key} flag {value} in the .md, "
                        f"{flag_key}={rel.get(flag_key)} in the API"
                    )
            if rel.get("releaseDate") != ours.get("release_date"):
                report.contradiction(
                    f"{name} {rel['name']}: releaseDate {ours.get('release_date')} in the .md, "
                    f"{rel.get('releaseDate')} in the API"
                )
            api_label = strip_html(str(rel.get("label", "")))
            base_label = re.sub(r" \([^()]*\)$", "", api_label) if rel.get("isLts") else api_label
            if ours["eol_label"] not in (api_label, base_label):
                report.contradiction(
                    f"{name} {rel['name']}: label {ours['eol_label']!r} resolved, "
                    f"{api_label!r} in the API"
                )
        report.info(f"api-v1 {name}: {len(result.get('releases', []))} releases cross-checked")
    return seen


# --- Windows update history --------------------------------------------------------------


def build_updates(
    path: Path,
) -> tuple[dict[str, dict[str, list[str]]], dict[int, str], str, list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    meta = data.get("metadata", {})
    collected = str(meta.get("lastCollected", ""))[:10]
    if not ISO_DATE.fullmatch(collected):
        raise BuildError(f"{path}: metadata.lastCollected missing")
    rows = data.get("data")
    if not isinstance(rows, list) or len(rows) != meta.get("recordCount", len(rows)):
        raise BuildError(f"{path}: data does not match recordCount")
    lines: dict[tuple[str, int], dict[int, tuple[str, str]]] = defaultdict(dict)
    server_builds: dict[int, str] = {}
    for row in rows:
        os_type = row["os_type"]
        if os_type not in ("client", "server"):
            raise BuildError(f"{path}: unknown os_type {os_type!r}")
        build_text = str(row["build"])
        match = re.fullmatch(r"(\d+)\.(\d+)", build_text)
        if not match:
            raise BuildError(f"{path}: bad build {build_text!r}")
        build, revision = int(match.group(1)), int(match.group(2))
        if os_type == "server":
            version = str(row["windows_version"])
            generation = (
                version.upper()
                if re.fullmatch(r"\d\dH\d", version, re.I)
                else str(row["major_version"])
            )
            previous = server_builds.setdefault(build, generation)
            if previous != generation:
                raise BuildError(
                    f"{path}: server build {build} is both {previous} and {generation}"
                )
        if row["release_type"] not in KEPT_UPDATE_TYPES:
            continue
        kb = str(row["kb_article"])
        released = str(row["release_date"])
        if not re.fullmatch(r"KB\d+", kb) or not ISO_DATE.fullmatch(released):
            raise BuildError(f"{path}: bad KB or date in {row!r}")
        existing = lines[(os_type, build)].get(revision)
        if existing and existing != (kb, released):
            raise BuildError(f"{path}: {os_type} {build}.{revision} listed twice")
        lines[(os_type, build)][revision] = (kb, released)
    updates: dict[str, dict[str, list[str]]] = {"client": {}, "server": {}}
    for (os_type, build), revisions in sorted(lines.items()):
        ordered = sorted(revisions.items(), key=lambda item: (item[1][1], item[0]))
        dates = [released for _, (_, released) in ordered]
        revs = [rev for rev, _ in ordered]
        if revs != sorted(revs) or dates != sorted(dates):
            raise BuildError(f"{path}: {os_type} {build}: revisions not in date order")
        updates[os_type][str(build)] = [f"{rev}:{kb}:{released}" for rev, (kb, released) in ordered]
    urls = [str(u) for u in meta.get("sourceUrls", [])]
    return updates, server_builds, collected, urls


def build_client_features(releases_path: Path, updates_path: Path) -> tuple[dict[int, str], str]:
    features: dict[int, str] = {}
    data = json.loads(releases_path.read_text(encoding="utf-8"))
    for row in data.get("data", []):
        if row.get("os_type") != "client":
            continue
        version = str(row["windows_version"]).split()[0].upper()
        features[int(row["os_build"])] = version
    for row in json.loads(updates_path.read_text(encoding="utf-8"))["data"]:
        if row["os_type"] == "client":
            build = int(str(row["build"]).split(".")[0])
            version = str(row["windows_version"]).upper()
            if features.setdefault(build, version) != version:
                raise BuildError(f"client build {build}: {features[build]} vs {version}")
    collected = str(data.get("metadata", {}).get("lastCollected", ""))[:10]
    return features, collected


# --- curated CSV -------------------------------------------------------------------------

_EDITION_SUFFIX = {
    "home/pro (w)": "-w",
    "w": "-w",
    "ent/edu (e)": "-e",
    "e": "-e",
    "enterprise ltsc": "-e-lts",
    "enterprise ltsb": "-e-lts",
    "iot ent ltsc": "-iot-lts",
}


def csv_cycle(row: dict[str, str]) -> tuple[str, str]:
    """The endoflife.date (product, cycle) a curated row speaks about."""
    product = "windows-server" if row["product"] == "Windows Server" else "windows"
    source = row["source"]
    match = re.search(r"eol\.date\s+(?:windows(?:-server)?\s+)?([0-9a-z.*-]+)", source)
    if not match:
        raise BuildError(f"windows_lifecycle_facts.csv: no cycle in source {source!r}")
    cycle = match.group(1)
    if cycle.endswith("-*"):
        suffix = _EDITION_SUFFIX.get(row["edition_scope"].strip().lower())
        if suffix is None:
            raise BuildError(f"windows_lifecycle_facts.csv: edition {row['edition_scope']!r}")
        cycle = cycle[:-2] + suffix
    return product, cycle


def leading_date(text: str) -> str | None:
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", text)
    return match.group(1) if match else None


def merge_curated(
    path: Path,
    products: dict[str, dict[str, Any]],
    updates: dict[str, dict[str, list[str]]],
    report: Report,
) -> tuple[list[dict[str, Any]], str]:
    """Cross-check the curated CSV and carry the facts endoflife.date lacks."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fieldnames = reader.fieldnames or []
        rows = list(reader)
    ubr_column = next((f for f in fieldnames if f.startswith("latest_PatchTuesday_UBR")), None)
    as_of_match = re.search(r"as_of_(\d{4}-\d{2}-\d{2})", ubr_column or "")
    as_of = as_of_match.group(1) if as_of_match else ""
    facts: list[dict[str, Any]] = []

    def add_fact(product: str, cycle: str, field: str, value: Any, note: str) -> None:
        facts.append(
            {
                "product": product,
                "cycle": cycle,
                "field": field,
                "value": value,
                "source": "curated-windows-facts",
                "note": note,
            }
        )

    for row in rows:
        product, cycle = csv_cycle(row)
        releases = {r["cycle"]: r for r in products[product]["releases"]}
        release = releases.get(cycle)
        where = f"curated {row['product']} {row['release']} ({product} {cycle})"
        if release is None:
            report.contradiction(f"{where}: no such endoflife.date release")
            continue
        for column, key in (("ga", "release_date"), ("end_of_servicing", "eol")):
            value = leading_date(row[column])
            if value and release.get(key) != value:
                report.contradiction(
                    f"{where}: {column} {value}, endoflife.date {release.get(key)}"
                )
        esu_text = row["esu_end"].strip()
        if esu_text:
            commercial = re.search(r"commercial\s+(\d{4}-\d{2}-\d{2})", esu_text)
            esu = commercial.group(1) if commercial else leading_date(esu_text)
            if esu is None:
                release.setdefault("notes", []).append(f"ESU (curated, not used): {esu_text}")
                report.info(f"{where}: ESU without a firm date kept as a note: {esu_text}")
            elif release.get("eoes") is None:
                release["eoes"] = esu
                add_fact(product, cycle, "eoes", esu, esu_text)
                report.info(f"{where}: ESU end {esu} added from the curated facts")
            elif release["eoes"] != esu:
                report.contradiction(f"{where}: ESU end {esu}, endoflife.date {release['eoes']}")
            if esu is not None and esu_text != esu:
                release.setdefault("notes", []).append(f"ESU (curated): {esu_text}")
        notes = row["notes"]
        free = re.search(r"final free CU (\d+)\.(\d+) (KB\d+) (\d{4}-\d{2}-\d{2})", notes)
        if free:
            build, revision, kb, released = free.groups()
            entry = f"{revision}:{kb}:{released}"
            if entry not in updates["client"].get(build, []):
                report.contradiction(f"{where}: final free CU {build}.{revision} not in history")
            release["last_free_revision"] = int(revision)
            add_fact(
                product,
                cycle,
                "last_free_revision",
                int(revision),
                f"final free cumulative update {build}.{revision} {kb} {released}; "
                "a newer revision implies ESU enrolment",
            )
        ubr = re.fullmatch(
            r"(\d+)\.(\d+) (KB\d+) (\d{4}-\d{2}-\d{2})", row[ubr_column or ""].strip()
        )
        if ubr:
            build, revision, kb, released = ubr.groups()
            line = "server" if product == "windows-server" else "client"
            history = [u for u in updates[line].get(build, []) if u.split(":")[2] <= as_of]
            standard = history[-1] if history else None
            if f"{revision}:{kb}:{released}" not in updates[line].get(build, []):
                report.contradiction(f"{where}: UBR {build}.{revision} {kb} not in the history")
            elif standard and standard.split(":")[0] != revision:
                report.info(
                    f"{where}: curated Patch Tuesday UBR {build}.{revision}, newest kept update "
                    f"{build}.{standard.split(':')[0]} (out-of-band)"
                )
    return facts, as_of


# --- assembly ----------------------------------------------------------------------------


def newest(dates: Iterable[str]) -> str:
    values = [d for d in dates if ISO_DATE.fullmatch(d)]
    if not values:
        raise BuildError("no dated source")
    return max(values)


def build_snapshot(source: Path, date: str | None, report: Report) -> dict[str, Any]:
    products_dir = source / "endoflife-date-products"
    product_files = sorted(products_dir.glob("*.md"))
    if not product_files:
        raise BuildError(f"{products_dir}: no product files")
    products: dict[str, dict[str, Any]] = {}
    for path in product_files:
        slug, product = build_product(path)
        if slug in products:
            raise BuildError(f"{path}: product {slug!r} defined twice")
        products[slug] = product

    api = crosscheck_api(source / "api-v1-examples", products, report)
    builds_dir = source / "windows-builds"
    updates, server_builds, updates_date, update_urls = build_updates(
        builds_dir / "win-buildnumbers.json"
    )
    client_features, releases_date = build_client_features(
        builds_dir / "win-releases.json", builds_dir / "win-buildnumbers.json"
    )
    for build, generation in SERVER_SAC_BUILDS.items():
        server_builds.setdefault(build, generation)
    facts, curated_date = merge_curated(
        source / "windows_lifecycle_facts.csv", products, updates, report
    )

    api_dates = [generated for _, generated in api]
    snapshot_date = date or newest([*api_dates, updates_date, curated_date])
    licence = (builds_dir / "LICENSE").read_text(encoding="utf-8")
    holder = re.search(r"Copyright \(c\) (.+)", licence)

    def source_entry(key: str, when: str, **extra: Any) -> dict[str, Any]:
        description, url, licence_name = SOURCE_DESCRIPTIONS[key]
        return {
            "id": key,
            "description": description,
            "url": url,
            "licence": licence_name,
            "date": when,
            **extra,
        }

    sources = [
        source_entry("endoflife-date", newest(api_dates), products=sorted(products)),
        source_entry(
            "endoflife-date-api",
            newest(api_dates),
            products=sorted(name for name, _ in api),
        ),
        source_entry(
            "dataforgeeks-updates",
            updates_date,
            copyright=holder.group(1).strip() if holder else None,
            urls=update_urls,
            kept=sorted(KEPT_UPDATE_TYPES),
        ),
        source_entry("dataforgeeks-releases", releases_date),
        source_entry("curated-windows-facts", curated_date),
    ]
    # The MIT notices travel inside the data file, so every copy of the data carries them.
    mit_text = licence[licence.index("Permission is hereby granted") :].strip()
    notices = {
        "endoflife-date": "Copyright 2020 endoflife.date contributors",
        "dataforgeeks": holder.group(0).strip() if holder else "DataForGeeks",
        "mit": mit_text,
    }
    return {
        "format": FORMAT_VERSION,
        "licence_notices": notices,
        "date": snapshot_date,
        "updates_date": updates_date,
        "sources": sources,
        "products": products,
        "windows": {
            "client_builds": {str(b): v for b, v in sorted(client_features.items())},
            "server_builds": {str(b): v for b, v in sorted(server_builds.items())},
        },
        "updates": updates,
        "facts": facts,
    }


def add_cvrf(snapshot: dict[str, Any], folder: Path, today: dt.date) -> list[str]:
    """Merge the CVRF documents of ``folder`` into the snapshot's update history; returns
    their IDs. The same derivation as `tma-audit data update` (tma_audit.lifecycle.msrc)."""
    from tma_audit.lifecycle.bounded import loads
    from tma_audit.lifecycle.msrc import merge_updates, parse_cvrf_document
    from tma_audit.lifecycle.sources import SourceError

    files = sorted(folder.glob("*.json"))
    if not files:
        raise BuildError(f"{folder}: no CVRF documents (*.json)")
    months = []
    for path in files:
        try:
            months.append(parse_cvrf_document(loads(path.read_bytes(), max_bytes=256 << 20), today))
        except (SourceError, ValueError) as exc:
            raise BuildError(f"{path}: {exc}") from None
    ids = [m.id for m in months]
    if len(set(ids)) != len(ids):
        raise BuildError(f"{folder}: a month is there twice ({', '.join(sorted(ids))})")
    latest = today + dt.timedelta(days=1)
    snapshot["updates"] = merge_updates(snapshot["updates"], months, latest=latest)
    for month in months:
        for line in ("client", "server"):
            table = snapshot["windows"][f"{line}_builds"]
            for build, generation in month.builds[line].items():
                table.setdefault(build, generation)
            snapshot["windows"][f"{line}_builds"] = dict(
                sorted(table.items(), key=lambda item: int(item[0]))
            )
    newest_month = max(m.initial for m in months).isoformat()
    snapshot["updates_date"] = max(snapshot["updates_date"], newest_month)
    snapshot["sources"].append(
        {
            "id": "msrc-cvrf",
            "description": "Microsoft Security Update Guide (MSRC CVRF API v3.0)",
            "url": "https://api.msrc.microsoft.com/cvrf/v3.0/updates",
            "licence": "Microsoft Terms of Use",
            "date": newest_month,
            "documents": sorted(ids),
        }
    )
    return sorted(ids)


def dump(snapshot: dict[str, Any]) -> str:
    return json.dumps(snapshot, sort_keys=True, indent=1, ensure_ascii=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", "-o", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--date", help="snapshot date (YYYY-MM-DD); default: newest source date")
    parser.add_argument("--strict", action="store_true", help="fail on any contradiction")
    parser.add_argument("--quiet", "-q", action="store_true", help="print contradictions only")
    parser.add_argument(
        "--cvrf", type=Path, metavar="DIR", help="add the MSRC CVRF documents (*.json) in DIR"
    )
    args = parser.parse_args(argv)
    if args.date is not None:
        try:
            dt.date.fromisoformat(args.date)
        except ValueError:
            parser.error(f"--date: not a date: {args.date!r}")
    report = Report()
    try:
        snapshot = build_snapshot(args.source, args.date, report)
        if args.cvrf is not None:
            today = dt.date.today()  # noqa: DTZ011 - only to refuse documents dated later
            added = add_cvrf(snapshot, args.cvrf, today)
            report.info(f"CVRF documents added: {', '.join(added)}")
    except (BuildError, OSError, KeyError, ValueError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        for line in report.infos:
            print(f"info: {line}", file=sys.stderr)
    for line in report.contradictions:
        print(f"contradiction: {line}", file=sys.stderr)
    if args.strict and report.contradictions:
        return 1
    text = dump(snapshot)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    if not args.quiet:
        print(f"wrote {args.output} ({len(text.encode())} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
