"""The curated Windows facts (windows_lifecycle_facts.csv): cross-checked, and merged where
they add what endoflife.date lacks."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tma_audit.lifecycle.builder.findings import BuildError, Report

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


@dataclass(frozen=True, slots=True)
class _Row:
    """One curated row and the endoflife.date release it speaks about."""

    product: str
    cycle: str
    where: str  # "curated Windows 10 22H2 (windows 10-22h2-w)", for findings
    release: dict[str, Any]  # the snapshot record, amended in place


_UPDATE = re.compile(r"(\d+)\.(\d+) (KB\d+) (\d{4}-\d{2}-\d{2})")
_FREE_CU = re.compile(r"final free CU " + _UPDATE.pattern)
_COMMERCIAL_ESU = re.compile(r"commercial\s+(\d{4}-\d{2}-\d{2})")
_AS_OF = re.compile(r"as_of_(\d{4}-\d{2}-\d{2})")


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
    as_of_match = _AS_OF.search(ubr_column or "")
    as_of = as_of_match.group(1) if as_of_match else ""
    facts: list[dict[str, Any]] = []
    for row in rows:
        product, cycle = csv_cycle(row)
        releases = {r["cycle"]: r for r in products[product]["releases"]}
        release = releases.get(cycle)
        where = f"curated {row['product']} {row['release']} ({product} {cycle})"
        if release is None:
            report.contradiction(f"{where}: no such endoflife.date release")
            continue
        curated = _Row(product, cycle, where, release)
        _check_dates(row, curated, report)
        _merge_esu(row["esu_end"].strip(), curated, facts, report)
        _merge_free_cu(row["notes"], curated, updates, facts, report)
        _check_ubr(row[ubr_column or ""].strip(), curated, updates, as_of, report)
    return facts, as_of


def _fact(row: _Row, field: str, value: Any, note: str) -> dict[str, Any]:
    return {
        "product": row.product,
        "cycle": row.cycle,
        "field": field,
        "value": value,
        "source": "curated-windows-facts",
        "note": note,
    }


def _check_dates(row: dict[str, str], curated: _Row, report: Report) -> None:
    release = curated.release
    for column, key in (("ga", "release_date"), ("end_of_servicing", "eol")):
        value = leading_date(row[column])
        if value and release.get(key) != value:
            report.contradiction(
                f"{curated.where}: {column} {value}, endoflife.date {release.get(key)}"
            )


def _merge_esu(esu_text: str, curated: _Row, facts: list[dict[str, Any]], report: Report) -> None:
    """An ESU end endoflife.date lacks is added; one without a firm date stays a note."""
    if not esu_text:
        return
    release, where = curated.release, curated.where
    commercial = _COMMERCIAL_ESU.search(esu_text)
    esu = commercial.group(1) if commercial else leading_date(esu_text)
    if esu is None:
        release.setdefault("notes", []).append(f"ESU (curated, not used): {esu_text}")
        report.info(f"{where}: ESU without a firm date kept as a note: {esu_text}")
    elif release.get("eoes") is None:
        release["eoes"] = esu
        facts.append(_fact(curated, "eoes", esu, esu_text))
        report.info(f"{where}: ESU end {esu} added from the curated facts")
    elif release["eoes"] != esu:
        report.contradiction(f"{where}: ESU end {esu}, endoflife.date {release['eoes']}")
    if esu is not None and esu_text != esu:
        release.setdefault("notes", []).append(f"ESU (curated): {esu_text}")


def _merge_free_cu(
    notes: str,
    curated: _Row,
    updates: dict[str, dict[str, list[str]]],
    facts: list[dict[str, Any]],
    report: Report,
) -> None:
    """The last free cumulative update a row's notes name becomes ``last_free_revision``."""
    free = _FREE_CU.search(notes)
    if not free:
        return
    build, revision, kb, released = free.groups()
    entry = f"{revision}:{kb}:{released}"
    if entry not in updates["client"].get(build, []):
        report.contradiction(f"{curated.where}: final free CU {build}.{revision} not in history")
    curated.release["last_free_revision"] = int(revision)
    facts.append(
        _fact(
            curated,
            "last_free_revision",
            int(revision),
            f"final free cumulative update {build}.{revision} {kb} {released}; "
            "a newer revision implies ESU enrolment",
        )
    )


def _check_ubr(
    text: str,
    curated: _Row,
    updates: dict[str, dict[str, list[str]]],
    as_of: str,
    report: Report,
) -> None:
    """The curated Patch Tuesday UBR must be in the history (an out-of-band newer: info)."""
    ubr = _UPDATE.fullmatch(text)
    if not ubr:
        return
    build, revision, kb, released = ubr.groups()
    line = "server" if curated.product == "windows-server" else "client"
    history = [u for u in updates[line].get(build, []) if u.split(":")[2] <= as_of]
    standard = history[-1] if history else None
    if f"{revision}:{kb}:{released}" not in updates[line].get(build, []):
        report.contradiction(f"{curated.where}: UBR {build}.{revision} {kb} not in the history")
    elif standard and standard.split(":")[0] != revision:
        report.info(
            f"{curated.where}: curated Patch Tuesday UBR {build}.{revision}, newest kept "
            f"update {build}.{standard.split(':')[0]} (out-of-band)"
        )
