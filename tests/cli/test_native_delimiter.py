"""A native asset CSV separated by `;` (Excel in much of Europe) or tabs reads as the
comma one does (issue 16 §4)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli.conftest import CliRun
from tma_audit.inventory.importers import is_native_csv
from tma_audit.inventory.native import native_delimiter

REPO = Path(__file__).resolve().parents[2]
ASSETS = REPO / "inventories" / "small-office" / "assets.csv"
AS_OF = "2026-11-26"


def _rewrite(delimiter: str, path: Path) -> Path:
    rows = list(csv.reader(io.StringIO(ASSETS.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig" if delimiter == ";" else "utf-8")
    return path


def _results(cli: CliRun, inventory: Path) -> list[object]:
    run = cli("audit", str(inventory), "--as-of", AS_OF, "-f", "json")
    assert run.code == 1, run.err
    results = json.loads(run.out)["results"]
    for group in results:
        group["subject"].pop("file", None)
    return results  # type: ignore[no-any-return]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_native_csv_with_another_delimiter_audits_as_the_comma_one(
    cli: CliRun, tmp_path: Path, delimiter: str
) -> None:
    other = _rewrite(delimiter, tmp_path / "assets.csv")
    text = other.read_text(encoding="utf-8-sig")
    # the software cells hold "; " between packages: quoted in the ';' file
    assert ('"Microsoft SQL Server' in text) == (delimiter == ";")
    assert is_native_csv(other)
    comma = tmp_path / "comma" / "assets.csv"
    comma.parent.mkdir()
    comma.write_bytes(ASSETS.read_bytes())
    assert _results(cli, other) == _results(cli, comma)


def test_the_delimiter_is_judged_by_the_column_names() -> None:
    assert native_delimiter("hostname;kind;site;os.name") == ";"
    assert native_delimiter("hostname\tkind\tsite") == "\t"
    assert native_delimiter("hostname,kind,site") == ","
    # a ';' inside a quoted cell does not count; nor does a one-column header
    assert native_delimiter('hostname,kind,"notes; more"') == ","
    assert native_delimiter("hostname") == ","


def test_a_semicolon_file_with_an_unknown_column_names_it(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_text("hostname;kind;colour\nPC1;desktop;blue\n", encoding="utf-8")
    run = cli("audit", str(path), "--as-of", AS_OF)
    assert run.code == 2
    assert f"{path}:1: colour: unknown column 'colour'" in run.err
