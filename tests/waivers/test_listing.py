"""`waivers.listing`: a register as a table (what `tma-audit waivers list` prints)."""

from __future__ import annotations

from tests.waivers.conftest import AS_OF, MIDSIZE_WAIVERS, register
from tma_audit.waivers.expiry import WaiverPolicy
from tma_audit.waivers.listing import APPROVER_WIDTH, list_register
from tma_audit.waivers.register_file import load_register

POLICY = WaiverPolicy(max_days=365, warn_days=30, review_days=180)


def test_each_waiver_is_a_row_with_its_scope_and_the_statuses_are_counted() -> None:
    text = list_register(load_register(MIDSIZE_WAIVERS), AS_OF, POLICY, 80)
    lines = text.splitlines()
    assert lines[0].startswith(f"{MIDSIZE_WAIVERS}: ")
    assert f"waiver(s) on {AS_OF.isoformat()}" in lines[0]
    assert lines[1].split() == ["ID", "status", "expires", "approved", "by", "rules"]
    assert any(line.lstrip().startswith("scope: ") for line in lines)
    assert "in force" in lines[-1]
    assert all(len(line) <= 80 for line in lines if line.lstrip().startswith("scope"))


def test_long_approvers_are_cut_and_an_empty_register_says_so() -> None:
    name = "A" * (APPROVER_WIDTH + 10)
    one = register(
        f"""\
        client: Acme
        waivers:
          - id: W-1
            rules: [MS-1]
            scope: {{hostnames: [PC1]}}
            approved_by: {name}
            approval_date: 2026-11-01
            expires: 2027-01-31
        """
    )
    text = list_register(one, AS_OF, POLICY, 100)
    assert text.splitlines()[0] == "waivers.yaml: 1 waiver(s) on 2026-11-26, client Acme"
    assert "A" * (APPROVER_WIDTH - 1) + "…" in text and name not in text
    assert "in force (66 d left)" in text
    assert "  scope: hosts PC1\n" in text
    assert text.endswith("1 in force\n")
    empty = list_register(register("waivers: []\n"), AS_OF, POLICY, 100)
    assert empty.splitlines()[-1] == "no waivers"
