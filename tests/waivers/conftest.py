"""Shared fixtures for the waiver tests: the mid-size audit, a Unicode client, registers."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from tests.cli.conftest import cli  # noqa: F401  (the CLI runner fixture, shared)
from tma_audit.audit import run_audit
from tma_audit.inventory import load_inventory
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import AuditResult, Inventory, Ruleset
from tma_audit.waivers.register_file import parse_register
from tma_audit.waivers.waiver import WaiverRegister

REPO = Path(__file__).resolve().parents[2]
MIDSIZE = REPO / "inventories" / "midsize" / "inventory.yaml"
MIDSIZE_WAIVERS = REPO / "inventories" / "midsize" / "waivers.yaml"
AS_OF = dt.date(2026, 11, 26)

#: A client whose names need more than Latin-1: DejaVu Sans draws "Zürich" and
#: "Ålesund", the CJK fallback draws "東京" and "会計".
UNICODE_INVENTORY = """\
client:
  name: Zürich GmbH
  contact: Jörg Ångström <jorg@zurich.example>
  sites:
    - name: Ålesund
    - name: 東京
assets:
  - hostname: OSL-SRV01
    kind: server
    site: Ålesund
    os: {name: Windows Server 2008 R2 Standard, build: "7601.24544"}
    genuine: true
    licensed: true
  - hostname: TYO-PC01
    kind: desktop
    site: 東京
    os: {name: Windows 7 Professional, build: "7601.24544"}
    genuine: true
    licensed: true
    software:
      - {name: 会計ソフト, version: "2010", licensed: false}
"""


def register(text: str, file: str = "waivers.yaml") -> WaiverRegister:
    return parse_register(textwrap.dedent(text), file)


@pytest.fixture(scope="session")
def midsize_inventory() -> Inventory:
    return load_inventory(MIDSIZE)


@pytest.fixture(scope="session")
def midsize(midsize_inventory: Inventory, ruleset: Ruleset, lifecycle: Lifecycle) -> AuditResult:
    """The mid-size example audited on 2026-11-26, without waivers."""
    return run_audit(midsize_inventory, ruleset, lifecycle, AS_OF)


@pytest.fixture(scope="session")
def unicode_inventory(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    path = tmp_path_factory.mktemp("unicode") / "inventory.yaml"
    path.write_text(UNICODE_INVENTORY, encoding="utf-8")
    return load_inventory(path)


@pytest.fixture(scope="session")
def unicode_result(
    unicode_inventory: Inventory, ruleset: Ruleset, lifecycle: Lifecycle
) -> AuditResult:
    return run_audit(unicode_inventory, ruleset, lifecycle, AS_OF)
