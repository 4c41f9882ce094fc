"""Every fixture export imports as its hand-checked native result (fixtures/README.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.importers.conftest import FIXTURES, asset_view
from tma_audit.inventory.importers.api import ImportOptions, import_files
from tma_audit.lifecycle import Lifecycle

EXPECTED = sorted(FIXTURES.glob("*.expected.yaml"))


def test_every_fixture_has_an_expected_result() -> None:
    exports = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".csv", ".tsv"))
    assert [p.name + ".expected.yaml" for p in exports] == [p.name for p in EXPECTED]


@pytest.mark.parametrize("expected_file", EXPECTED, ids=[p.name[:-14] for p in EXPECTED])
def test_fixture_imports_as_expected(expected_file: Path, lifecycle: Lifecycle) -> None:
    expected: dict[str, Any] = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    export = expected_file.with_name(expected_file.name.removesuffix(".expected.yaml"))
    options = expected["options"]
    result = import_files(
        [export],
        lifecycle,
        ImportOptions(
            tuple(options.get("sources", ())),
            tuple(options.get("mapping", ())),
            options.get("date_order"),
        ),
    )
    report = result.files[0]
    got = {
        "options": options,
        "source": report.source,
        "encoding": report.encoding,
        "delimiter": report.delimiter,
        "rows": report.rows,
        "skipped": report.skipped,
        "dates": {
            d.column: d.order.value + (" (guessed)" if d.guessed else "") for d in report.dates
        },
        "client": result.inventory.client.name,
        "assets": [asset_view(a) for a in result.inventory.assets],
    }
    assert got == expected
    for asset in result.inventory.assets:
        assert asset.location is not None and asset.location.file == str(export)


def test_fixture_audits_without_passing_what_it_cannot_know(lifecycle: Lifecycle) -> None:
    """The pre-staged computer (no OS) is audited as unknown, never dropped or passed."""
    from tests.conftest import AUDIT_DATE, finding
    from tma_audit.audit import run_audit
    from tma_audit.model import Outcome
    from tma_audit.rules import load_default_ruleset

    result = import_files([FIXTURES / "ad-utf8-bom-type.csv"], lifecycle)
    audit = run_audit(result.inventory, load_default_ruleset(), lifecycle, AUDIT_DATE)
    assert finding(audit, "MS-2", "NEWPC01").outcome is Outcome.UNKNOWN
    assert finding(audit, "MS-3", "NEWPC01").outcome is Outcome.UNKNOWN
    # an appliance is its own product: not "unsupported Windows"
    assert finding(audit, "MS-1", "FILER01").outcome is Outcome.NOT_APPLICABLE
    assert finding(audit, "MS-1", "DC01").outcome is Outcome.PASS
    assert finding(audit, "MS-1", "FS01").outcome is Outcome.FAIL  # 2008 R2 < 2012


@pytest.mark.parametrize("expected_file", EXPECTED, ids=[p.name[:-14] for p in EXPECTED])
def test_fixture_converts_to_a_native_inventory_that_audits_the_same(
    expected_file: Path, lifecycle: Lifecycle, tmp_path: Path
) -> None:
    """Each source audits directly, and converts to native YAML with the same outcomes."""
    from tests.conftest import AUDIT_DATE
    from tma_audit.audit import run_audit
    from tma_audit.inventory.importers.api import convert_exports
    from tma_audit.inventory.native import load_yaml_inventory
    from tma_audit.rules import load_default_ruleset

    options = yaml.safe_load(expected_file.read_text(encoding="utf-8"))["options"]
    export = expected_file.with_name(expected_file.name.removesuffix(".expected.yaml"))
    conversion = convert_exports(
        [export], lifecycle, ImportOptions(mapping=tuple(options.get("mapping", ()))), "out.yaml"
    )
    target = tmp_path / "out.yaml"
    target.write_text(conversion.text, encoding="utf-8")
    converted = load_yaml_inventory(target)
    ruleset = load_default_ruleset()

    def outcomes(inventory: Any) -> list[tuple[str, str, str, str]]:
        audit = run_audit(inventory, ruleset, lifecycle, AUDIT_DATE)
        return sorted(
            (f.rule_id, f.subject.type.value, f.subject.id, f.outcome.value) for f in audit.findings
        )

    direct = conversion.result.inventory
    assert [a.hostname for a in converted.assets] == sorted(
        (a.hostname for a in direct.assets), key=lambda h: (h.lower(), h)
    )
    assert outcomes(converted) == outcomes(direct)
