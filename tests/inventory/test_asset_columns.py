"""One home per asset field: schema.ASSET_COLUMNS drives the loaders and the writer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tma_audit.inventory import schema
from tma_audit.inventory.importers.convert import _lines
from tma_audit.inventory.native import load_csv_assets, load_yaml_inventory
from tma_audit.model import Asset, AssetKind, FormFactor, Location, OperatingSystem, Role

_FULL_YAML = """\
client: {name: Acme}
assets:
  - hostname: fw1
    kind: firewall
    site: HQ
    role: edge
    model: FG-60F
    form: hardware
    os: {name: FortiOS, version: 7.2.8, build: "1234", edition: Standard}
    genuine: true
    licensed: false
    esu_enrolled: true
    patch: {last_patched: 2025-01-02, missing_critical: 3}
    antivirus: {agent: none, definitions: 2025-01-03}
    backup: {covered: false}
    warranty: {expires: 2026-01-04, level: 24x7}
    license_expires: 2026-01-05
    subscription_expires: 2026-01-06
    support_expires: 2026-01-07
"""

_FULL_CSV = (
    "hostname,kind,site,role,os.name,os.version,os.build,os.edition,genuine,licensed,"
    "esu_enrolled,patch.last_patched,patch.missing_critical,antivirus.agent,"
    "antivirus.definitions,backup.covered,warranty.expires,warranty.level,"
    "license_expires,subscription_expires,support_expires,form,model\n"
    "fw1,firewall,HQ,edge,FortiOS,7.2.8,1234,Standard,true,false,true,2025-01-02,3,none,"
    "2025-01-03,false,2026-01-04,24x7,2026-01-05,2026-01-06,2026-01-07,hardware,FG-60F\n"
)

_EXPECTED = Asset(
    hostname="fw1",
    kind=AssetKind.FIREWALL,
    site="HQ",
    role=Role.EDGE,
    os=OperatingSystem("FortiOS", "7.2.8", "1234", "Standard"),
    genuine=True,
    licensed=False,
    esu_enrolled=True,
    last_patched=dt.date(2025, 1, 2),
    missing_critical_updates=3,
    antivirus="none",
    av_definitions=dt.date(2025, 1, 3),
    backup_covered=False,
    warranty_expires=dt.date(2026, 1, 4),
    warranty_level="24x7",
    license_expires=dt.date(2026, 1, 5),
    subscription_expires=dt.date(2026, 1, 6),
    support_expires=dt.date(2026, 1, 7),
    form=FormFactor.HARDWARE,
    model="FG-60F",
)


def _without_location(asset: Asset) -> Asset:
    return asset._replace(location=None)


def test_every_field_loads_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(_FULL_YAML, encoding="utf-8")
    (asset,) = load_yaml_inventory(path).assets
    assert _without_location(asset) == _EXPECTED
    assert asset.location == Location(str(path), 3)


def test_every_field_loads_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_text(_FULL_CSV, encoding="utf-8")
    (asset,) = load_csv_assets(path, "assets.csv")
    assert _without_location(asset) == _EXPECTED
    assert asset.location == Location("assets.csv", 2)


def test_convert_writes_every_field_back(tmp_path: Path) -> None:
    text = "client: {name: Acme}\nassets:\n" + "\n".join(_lines(_EXPECTED)) + "\n"
    path = tmp_path / "out.yaml"
    path.write_text(text, encoding="utf-8")
    (asset,) = load_yaml_inventory(path).assets
    assert _without_location(asset) == _EXPECTED
    # the written order: hostname, kind, site, role, model, form, os, then as the schema
    keys = [line.split(":")[0].strip(" -") for line in _lines(_EXPECTED) if line[4] != " "]
    assert keys[:7] == ["hostname", "kind", "site", "role", "model", "form", "os"]
    assert keys[-3:] == ["license_expires", "subscription_expires", "support_expires"]


def test_the_table_follows_the_asset_fields() -> None:
    assert tuple(schema.ASSET_COLUMNS) == Asset._fields
    assert tuple(f"os.{f}" for f in OperatingSystem._fields) == schema.OS_COLUMNS


def test_a_table_out_of_order_fails_on_import(monkeypatch: pytest.MonkeyPatch) -> None:
    swapped = dict(reversed(list(schema.ASSET_COLUMNS.items())))
    monkeypatch.setattr(schema, "ASSET_COLUMNS", swapped)
    with pytest.raises(AssertionError, match=r"model\.Asset's fields in order"):
        schema._check_tables()


def test_a_column_the_spec_lacks_fails_on_import(monkeypatch: pytest.MonkeyPatch) -> None:
    columns = {**schema.ASSET_COLUMNS, "last_patched": "patch.installed"}
    monkeypatch.setattr(schema, "ASSET_COLUMNS", columns)
    with pytest.raises(AssertionError, match=r"no 'patch\.installed'"):
        schema._check_tables()


def test_a_key_the_table_lacks_fails_on_import(monkeypatch: pytest.MonkeyPatch) -> None:
    columns = {**schema.ASSET_COLUMNS, "model": "site"}
    monkeypatch.setattr(schema, "ASSET_COLUMNS", columns)
    with pytest.raises(AssertionError, match="the same keys"):
        schema._check_tables()
