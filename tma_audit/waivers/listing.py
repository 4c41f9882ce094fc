"""`tma-audit waivers list`: a register as a table, each waiver's status on a date. Pure."""

from __future__ import annotations

import datetime as dt
import textwrap

from tma_audit.waivers.expiry import Status, WaiverPolicy, assess
from tma_audit.waivers.waiver import WaiverRegister

#: the longest approver shown (longer ones end in "…")
APPROVER_WIDTH = 30


def list_register(register: WaiverRegister, day: dt.date, policy: WaiverPolicy, width: int) -> str:
    """One row per waiver (ID, status, expiry, approver, rules) with its scope wrapped
    below, then how many waivers have each status."""
    rows = [("ID", "status", "expires", "approved by", "rules")]
    scopes = [""]
    tally: dict[Status, int] = {}
    for waiver in register.waivers:
        assessment = assess(waiver, day, policy)
        tally[assessment.status] = tally.get(assessment.status, 0) + 1
        status = assessment.status.value
        if assessment.status.covers and assessment.days_left is not None:
            status += f" ({assessment.days_left} d left)"
        expiry = assessment.effective_expiry
        rows.append(
            (
                waiver.id,
                status,
                expiry.isoformat() if expiry else "-",
                _fit(waiver.approved_by or "-", APPROVER_WIDTH),
                ", ".join(waiver.rules),
            )
        )
        scopes.append(waiver.scope.describe())
    out = [f"{register.file}: {len(register.waivers)} waiver(s) on {day.isoformat()}"]
    if register.client:
        out[0] += f", client {register.client}"
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    indent = " " * (widths[0] + 2)
    wrap = max(40, width - len(indent))
    for row, scope in zip(rows, scopes, strict=True):
        cells = [row[i].ljust(widths[i]) for i in range(4)]
        out.append("  ".join([*cells, row[4]]).rstrip())
        if scope:
            out.extend(indent + line for line in textwrap.wrap(f"scope: {scope}", wrap))
    summary = ", ".join(f"{tally[status]} {status.value}" for status in Status if status in tally)
    out.append(summary or "no waivers")
    return "\n".join(out) + "\n"


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"
