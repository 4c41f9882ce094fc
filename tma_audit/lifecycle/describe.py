"""What `tma-audit data show` says about the lifecycle data in use. Pure: returns text."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tma_audit.lifecycle.cache import DataInUse
    from tma_audit.lifecycle.settings import DataSettings
    from tma_audit.lifecycle.staleness import Staleness


def describe_data(
    in_use: DataInUse,
    staleness: tuple[Staleness, ...],
    settings: DataSettings,
    as_of: dt.date,
    width: int,
) -> str:
    """The text of `data show`."""
    wrap = max(40, min(width, 100))
    info = in_use.info
    lines = [f"Lifecycle data in use: {info.kind}, {info.file}"]
    updates = info.updates_date.isoformat() if info.updates_date else "unknown"
    lines.append(f"  lifecycle dates of {info.date}; Windows update history to {updates}")
    if info.kind != "pinned":
        shipped = in_use.shipped
        if shipped is not None and info.kind != "shipped":
            why = "older" if shipped.sort_key < info.sort_key else "not newer than the cache"
            lines.append(f"  shipped snapshot: {shipped.date} ({why}; not used)")
        cache = in_use.cache_file
        if in_use.cache_problem:
            lines.append(f"  cache: unusable: {in_use.cache_problem}")
        elif in_use.cached is None:
            lines.append(f"  cache: none yet in {settings.cache_dir} (run `tma-audit data update`)")
        elif info.kind != "cached":
            lines.append(f"  cache: {in_use.cached.date} in {cache} (older; not used)")
    lines.append("")
    lines.append("Sources:")
    for source in sorted(info.sources, key=lambda s: (s.date, s.description), reverse=True):
        licence = f" ({source.licence})" if source.licence else ""
        lines.append(f"  {source.date}  {source.description}{licence}")
        if source.url:
            lines.append(f"              {source.url}")
    lines.append("")
    lines.append(f"Products covered ({len(info.products)}):")
    lines.extend(
        textwrap.wrap(
            ", ".join(info.products),
            wrap,
            initial_indent="  ",
            subsequent_indent="  ",
            break_on_hyphens=False,
        )
    )
    lines.append("")
    lines.extend(_latest_updates(in_use))
    lines.append("")
    lines.append(f"Staleness on {as_of}:")
    for item in staleness:
        lines.extend(
            textwrap.wrap(
                f"{item.use}: {item.level.value}: {item.message}",
                wrap,
                initial_indent="  ",
                subsequent_indent="    ",
            )
        )
    lines.append("")
    lines.append("Refreshed by `tma-audit data update` from:")
    origins = settings.origins
    lines.append(f"  endoflife.date API: {settings.endoflife_url} ({origins['endoflife_url']})")
    lines.append(f"  Microsoft security updates: {settings.msrc_url} ({origins['msrc_url']})")
    if settings.updates_url:
        lines.append(
            f"  Windows update history mirror: {settings.updates_url} ({origins['updates_url']})"
        )
    else:
        lines.append("  Windows update history mirror: not configured (updates_url)")
    lines.append(f"  into {settings.cache_dir} ({origins['cache_dir']})")
    return "\n".join(lines) + "\n"


def _latest_updates(in_use: DataInUse) -> list[str]:
    """Per Windows build line, the latest security revision in use: revision, KB, date."""
    table = in_use.document.get("updates")
    builds = sorted(
        (line == "server", int(build))
        for line in ("client", "server")
        for build in (table.get(line) or {} if isinstance(table, dict) else {})
        if str(build).isdigit()
    )
    windows = in_use.document.get("windows")
    names = windows if isinstance(windows, dict) else {}
    lines = ["Latest Windows updates in use (per build):"]
    for server, build in builds:
        latest = in_use.lifecycle.latest_known_update(build, server)
        if latest is None:
            continue
        line = "server" if server else "client"
        known = names.get(f"{line}_builds")
        generation = known.get(str(build)) if isinstance(known, dict) else None
        label = f"{line} {build}" + (f" ({generation})" if generation else "")
        lines.append(
            f"  {label:<20} {build}.{latest.revision:<6} {latest.kb:<10} {latest.released}"
        )
    return lines
