"""Human summaries of an import and of an inventory (`inventory convert` / `validate`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from tma_audit.inventory.importers.merge import Merged
from tma_audit.inventory.importers.profile import FileReport
from tma_audit.lifecycle import Lifecycle, OsFamily
from tma_audit.model import Asset, AssetKind, Inventory


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _wrap_list(items: Sequence[str], width: int = 88, indent: str = "      ") -> list[str]:
    lines: list[str] = []
    line = indent
    for item in items:
        piece = item if line == indent else f", {item}"
        if len(line) + len(piece) > width and line != indent:
            lines.append(line + ",")
            line = indent + item
        else:
            line += piece
    if line != indent:
        lines.append(line)
    return lines


def describe_file(report: FileReport) -> list[str]:
    out = [f"{report.file}: {report.source_label}, {report.detection}"]
    read = f"  read: {report.encoding}, {report.delimiter}-separated"
    if report.preamble:
        read += "; dropped first line(s): " + "; ".join(repr(p) for p in report.preamble)
    if report.dropped_columns:
        read += f"; dropped {report.dropped_columns} unnamed empty column(s)"
    out.append(read)
    out.append(f"  rows: {report.rows:,}; imported: {report.kept:,}")
    for reason, lines in sorted(report.skipped.items()):
        shown = ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")
        out.append(f"  left out {len(lines):,}: {reason} (lines {shown})")
    out.append("  mapped:")
    out.extend(f"    {header} -> {what}" for header, what in report.mapped)
    if report.unused:
        out.append(f"  not used ({len(report.unused)}):")
        out.extend(_wrap_list(report.unused, indent="    "))
    for decision in report.dates:
        if not decision.guessed:
            out.append(f"  dates in {decision.column!r}: {decision.order.label}, {decision.reason}")
    for guess in report.guessed:
        out.append(f"  guessed: {guess}")
    for note in report.notes:
        out.append(f"  note: {note}")
    for warning in report.warnings:
        out.append(f"  warning: {warning}")
    return out


def describe_merge(merged: Merged, files: int, limit: int | None = None) -> list[str]:
    out: list[str] = []
    hosts = len(merged.hostnames)
    if files > 1:
        spread = ", ".join(
            f"{_n(count, 'host')} in {n} file{'s' if n > 1 else ''}"
            for n, count in sorted(merged.overlap.items(), reverse=True)
        )
        out.append(f"merged by host: {_n(hosts, 'host')} ({spread})")
    notes = merged.notes if limit is None else merged.notes[:limit]
    if notes and files == 1:
        out.append("hosts:")
    out.extend(f"  {note}" for note in notes)
    if limit is not None and len(merged.notes) > limit:
        out.append(f"  … and {len(merged.notes) - limit} more")
    conflicts = merged.conflicts
    if conflicts:
        out.append(f"conflicts between sources ({len(conflicts)}), not settled silently:")
        shown = conflicts if limit is None else conflicts[:limit]
        out.extend(f"  {c.describe()}" for c in shown)
        if limit is not None and len(conflicts) > limit:
            out.append(f"  … and {len(conflicts) - limit} more")
    elif files > 1:
        out.append("conflicts between sources: none")
    return out


def describe_inventory(inventory: Inventory, lifecycle: Lifecycle) -> list[str]:
    """Assets, kinds, OS releases and unknowns, as `inventory validate` prints them."""
    assets = inventory.assets
    out = [f"client: {inventory.client.name}", f"assets: {len(assets):,}"]
    kinds = Counter(a.kind for a in assets)
    if kinds:
        out.append(
            "  kinds: " + ", ".join(f"{kinds[k]:,} {k.value}" for k in AssetKind if kinds.get(k))
        )
    out.extend(_os_lines(assets, lifecycle))
    out.extend(describe_coverage(inventory))
    out.extend(_stated_lines(inventory))
    return out


def _os_lines(assets: Sequence[Asset], lifecycle: Lifecycle) -> list[str]:
    """The OS releases of the assets, then the ones audited as unknown."""
    out: list[str] = []
    releases: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    no_os = 0
    for asset in assets:
        if asset.os is None:
            if asset.kind in (AssetKind.SERVER, AssetKind.DESKTOP, AssetKind.NOTEBOOK):
                no_os += 1
            continue
        label = _os_label(asset, lifecycle)
        if label is None:
            unknown[asset.os.name] += 1
        else:
            releases[label] += 1
    if releases:
        out.append("  operating systems:")
        out.extend(
            f"    {count:>6,}  {label}"
            for label, count in sorted(releases.items(), key=lambda kv: (-kv[1], kv[0]))
        )
    if no_os or unknown:
        out.append("  unknown (audited as unknown, never passed):")
        if no_os:
            out.append(f"    {no_os:>6,}  no operating system stated")
        for name, count in sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"    {count:>6,}  unrecognised: {name!r}")
    return out


def _os_label(asset: Asset, lifecycle: Lifecycle) -> str | None:
    """What an asset's OS is recognised as (None: not recognised)."""
    os = asset.os
    assert os is not None
    rec = lifecycle.recognise_os(
        os.name, os.version, os.build, os.edition, asset.kind is AssetKind.SERVER
    )
    if rec.release is not None:
        label = rec.release.label
    elif rec.generation is not None:
        prefix = "Windows Server" if rec.family is OsFamily.WINDOWS_SERVER else "Windows"
        label = f"{prefix} {rec.generation} (release not known: {rec.note or 'no detail'})"
    elif rec.family is OsFamily.UNKNOWN:
        return None
    else:
        label = f"{os.name} ({rec.family.value}; {rec.note or 'release not known'})"
    if rec.evaluation:
        label += " [Evaluation]"
    return label


def _stated_lines(inventory: Inventory) -> list[str]:
    """What the inventory states beyond its assets: environment and attestations."""
    out: list[str] = []
    env = inventory.environment
    if env.stated:
        out.append(
            f"environment: {_n(len(env.antivirus), 'antivirus product')}, "
            f"{_n(len(env.backup), 'backup product')}"
        )
    else:
        out.append("environment: not stated (antivirus, backup: unknown)")
    att = inventory.attestations
    stated = [
        name
        for name, present in (
            ("cyber insurance", att.cyber_insurance is not None),
            ("change notification", att.change_notification is not None),
            ("continuity plan", att.continuity_plan is not None),
            ("wireless", bool(att.wireless)),
            ("applications", att.applications_stated),
        )
        if present
    ]
    out.append("attestations: " + (", ".join(stated) if stated else "none stated"))
    return out


def describe_coverage(inventory: Inventory) -> list[str]:
    """Which kinds the sources list completely, and the gaps (docs/inventory.md)."""
    coverage = inventory.coverage
    listed = [k.value for k in AssetKind if k in coverage.kinds]
    gaps = [k.value for k in AssetKind if k not in coverage.kinds]
    if not gaps:
        return ["coverage: every kind of asset is listed completely"]
    out = [
        "coverage: listed completely: " + (", ".join(listed) or "no kind"),
        f"  not listed by any source: {', '.join(gaps)} (rules about a missing one: unknown)",
    ]
    out.extend(
        f"  at site {site}: also {', '.join(k.value for k in AssetKind if k in kinds)}"
        for site, kinds in coverage.site_kinds
    )
    facts = [f"{fact} ({', '.join(labels)})" for fact, labels in coverage.facts]
    if facts:
        out.append("  facts vouched for: " + "; ".join(facts))
    return out
