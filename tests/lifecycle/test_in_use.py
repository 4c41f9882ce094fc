"""`lifecycle.in_use`: which data a command uses, and `lifecycle.describe` (data show)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tma_audit.errors import InputError
from tma_audit.lifecycle.describe import describe_data
from tma_audit.lifecycle.in_use import DataChoice, data_settings, load_for_audit
from tma_audit.lifecycle.staleness import StaleDataError, StalenessPolicy, assess
from tma_audit.model import Ruleset

SHIPPED = Path(__file__).resolve().parents[2] / "tma_audit" / "lifecycle" / "data" / "snapshot.json"
AS_OF = dt.date(2026, 11, 26)
#: a date the shipped data is fresh for (lifecycle dates and update history)
FRESH = dt.date(2026, 8, 20)
LATE = dt.date(2029, 1, 1)


def test_a_pinned_snapshot_never_resolves_the_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TMA_AUDIT_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(InputError, match="settings file not found"):
        DataChoice(today=AS_OF).load()
    in_use = DataChoice(today=AS_OF, pinned=SHIPPED).load()
    assert in_use.info.kind == "pinned"


def test_without_a_cache_the_shipped_data_is_used(tmp_path: Path) -> None:
    choice = DataChoice(today=AS_OF, cache_dir=tmp_path / "cache")
    assert choice.settings().cache_dir == tmp_path / "cache"
    assert choice.load().info.kind == "shipped"


def test_load_for_audit_warns_of_stale_data_or_refuses_it(ruleset: Ruleset) -> None:
    warnings: list[str] = []
    _lifecycle, notes = load_for_audit(
        DataChoice(today=FRESH), ruleset, FRESH, warn=warnings.append
    )
    assert notes == () and warnings == []
    with pytest.raises(StaleDataError):
        load_for_audit(DataChoice(today=LATE), ruleset, LATE, warn=warnings.append)
    assert warnings == []
    _lifecycle, notes = load_for_audit(
        DataChoice(today=LATE, allow_stale=True), ruleset, LATE, warn=warnings.append
    )
    assert notes and tuple(warnings) == notes


def test_describe_data_is_the_text_of_data_show(ruleset: Ruleset, tmp_path: Path) -> None:
    settings = data_settings(cache_dir=tmp_path / "cache")
    in_use = DataChoice(today=AS_OF, pinned=SHIPPED).load(settings)
    staleness = assess(
        in_use.info.date, in_use.info.updates_date, AS_OF, StalenessPolicy.from_ruleset(ruleset)
    )
    text = describe_data(in_use, staleness, settings, AS_OF, 80)
    assert text.startswith(f"Lifecycle data in use: pinned, {SHIPPED}\n")
    assert f"Staleness on {AS_OF}:" in text
    assert f"  into {tmp_path / 'cache'} (--cache-dir)\n" in text
    assert all(len(line) <= 100 for line in text.splitlines() if "://" not in line)
