"""The Windows update history and feature releases (DataForGeeks' files), and saved MSRC
CVRF documents, as the snapshot's ``updates`` and ``windows`` tables.

The update history is read by :func:`tma_audit.lifecycle.sources.parse_update_history`,
the parser `tma-audit data update` uses: one parser, one set of checks.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tma_audit.lifecycle.bounded import loads
from tma_audit.lifecycle.builder.findings import BuildError
from tma_audit.lifecycle.msrc import merge_updates, parse_cvrf_document
from tma_audit.lifecycle.sources import SourceError, UpdateHistoryDoc, parse_update_history

#: Windows Server SAC builds that the update history does not cover (server side).
SERVER_SAC_BUILDS: dict[int, str] = {
    16299: "1709",
    17134: "1803",
    18362: "1903",
    18363: "1909",
    19041: "2004",
    19042: "20H2",
}


@dataclass(frozen=True, slots=True)
class WindowsHistory:
    """The builder's view of the Windows sources."""

    updates: dict[str, dict[str, list[str]]]  # {"client"|"server": {build: ["rev:KB:date"]}}
    client_builds: dict[int, str]  # build -> feature release
    server_builds: dict[int, str]  # build -> server generation
    updates_date: str  # the update history's lastCollected
    releases_date: str  # the release history's lastCollected
    update_urls: list[str]


def read_update_history(path: Path) -> UpdateHistoryDoc:
    """``win-buildnumbers.json``, validated; a build with two generations is refused."""
    try:
        history = parse_update_history(json.loads(path.read_text(encoding="utf-8")), {})
    except SourceError as exc:
        raise BuildError(f"{path}: {exc}") from None
    if history.conflicts:
        raise BuildError(f"{path}: {history.conflicts[0]}")
    return history


def read_windows(builds_dir: Path) -> WindowsHistory:
    """``win-buildnumbers.json`` and ``win-releases.json`` of ``builds_dir``."""
    history = read_update_history(builds_dir / "win-buildnumbers.json")
    features, releases_date = _client_features(builds_dir / "win-releases.json")
    for build_text, version in history.client_builds.items():
        build = int(build_text)
        if features.setdefault(build, version) != version:
            raise BuildError(f"client build {build}: {features[build]} vs {version}")
    server_builds = {int(build): generation for build, generation in history.server_builds.items()}
    for build, generation in SERVER_SAC_BUILDS.items():
        server_builds.setdefault(build, generation)
    return WindowsHistory(
        updates=history.updates,
        client_builds=features,
        server_builds=server_builds,
        updates_date=history.collected.isoformat(),
        releases_date=releases_date,
        update_urls=list(history.source_urls),
    )


def _client_features(releases_path: Path) -> tuple[dict[int, str], str]:
    features: dict[int, str] = {}
    data = json.loads(releases_path.read_text(encoding="utf-8"))
    for row in data.get("data", []):
        if row.get("os_type") != "client":
            continue
        version = str(row["windows_version"]).split()[0].upper()
        features[int(row["os_build"])] = version
    collected = str(data.get("metadata", {}).get("lastCollected", ""))[:10]
    return features, collected


def add_cvrf(snapshot: dict[str, Any], folder: Path, today: dt.date) -> list[str]:
    """Merge the CVRF documents of ``folder`` into the snapshot's update history; returns
    their IDs. The same derivation as `tma-audit data update` (tma_audit.lifecycle.msrc)."""
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
