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
    warn: Callable[[str], None],
) -> AuditResult:
    """Audit the inventory on `as_of` with the data chosen and the waivers given.

    `waivers` is a register file (read once the lifecycle data is loaded), a register
    already read, or None. Errors are the loaders' (input error exit 2, data error 3).
    """
    from tma_audit.audit import run_audit
    from tma_audit.lifecycle.in_use import load_for_audit

    lifecycle, notes = load_for_audit(data, ruleset, as_of, warn=warn)
    register = waivers
    if isinstance(register, Path):
        from tma_audit.waivers.register_file import load_register

        register = load_register(register)
    return run_audit(inventory, ruleset, lifecycle, as_of, waivers=register, notes=notes)
