"""MS-5 / SC-6: a server-based backup solution, its licence, support and warranty."""

from __future__ import annotations

from tma_audit.model import (
    BackupProduct,
    Client,
    SubjectType,
    Verdict,
)
from tma_audit.rules.checks.support import (
    FAIL,
    PASS,
    UNKNOWN,
    Dates,
    join_warnings,
    product_current,
)
from tma_audit.rules.registry import Context, EvidenceWanted, check

# --- MS-5 / SC-6: backup -------------------------------------------------------------


@check(
    "backup_solution",
    subjects={SubjectType.ENVIRONMENT},
    evidence=EvidenceWanted("environment", when=(("date given", "product-dates"),)),
)
def backup_solution(subject: Client, ctx: Context) -> Verdict:
    """A licensed, vendor-supported, server-based backup solution exists."""
    env = ctx.inventory.environment
    if not env.stated:
        return Verdict(UNKNOWN, "the inventory states no environment products (backup)")
    if not env.backup:
        return Verdict(FAIL, "no backup solution listed")
    verdicts: list[Verdict] = []
    for product in env.backup:
        label = product.product + (f" {product.version}" if product.version else "")
        fails, unknowns, warnings = product_current(product, ctx, label)
        if product.server_based is False:
            fails.append(f"{label} is not server-based")
        elif product.server_based is None:
            unknowns.append(f"{label}: server-based not stated")
        evidence = (("product", label),)
        if fails:
            verdicts.append(Verdict(FAIL, "; ".join(fails), evidence))
        elif unknowns:
            verdicts.append(Verdict(UNKNOWN, "; ".join(unknowns), evidence))
        else:
            verdicts.append(
                Verdict(
                    PASS,
                    f"{label}: licensed, vendor-supported, server-based",
                    evidence,
                    join_warnings(warnings),
                )
            )
    return min(verdicts, key=lambda v: {PASS: 0, UNKNOWN: 1, FAIL: 2}[v.outcome])


@check("backup_contracts", subjects={SubjectType.BACKUP}, evidence=EvidenceWanted("product-dates"))
def backup_contracts(product: BackupProduct, ctx: Context) -> Verdict:
    """Backup software licence, manufacturer support and (appliance) warranty are current."""
    dates = Dates(ctx, product.product)
    dates.judge("licence", product.license_expires)
    dates.judge("manufacturer support", product.support_expires)
    if product.warranty_expires is not None:
        dates.judge("warranty", product.warranty_expires)
    return dates.verdict()
