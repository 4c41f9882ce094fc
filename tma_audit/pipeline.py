"""One audit as a command configured it: the one place `audit`, `plan`, `waivers draft`
and `waivers lint --inventory` run theirs (and `portfolio`, later).

Inventory (loaded by the command: native, CSV or exports) + ruleset + lifecycle data
(`lifecycle.in_use`) + waivers + audit date -> the result, whose notes carry the
warnings about the data. No clock (the audit date and today are passed in) and no
printing: the warnings go to the caller's `warn` as they arise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from tma_audit.lifecycle.in_use import DataChoice
    from tma_audit.model import AuditResult, Inventory, Ruleset
    from tma_audit.waivers.waiver import WaiverRegister


def run_configured_audit(
    inventory: Inventory,
    ruleset: Ruleset,
    as_of: dt.date,
    data: DataChoice,
    *,
    waivers: Path | WaiverRegister | None = None,
    baseline: Path | None = None,
    warn: Callable[[str], None],
) -> AuditResult:
    """Audit the inventory on `as_of` with the data chosen and the waivers given.

    `waivers` is a register file (read once the lifecycle data is loaded), a register
    already read, or None. `baseline` is a saved JSON report of an earlier audit of the
    client: its findings are the result's `baseline`, and SC-4 judges the changes since
    (history.py). Errors are the loaders' (input error exit 2, data error 3).
    """
    import dataclasses

    from tma_audit.audit import run_audit
    from tma_audit.lifecycle.in_use import load_for_audit

    known: frozenset[str] | None = None
    if baseline is not None:
        inventory, known = _with_baseline(inventory, ruleset, baseline, as_of)
    lifecycle, notes = load_for_audit(data, ruleset, as_of, warn=warn)
    register = waivers
    if isinstance(register, Path):
        from tma_audit.waivers.register_file import load_register

        register = load_register(register)
    result = run_audit(inventory, ruleset, lifecycle, as_of, waivers=register, notes=notes)
    return result if known is None else dataclasses.replace(result, baseline=known)


def _with_baseline(
    inventory: Inventory, ruleset: Ruleset, path: Path, as_of: dt.date
) -> tuple[Inventory, frozenset[str]]:
    """The inventory with its previous audit, and the baseline's finding IDs. A file that
    is not a JSON report, one of another client or one dated after this audit is an input
    error naming it."""
    import dataclasses

    from tma_audit.errors import InputError
    from tma_audit.history import previous_audit
    from tma_audit.identity import tracked_ids
    from tma_audit.reports.json_input import load_report

    old = load_report(path)
    file = str(path)
    if old.client.name != inventory.client.name:
        raise InputError(
            f"the baseline is an audit of {old.client.name!r}, not of {inventory.client.name!r} "
            "(the inventory's client.name)",
            file=file,
            field="client.name",
        )
    if old.as_of > as_of:
        raise InputError(
            f"the baseline audit is dated {old.as_of.isoformat()}, after this audit "
            f"({as_of.isoformat()})",
            file=file,
            field="audit_date",
        )
    previous = previous_audit(old, file, ruleset)
    return dataclasses.replace(inventory, previous=previous), tracked_ids(old)
