"""The starter files `tma-audit init` writes for a new client (pure: text only)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

INVENTORY = "inventory.yaml"
COMPANION = "companion.yaml"
CONFIG = "tma-audit.toml"
#: the files, in the order they are written
FILES = (INVENTORY, COMPANION, CONFIG)


@dataclass(frozen=True, slots=True)
class Client:
    name: str
    sites: Sequence[str]
    contact: str | None = None


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _client_block(client: Client) -> str:
    lines = ["client:", f"  name: {_quoted(client.name)}"]
    if client.contact:
        lines.append(f"  contact: {_quoted(client.contact)}")
    lines.append("  sites:")
    for site in client.sites:
        lines += [f"    - name: {_quoted(site)}", "      internet: true"]
    return "\n".join(lines) + "\n"


def starter_files(client: Client) -> dict[str, str]:
    """File name -> content: a native inventory, a companion for exports, the config."""
    first_site = _quoted(client.sites[0])
    inventory = f"""\
# yaml-language-server: $schema=https://example.invalid/tma-audit/inventory.schema.json
# A native inventory (docs/inventory.md). Add the client's assets below, then:
#   tma-audit audit inventory.yaml
schema: 1

{_client_block(client)}
assets: []
# assets:
#   - hostname: SRV01
#     kind: server
#     site: {first_site}
#     os:
#       name: Windows Server 2022 Standard
#       build: "20348.2849"
#     patch:
#       last_patched: 2026-11-15
#     antivirus:
#       agent: Microsoft Defender Antivirus
#       definitions: 2026-11-25
"""
    companion = f"""\
# A companion for exports (docs/importers.md): the client, its environment and the
# attestations no export knows; the exports' assets join it:
#   tma-audit audit ad.csv intune.csv --companion companion.yaml
schema: 1

{_client_block(client)}
# environment:
#   antivirus:
#     - product: Microsoft Defender for Business
#       license_expires: 2027-04-30
#       centrally_managed: true
#       protects_email: true
# attestations:
#   cyber_insurance:
#     carrier: …
#     policy: …
#     expires: 2027-03-31
"""
    config = """\
# tma-audit settings for this client (docs/config.md); relative paths are relative to
# this file. The command line overrides them; `tma-audit config show` lists them.
fail_on = "any"
format = "table"
# ruleset = "ruleset.yaml"
# waivers = "waivers.yaml"
# output_dir = "reports"
"""
    return {INVENTORY: inventory, COMPANION: companion, CONFIG: config}
