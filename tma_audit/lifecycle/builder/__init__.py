"""The shipped lifecycle snapshot built from the reference sources (see docs/data.md).

``scripts/build_lifecycle_snapshot.py`` is the command; this package does the work:

- :mod:`.pages`: endoflife.date product pages (YAML front matter) -> product records,
  with :mod:`.liquid` for the few Liquid templates the pages use;
- :mod:`.crosscheck`: the endoflife.date API v1 examples compared with the pages;
- :mod:`.history`: the Windows update history (through the parser `tma-audit data
  update` uses), the client feature releases, and saved MSRC CVRF documents;
- :mod:`.curated`: the curated Windows facts, cross-checked and merged;
- here: the assembly, deterministic (sorted keys, no timestamps but the data dates).

Reads files, never the network or the clock; findings go to a :class:`Report`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tma_audit.lifecycle.builder.crosscheck import crosscheck_api
from tma_audit.lifecycle.builder.curated import merge_curated
from tma_audit.lifecycle.builder.findings import BuildError, Report
from tma_audit.lifecycle.builder.history import WindowsHistory, add_cvrf, read_windows
from tma_audit.lifecycle.builder.pages import ISO_DATE, build_product
from tma_audit.lifecycle.sources import KEPT_UPDATE_TYPES

__all__ = ["BuildError", "Report", "add_cvrf", "build_snapshot", "dump"]

FORMAT_VERSION = 1

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


def newest(dates: Iterable[str]) -> str:
    values = [d for d in dates if ISO_DATE.fullmatch(d)]
    if not values:
        raise BuildError("no dated source")
    return max(values)


def read_products(products_dir: Path) -> dict[str, dict[str, Any]]:
    """Every product page of ``products_dir``, by slug."""
    product_files = sorted(products_dir.glob("*.md"))
    if not product_files:
        raise BuildError(f"{products_dir}: no product files")
    products: dict[str, dict[str, Any]] = {}
    for path in product_files:
        slug, product = build_product(path)
        if slug in products:
            raise BuildError(f"{path}: product {slug!r} defined twice")
        products[slug] = product
    return products


def build_snapshot(source: Path, date: str | None, report: Report) -> dict[str, Any]:
    """The snapshot document built from the reference sources in ``source``."""
    products = read_products(source / "endoflife-date-products")
    api = crosscheck_api(source / "api-v1-examples", products, report)
    builds_dir = source / "windows-builds"
    windows = read_windows(builds_dir)
    facts, curated_date = merge_curated(
        source / "windows_lifecycle_facts.csv", products, windows.updates, report
    )
    api_dates = [generated for _, generated in api]
    licence = (builds_dir / "LICENSE").read_text(encoding="utf-8")
    holder = re.search(r"Copyright \(c\) (.+)", licence)
    sources = [
        _source_entry("endoflife-date", newest(api_dates), products=sorted(products)),
        _source_entry(
            "endoflife-date-api",
            newest(api_dates),
            products=sorted(name for name, _ in api),
        ),
        _source_entry(
            "dataforgeeks-updates",
            windows.updates_date,
            copyright=holder.group(1).strip() if holder else None,
            urls=windows.update_urls,
            kept=sorted(KEPT_UPDATE_TYPES),
        ),
        _source_entry("dataforgeeks-releases", windows.releases_date),
        _source_entry("curated-windows-facts", curated_date),
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
        "date": date or newest([*api_dates, windows.updates_date, curated_date]),
        "updates_date": windows.updates_date,
        "sources": sources,
        "products": products,
        "windows": _windows_tables(windows),
        "updates": windows.updates,
        "facts": facts,
    }


def _source_entry(key: str, when: str, **extra: Any) -> dict[str, Any]:
    description, url, licence_name = SOURCE_DESCRIPTIONS[key]
    return {
        "id": key,
        "description": description,
        "url": url,
        "licence": licence_name,
        "date": when,
        **extra,
    }


def _windows_tables(windows: WindowsHistory) -> dict[str, dict[str, str]]:
    return {
        "client_builds": {str(b): v for b, v in sorted(windows.client_builds.items())},
        "server_builds": {str(b): v for b, v in sorted(windows.server_builds.items())},
    }


def dump(snapshot: dict[str, Any]) -> str:
    return json.dumps(snapshot, sort_keys=True, indent=1, ensure_ascii=True) + "\n"
