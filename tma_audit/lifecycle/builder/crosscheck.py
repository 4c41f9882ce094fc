"""The endoflife.date API v1 examples compared with the product pages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tma_audit.lifecycle.builder.findings import Report


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
