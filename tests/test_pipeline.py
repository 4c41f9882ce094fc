"""`run_configured_audit`: the one audit of `audit`, `plan`, `waivers draft` and `lint`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tma_audit.errors import WaiverError
from tma_audit.inventory import load_inventory
from tma_audit.lifecycle import StaleDataError
from tma_audit.lifecycle.in_use import DataChoice
from tma_audit.model import AuditResult, Outcome, Ruleset
from tma_audit.pipeline import run_configured_audit
from tma_audit.waivers.register_file import load_register

REPO = Path(__file__).resolve().parent.parent
MIDSIZE = REPO / "inventories" / "midsize" / "inventory.yaml"
MIDSIZE_WAIVERS = REPO / "inventories" / "midsize" / "waivers.yaml"
AS_OF = dt.date(2026, 11, 26)
#: long after the shipped data: too stale for the default ruleset
LATE = dt.date(2029, 1, 1)


def test_a_register_file_and_a_register_read_give_the_same_audit(ruleset: Ruleset) -> None:
    inventory = load_inventory(MIDSIZE)
    choice = DataChoice(today=AS_OF)
    warnings: list[str] = []
    from_file = run_configured_audit(
        inventory, ruleset, AS_OF, choice, waivers=MIDSIZE_WAIVERS, warn=warnings.append
    )
    from_register = run_configured_audit(
        inventory,
        ruleset,
        AS_OF,
        choice,
        waivers=load_register(MIDSIZE_WAIVERS),
        warn=warnings.append,
    )
    without = run_configured_audit(inventory, ruleset, AS_OF, choice, warn=warnings.append)

    def outcomes(result: AuditResult) -> list[tuple[str, str, Outcome, str]]:
        return [
            (subject.id, rule_id, verdict.outcome, verdict.reason)
            for subject, rule_ids, verdicts in result.results
            for rule_id, verdict in zip(rule_ids, verdicts, strict=True)
        ]

    assert outcomes(from_file) == outcomes(from_register)
    assert (from_file.by_rule, from_file.notes) == (from_register.by_rule, from_register.notes)
    assert from_file.by_rule != without.by_rule
    assert any(counts.get(Outcome.WAIVED) for counts in from_file.by_rule.values())
    assert not any(counts.get(Outcome.WAIVED) for counts in without.by_rule.values())
    # the data's warnings (given to warn once per audit) are in each result's notes
    assert warnings and set(warnings) <= set(from_file.notes) & set(without.notes)


def test_data_warnings_go_to_warn_and_into_the_notes(ruleset: Ruleset) -> None:
    warnings: list[str] = []
    result = run_configured_audit(
        load_inventory(MIDSIZE),
        ruleset,
        LATE,
        DataChoice(today=LATE, allow_stale=True),
        warn=warnings.append,
    )
    assert warnings
    assert set(warnings) <= set(result.notes)


def test_the_register_is_read_after_the_data(ruleset: Ruleset, tmp_path: Path) -> None:
    """As the commands always did: stale data (exit 3) is reported before a bad
    register (exit 2); with usable data the register's error comes."""
    bad = tmp_path / "waivers.yaml"
    bad.write_text("waivers: 3\n", encoding="utf-8")
    inventory = load_inventory(MIDSIZE)
    with pytest.raises(StaleDataError):
        run_configured_audit(
            inventory, ruleset, LATE, DataChoice(today=LATE), waivers=bad, warn=print
        )
    with pytest.raises(WaiverError):
        run_configured_audit(
            inventory, ruleset, AS_OF, DataChoice(today=AS_OF), waivers=bad, warn=print
        )
