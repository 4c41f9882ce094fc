"""Writing an import as a native YAML inventory for the engineer to complete.

The output is the companion YAML as written (client, environment, attestations; its
comments kept), or a skeleton to fill in, followed by the imported `assets:`. Each asset
says where it came from, what was guessed and what the sources disagreed on, in
comments. Deterministic: assets sorted by host name, no timestamps.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from enum import Enum
from typing import Any

from tma_audit.errors import InputError
from tma_audit.inventory.importers.kinds import GUESSED
from tma_audit.inventory.importers.merge import Conflict
from tma_audit.inventory.schema import ASSET, ASSET_COLUMNS, OS
from tma_audit.model import Asset, Inventory

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9 _./()+@&,-]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none", "~"})


def scalar(value: Any) -> str:
    """A YAML scalar that the native loader reads back as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if (
        _PLAIN.fullmatch(text)
        and text.lower() not in _YAML_WORDS
        and text == text.strip()
        and ": " not in text
        and " #" not in text
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


#: The asset mapping's keys in the order an imported asset is written: `hostname` and
#: `kind` first, what the device is (`model`, `form`) after its `role`, then the rest as
#: the schema lists them. Lists (`software`) are not written: imports state none.
_EARLY = ("model", "form")
_WRITTEN = tuple(
    key
    for key in dict.fromkeys(("site", "role", *_EARLY, *ASSET.fields))  # each key once
    if key not in ("hostname", "kind") and ASSET.fields[key].type != "list"
)
#: native column (`patch.last_patched`, `site`) -> Asset field
_FIELD_OF = {column: name for name, column in ASSET_COLUMNS.items()}


def _lines(asset: Asset) -> list[str]:
    out = [f"  - hostname: {scalar(asset.hostname)}", f"    kind: {asset.kind.value}"]
    for key in _WRITTEN:
        spec = ASSET.fields[key]
        if key == "os":
            items = list(zip(OS.fields, asset.os or (), strict=False))
        elif spec.obj is not None:
            items = [(sub, _value(asset, f"{key}.{sub}")) for sub in spec.obj.fields]
        else:
            value = _value(asset, key)
            if value is not None:
                out.append(f"    {key}: {scalar(value)}")
            continue
        present = [(sub, value) for sub, value in items if value is not None]
        if present:
            out.append(f"    {key}:")
            out.extend(f"      {sub}: {scalar(value)}" for sub, value in present)
    return out


def _value(asset: Asset, column: str) -> Any:
    value = getattr(asset, _FIELD_OF[column])
    return value.value if isinstance(value, Enum) else value


def native_yaml(
    inventory: Inventory,
    provenance: Sequence[tuple[str, ...]],
    levels: Sequence[int],
    conflicts: Sequence[Conflict],
    header: Sequence[str],
    companion: str | None,
    companion_name: str | None = None,
    partial: Sequence[str] = (),
) -> str:
    """The YAML text: header comments, the companion (or a skeleton), then the assets.

    ``provenance[i]`` names the records behind ``inventory.assets[i]``; ``levels[i]`` is
    how sure its kind is.
    """
    by_host: dict[str, list[Conflict]] = {}
    for conflict in conflicts:
        by_host.setdefault(conflict.host, []).append(conflict)
    parts: list[str] = []
    body = companion.rstrip() if companion is not None else None
    if body is not None and body.startswith("# yaml-language-server:"):
        first, _, body = body.partition("\n")
        parts.append(first)
    parts.extend(f"# {line}".rstrip() for line in header)
    parts.append("")
    if body is not None:
        parts.append(f"# --- {companion_name or 'the companion'}, as written ---")
        parts.append(body)
    else:
        parts.extend(_skeleton(inventory))
    if partial:
        parts.append("")
        parts.append("# --- coverage: no export lists these kinds completely, so rules about a")
        parts.append("# missing one are unknown (remove a kind once every one is listed below) ---")
        parts.append(f"partial: [{', '.join(partial)}]")
    parts.append("")
    parts.append("# --- assets, imported from the exports ---")
    parts.append("assets:")
    order = sorted(
        range(len(inventory.assets)),
        key=lambda i: (inventory.assets[i].hostname.lower(), inventory.assets[i].hostname),
    )
    for i in order:
        asset = inventory.assets[i]
        lines = _lines(asset)
        if levels[i] == GUESSED:
            lines[1] += "  # guessed (nothing in the export says): check it"
        lines.append(f"    # from {', '.join(provenance[i])}")
        lines.extend(
            "    # conflict: " + " ".join(c.describe().partition(": ")[2].split())
            for c in by_host.get(asset.hostname, ())
        )
        parts.extend(lines)
    if not inventory.assets:
        parts[-1] = "assets: []"
    return "\n".join(parts) + "\n"


def _skeleton(inventory: Inventory) -> list[str]:
    sites = sorted({a.site for a in inventory.assets if a.site})
    lines = [
        "schema: 1",
        "",
        "client:",
        f"  name: {scalar(inventory.client.name)}   # the client's legal or trading name",
        "  # contact: Jo Bloggs <jo@example.com>",
    ]
    if sites:
        lines.append("  sites:")
        lines.extend(f"    - name: {scalar(site)}" for site in sites)
    else:
        lines.extend(["  # sites:", "  #   - name: HQ"])
    lines.extend(
        [
            "",
            "# To complete (docs/inventory.md): the products the whole environment relies on",
            "# and what the client attests. Until then their rules report `unknown`.",
            "# environment:",
            "#   antivirus: [{product: …, license_expires: …, centrally_managed: true,",
            "#                protects_email: true}]",
            "#   backup: [{product: …, version: …, support_expires: …, server_based: true}]",
            "# attestations:",
            "#   cyber_insurance: {carrier: …, expires: …}",
            "#   change_notification: {contact: …}",
            "#   continuity_plan: {last_reviewed: …}",
            "#   wireless: [{site: …, networks: [{ssid: …, security: WPA3-Enterprise}]}]",
            "#   applications: [{name: …, vendor: …, support_expires: …}]",
        ]
    )
    return lines


def check_companion_sites(companion: Inventory, assets: Sequence[Asset], file: str) -> None:
    """Assets may only name sites the companion declares (when it declares any)."""
    declared = {s.name for s in companion.client.sites}
    if not declared:
        return
    for asset in assets:
        if asset.site is not None and asset.site not in declared:
            where = f" ({asset.location})" if asset.location else ""
            raise InputError(
                f"asset {asset.hostname}{where} is at site {asset.site!r}, which the "
                f"companion does not declare (client.sites: {', '.join(sorted(declared))})",
                file=file,
            )
