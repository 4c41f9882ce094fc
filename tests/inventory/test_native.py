"""The native inventory loaders: YAML and CSV, and their error messages."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from tma_audit.errors import InventoryError
from tma_audit.inventory import load_inventory
from tma_audit.model import AssetKind, FormFactor, Role

GOOD = """\
client:
  name: Zürich Dental GmbH
  sites:
    - name: HQ
    - name: Branch
      internet: false
assets:
  - hostname: DC01
    kind: server
    site: HQ
    os:
      name: Windows Server 2022 Standard
      version: 10.0
      build: 20348.5499
    genuine: true
    patch: {last_patched: 2026-11-12, missing_critical: 0}
    warranty: {expires: 2027-01-31, level: 24/7}
    software:
      - name: Microsoft SQL Server 2019
        version: 15.0
        licensed: yes
  - hostname: sw-core
    kind: Switch
    site: Branch
    role: core
    form: physical
environment:
  antivirus:
    - product: Defender for Endpoint
      protects_email: true
attestations:
  change_notification: {contact: ops@zurich.example}
  wireless:
    - site: HQ
      networks:
        - {ssid: "NO", security: WPA3-Enterprise}
  applications: []
"""


def write(tmp_path: Path, text: str, name: str = "inv.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_loads_every_part_of_a_yaml_inventory(tmp_path: Path) -> None:
    inv = load_inventory(write(tmp_path, GOOD))
    assert inv.client.name == "Zürich Dental GmbH"
    assert [s.internet for s in inv.client.sites] == [True, False]
    dc = inv.assets[0]
    assert dc.kind == AssetKind.SERVER
    assert dc.os is not None
    assert dc.os.version == "10.0"  # not the float 10.0
    assert (dc.os.build_number, dc.os.revision) == (20348, 5499)
    assert dc.last_patched == dt.date(2026, 11, 12)
    assert dc.missing_critical_updates == 0
    assert dc.warranty_level == "24x7"
    assert dc.software[0].licensed is True
    assert dc.software[0].version == "15.0"
    assert dc.location is not None and dc.location.line == 8
    sw = inv.assets[1]
    assert (sw.kind, sw.role, sw.form) == (AssetKind.SWITCH, Role.CORE, FormFactor.HARDWARE)
    assert inv.environment.stated and inv.environment.antivirus[0].protects_email
    assert inv.attestations.wireless[0].networks[0].ssid == "NO"  # not the boolean false
    assert inv.attestations.applications_stated and not inv.attestations.applications


def test_missing_optional_fields_are_none(tmp_path: Path) -> None:
    inv = load_inventory(
        write(
            tmp_path,
            """\
        client: {name: A}
        assets:
          - {hostname: PC1, kind: laptop}
    """,
        )
    )
    asset = inv.assets[0]
    assert asset.kind == AssetKind.NOTEBOOK
    assert asset.os is None and asset.genuine is None and asset.last_patched is None
    assert not inv.environment.stated


@pytest.mark.parametrize(
    ("text", "line", "field", "needle"),
    [
        (
            "client: {name: A}\nassets:\n  - hostname: X\n    kind: server\n    colour: red\n",
            5,
            "assets[0].colour",
            "unknown key 'colour'",
        ),
        (
            "client: {name: A}\nassets:\n  - hostname: X\n    kind: toaster\n",
            4,
            "assets[0].kind",
            "unknown value 'toaster'",
        ),
        (
            "client: {name: A}\nassets:\n  - hostname: X\n    kind: server\n"
            "    patch: {last_patched: 2026-13-01}\n",
            5,
            "assets[0].patch.last_patched",
            "bad date",
        ),
        (
            "client: {name: A}\nassets:\n  - hostname: X\n    kind: server\n    genuine: maybe\n",
            5,
            "assets[0].genuine",
            "true or false",
        ),
        (
            "client: {name: A}\nassets:\n  - hostname: X\n    kind: server\n"
            "    patch: {missing_critical: many}\n",
            5,
            "assets[0].patch.missing_critical",
            "whole number",
        ),
        (
            "client: {name: A}\nassets:\n  - kind: server\n",
            3,
            "assets[0].hostname",
            "required field 'hostname'",
        ),
        ("client: {name: A}\nassets: {hostname: X}\n", 2, "assets", "expected a list"),
        ("assets: []\n", 1, "client", "required field 'client'"),
        (
            "client: {name: A}\nassets:\n  - {hostname: X, kind: server}\n"
            "  - {hostname: x, kind: server}\n",
            4,
            "hostname",
            "duplicate hostname",
        ),
        (
            "client: {name: A, sites: [{name: HQ}]}\nassets:\n"
            "  - {hostname: X, kind: server, site: HW}\n",
            3,
            "site",
            "unknown site 'HW'",
        ),
        (
            "client: {name: A, sites: [{name: HQ}]}\nassets:\n"
            "  - {hostname: X, kind: server, site: HQ}\n"
            "attestations:\n  wireless:\n    - {site: HQQ, no_wireless: true}\n",
            6,
            "attestations.wireless.site",
            "unknown site 'HQQ'",
        ),
        ("client: {name: A}\nclient: {name: B}\n", 2, None, "duplicate key"),
        ("client: {name: A\n", 2, None, "invalid YAML"),
        (
            "client: {name: A}\nassets:\n  - hostname: X\n    kind: server\n"
            "    os: {version: '10'}\n",
            5,
            "assets[0].os.name",
            "required field 'name'",
        ),
        ("client: {name: A}\nschema: 2\n", 2, "schema", "not supported"),
    ],
)
def test_yaml_errors_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str | None, needle: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InventoryError) as info:
        load_inventory(path)
    error = info.value
    assert error.file == str(path)
    assert error.line == line, str(error)
    assert error.field == field
    assert needle in error.message


def test_empty_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="empty"):
        load_inventory(write(tmp_path, ""))
    with pytest.raises(InventoryError, match="not found"):
        load_inventory(tmp_path / "missing.yaml")
    with pytest.raises(InventoryError, match="unsupported file type"):
        load_inventory(write(tmp_path, "x", "inv.txt"))
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("client: {name: Z\xfcrich}\n".encode("latin-1"))
    with pytest.raises(InventoryError, match="UTF-8"):
        load_inventory(bad)


CSV = """\
hostname,kind,site,os.name,os.build,genuine,patch.last_patched,warranty.level,software
DC01,server,HQ,Windows Server 2019 Standard,17763.9121,true,2026-11-12,24x7,"SQL Server 2019@15.0:licensed; Veeam Agent"
PC-01,desktop,HQ,Windows 11 Pro,26200.9168,,,,
"""


def test_csv_assets(tmp_path: Path) -> None:
    inv = load_inventory(write(tmp_path, CSV, "assets.csv"))
    assert inv.client.name == "assets"
    dc, pc = inv.assets
    assert dc.os is not None and dc.os.build == "17763.9121"
    assert dc.software[0].name == "SQL Server 2019" and dc.software[0].licensed is True
    assert dc.software[1].name == "Veeam Agent" and dc.software[1].version is None
    assert pc.genuine is None and pc.last_patched is None
    assert pc.location is not None and pc.location.line == 3


def test_csv_underscore_headers_and_companion_yaml(tmp_path: Path) -> None:
    write(tmp_path, "hostname,kind,os_name\nPC-01,notebook,Windows 11 Pro\n", "rows.csv")
    inv = load_inventory(
        write(
            tmp_path,
            """\
        client: {name: A}
        assets:
          - {hostname: SRV1, kind: server}
        assets_from: [rows.csv]
    """,
        )
    )
    assert [a.hostname for a in inv.assets] == ["SRV1", "PC-01"]
    assert inv.assets[1].location is not None
    assert inv.assets[1].location.file.endswith("rows.csv")
    assert len(inv.sources) == 2


@pytest.mark.parametrize(
    ("text", "line", "field", "needle"),
    [
        ("hostname,kind,colour\nX,server,red\n", 1, "colour", "unknown column"),
        ("hostname,os.name\nX,Windows\n", 1, "kind", "required column 'kind'"),
        ("hostname,kind\nX,server\nY,toaster\n", 3, "kind", "unknown value 'toaster'"),
        (
            "hostname,kind,patch.last_patched\nX,server,26/11/2026\n",
            2,
            "patch.last_patched",
            "bad date",
        ),
        ("hostname,kind\nX,server\n,server\n", 3, "hostname", "required field"),
        ("hostname,kind,kind\nX,server,server\n", 1, "kind", "duplicate column"),
        ("hostname,kind\nX,server,extra\n", 2, "column 3", "cells"),
        ("hostname,kind,software\nX,server,SQL@1:maybe\n", 2, "software", "flag"),
        ('hostname,kind\n"X\nY",server\nZ,toaster\n', 4, "kind", "unknown value"),
    ],
)
def test_csv_errors_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str, needle: str
) -> None:
    path = write(tmp_path, text, "assets.csv")
    with pytest.raises(InventoryError) as info:
        load_inventory(path)
    assert info.value.line == line, str(info.value)
    assert info.value.field == field
    assert needle in info.value.message


def test_companion_yaml_names_missing_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "client: {name: A}\nassets_from:\n  - nope.csv\n")
    with pytest.raises(InventoryError) as info:
        load_inventory(path)
    assert info.value.line == 3
    assert "nope.csv" in info.value.message


def test_json_schema_file_is_current_and_accepts_examples() -> None:
    import json

    import jsonschema
    import yaml

    from tma_audit.inventory.schema import json_schema

    repo = Path(__file__).resolve().parents[2]
    shipped = json.loads((repo / "tma_audit/schema/inventory.schema.json").read_text())
    assert shipped == json_schema()
    validator = jsonschema.Draft202012Validator(shipped)
    examples = sorted((repo / "inventories").rglob("*.yaml"))
    assert examples
    for example in examples:
        data = yaml.load(example.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        if isinstance(data, dict) and "waivers" in data:
            continue  # a waiver register beside the inventory (docs/waivers.md)
        errors = [e.message for e in validator.iter_errors(_typed(data))]
        assert not errors, f"{example}: {errors[:3]}"


def _typed(value: object) -> object:
    """BaseLoader gives strings only; restore booleans and integers for the schema."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if value in ("true", "false"):
        return value == "true"
    if isinstance(value, str) and value.isdigit() and len(value) < 6:
        return int(value)
    return value


UNQUOTED = [
    "hostname,kind,site,os.name\nX1,server,HQ,Windows Server 2022\nx2,desktop,,\n",
    "hostname,kind,site,os.name\r\nX1,server,HQ,Windows Server 2022\r\nx2,desktop,,\r\n",
    "hostname,kind,site,os.name\nX1,server,HQ,Windows Server 2022\nx2,desktop",  # no final LF
    "hostname,kind,site,os.name\n\nX1,server,HQ,Windows Server 2022\n,,,\n\nx2,desktop,,\n\n",
    "hostname,kind,site,os.name,,\nX1,server,HQ,Windows Server 2022,,\nx2,desktop,,,,\n",
    "hostname,kind,site,os.name\nX1,server,HQ,Windows Server 2022\nx2,desktop,,,,,,\n",
    "hostname,kind,site,software\nX1,server,HQ,SQL@15:licensed; Veeam\nx2,desktop,,\n",
]


@pytest.mark.parametrize("text", UNQUOTED)
def test_unquoted_csv_reads_as_the_csv_module_reads_it(text: str) -> None:
    """Without quotes a record is a line split at commas (the fast path); quoting one
    cell sends the same rows through the csv module: the assets are the same."""
    from tma_audit.inventory.native import parse_csv_assets

    fast = parse_csv_assets(text, "a.csv")
    quoted = text.replace("X1,", '"X1",', 1)
    assert quoted != text
    assert parse_csv_assets(quoted, "a.csv") == fast
    assert [a.hostname for a in fast] == ["X1", "x2"]


def test_unquoted_csv_errors_match_the_csv_module() -> None:
    from tma_audit.inventory.native import parse_csv_assets

    text = "hostname,kind\r\nX1,server\r\n\r\nx2,server,surplus\r\n"
    errors = []
    for variant in (text, text.replace("X1", '"X1"')):
        with pytest.raises(InventoryError) as info:
            parse_csv_assets(variant, "a.csv")
        errors.append((info.value.line, info.value.field, info.value.message))
    assert errors[0] == errors[1]
    assert errors[0][0] == 4


def test_lone_carriage_returns_go_through_the_csv_module() -> None:
    from tma_audit.inventory.native import parse_csv_assets

    assets = parse_csv_assets("hostname,kind\rX1,server\rx2,desktop\r", "a.csv")
    assert [(a.hostname, a.kind) for a in assets] == [
        ("X1", AssetKind.SERVER),
        ("x2", AssetKind.DESKTOP),
    ]


def test_has_control_agrees_with_the_control_pattern() -> None:
    from tma_audit.inventory.fields import CONTROL, has_control

    for code in [*range(0x3000), 0xFEFF, 0xFFFD, 0x1F600, 0x10FFFF]:
        char = chr(code)
        assert has_control(f"ab{char}cd") == bool(CONTROL.search(char)), hex(code)
    assert not has_control("Zürich Dental GmbH, Windows® 11\r\n\t")


@pytest.mark.parametrize(
    ("rows", "line", "field"),
    [
        (["A,server,,10,", ",desktop,,,"], 2, "os.name"),
        ([",desktop,,,", "A,server,,10,"], 2, "hostname"),
        (["A,server,,,SQL@1:maybe", ",desktop,,,"], 2, "software"),
        (["A,server,Windows,,", "B,server,,10,SQL@1:maybe"], 3, "os.name"),
        (["A,server,Windows,,", ",,,,", "B,,,10,"], 4, "kind"),
    ],
)
def test_csv_reports_its_first_bad_row(rows: list[str], line: int, field: str) -> None:
    """Several mistakes in one file: the error is the first bad row's (in one row:
    hostname/kind, then os.*, then software), whichever check finds it."""
    from tma_audit.inventory.native import parse_csv_assets

    text = "hostname,kind,os.name,os.version,software\n" + "\n".join(rows) + "\n"
    with pytest.raises(InventoryError) as info:
        parse_csv_assets(text, "a.csv")
    assert (info.value.line, info.value.field) == (line, field), str(info.value)


def test_unquoted_csv_keeps_the_csv_modules_cell_size_limit() -> None:
    import csv

    from tma_audit.inventory.native import parse_csv_assets

    huge = "x" * (csv.field_size_limit() + 1)
    for text in (
        f"hostname,kind,model\nA,server,{huge}\n",
        f'hostname,kind,model\n"A",server,{huge}\n',
    ):
        with pytest.raises(InventoryError, match="field larger than field limit"):
            parse_csv_assets(text, "a.csv")


def _fleet_csv(n: int) -> str:
    import random

    rng = random.Random(5)
    lines = ["hostname,kind,site,os.name,os.build,patch.last_patched,genuine,software"]
    for i in range(n):
        build = f"19045.{rng.randrange(3000, 6500)}"
        day = f"2026-{rng.randrange(1, 12):02d}-{rng.randrange(1, 28):02d}"
        software = rng.choice(["", "SQL Server@15.0.4.1234:licensed", "Veeam@12"])
        lines.append(
            f"H{i},desktop,S{i % 20},Windows 10,{build},{day},{rng.choice(['true', ''])},{software}"
        )
    return "\r\n".join(lines) + "\r\n"


def test_a_large_csv_read_in_blocks_gives_the_assets_of_the_csv_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A quote-free file is read a block of lines at a time (cells of a million-asset
    file never all in memory): the same assets as one block, and as the csv module."""
    from tma_audit.inventory import native

    text = _fleet_csv(3000)
    whole = native.parse_csv_assets(text, "a.csv")
    monkeypatch.setattr(native, "BLOCK_CHARS", 1000)  # ~60 blocks, some cut mid-line
    blocks = native.parse_csv_assets(text, "a.csv")
    quoted = native.parse_csv_assets(text.replace("H0,", '"H0",', 1), "a.csv")
    assert blocks == whole == quoted
    assert len(blocks) == 3000
    # blocks end at line ends: no line was split between two blocks
    assert [a.hostname for a in blocks] == [f"H{i}" for i in range(3000)]


@pytest.mark.parametrize(
    ("damage", "line", "field"),
    [
        ("2026-02-30", 2000, "patch.last_patched"),  # a bad date in a late block
        ("maybe", 2500, "genuine"),
    ],
)
def test_a_bad_cell_in_a_late_block_is_reported_at_its_line(
    monkeypatch: pytest.MonkeyPatch, damage: str, line: int, field: str
) -> None:
    from tma_audit.inventory import native

    monkeypatch.setattr(native, "BLOCK_CHARS", 1000)
    rows = _fleet_csv(3000).split("\r\n")
    cells = rows[line - 1].split(",")
    cells[5 if field == "patch.last_patched" else 6] = damage
    rows[line - 1] = ",".join(cells)
    with pytest.raises(InventoryError) as info:
        native.parse_csv_assets("\r\n".join(rows), "a.csv")
    assert (info.value.line, info.value.field) == (line, field)


def test_a_short_row_in_a_late_block_reads_as_the_csv_module_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tma_audit.inventory import native

    monkeypatch.setattr(native, "BLOCK_CHARS", 1000)
    rows = _fleet_csv(3000).split("\r\n")
    rows[2700] = "H2699,desktop"  # padded with blanks, as the csv module path does
    text = "\r\n".join(rows)
    assets = native.parse_csv_assets(text, "a.csv")
    assert assets == native.parse_csv_assets(text.replace("H0,", '"H0",', 1), "a.csv")
    assert assets[2699].hostname == "H2699" and assets[2699].os is None
    assert len(assets) == 3000
