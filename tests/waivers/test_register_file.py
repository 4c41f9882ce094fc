"""Reading a waiver register: the format, and malformed files named by file, line, field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.waivers.conftest import MIDSIZE_WAIVERS, register
from tma_audit.errors import ExitCode, WaiverError
from tma_audit.waivers.register_file import load_register
from tma_audit.waivers.waiver import Scope

COMPLETE = """\
# a comment
schema: 1
client: Hartwell & Pryce Building Supplies Ltd
waivers:
  - id: W-2026-001
    rules: [MS-1, MS-3, SC-7]
    scope:
      hostnames: [LDS-ACCESS01]
    justification: >-
      The door controller's vendor has no build for a newer Windows.
    compensating_controls:
      - Isolated VLAN, no internet access
      - Local admin accounts disabled
    requested_by: Priya Natarajan
    approved_by: Priya Natarajan (Facilities & IT Manager)
    approval_date: 2026-11-28
    expires: 2027-05-28
    reference: WD-HPBS-20261126-001 (signed 2026-11-28)
  - id: W-2026-002
    rules: SC-8
    scope: {site: Wakefield DC, globs: ["WKF-*"], items: [Wakefield DC], client: false}
    compensating_controls: []
"""


def test_a_complete_register_reads_every_field() -> None:
    reg = register(COMPLETE)
    assert reg.client == "Hartwell & Pryce Building Supplies Ltd"
    assert reg.client_line == 3
    first, second = reg.waivers
    assert first.id == "W-2026-001"
    assert first.rules == ("MS-1", "MS-3", "SC-7")
    assert first.scope == Scope(hostnames=("LDS-ACCESS01",))
    assert first.justification == "The door controller's vendor has no build for a newer Windows."
    assert first.compensating_controls == (
        "Isolated VLAN, no internet access",
        "Local admin accounts disabled",
    )
    assert first.approval_date == dt.date(2026, 11, 28)
    assert first.expires == dt.date(2027, 5, 28)
    assert first.reference == "WD-HPBS-20261126-001 (signed 2026-11-28)"
    assert first.line == 5 and first.line_of("expires") == 17
    # one rule may be given as text; missing fields are None, `[]` says "none"
    assert second.rules == ("SC-8",)
    assert second.scope.sites == ("Wakefield DC",) and second.scope.globs == ("WKF-*",)
    assert second.approved_by is None and second.expires is None
    assert second.compensating_controls == ()


def test_compensating_controls_none_versus_missing() -> None:
    reg = register(
        """\
        waivers:
          - {id: A, rules: [MS-1], scope: {client: true}, compensating_controls: none}
          - {id: B, rules: [MS-1], scope: {client: true}}
          - {id: C, rules: [MS-1], scope: {client: true}, compensating_controls: }
        """
    )
    assert [w.compensating_controls for w in reg.waivers] == [(), None, None]


def test_an_empty_register_is_valid() -> None:
    assert register("waivers: []\n").waivers == ()
    assert register("waivers:\n").waivers == ()


def test_the_shipped_example_register_loads() -> None:
    reg = load_register(MIDSIZE_WAIVERS)
    assert len(reg.waivers) >= 4
    assert reg.client == "Hartwell & Pryce Building Supplies Ltd"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "w.yaml:1: the waiver file is empty"),
        ("waivers: 3\n", "w.yaml:1: waivers: expected a list, got '3'"),
        ("client: X\n", "w.yaml:1: waivers: required key 'waivers' is missing"),
        ("waiver: []\n", "w.yaml:1: waiver: unknown key 'waiver' (did you mean 'waivers'?)"),
        ("schema: 2\nwaivers: []\n", "w.yaml:1: schema: schema version 2 is not supported"),
        (
            "waivers:\n  - id: W-1\n    rules: [MS-1]\n    scope: {client: true}\n"
            "    expiry: 2027-01-01\n",
            "w.yaml:5: waivers[W-1].expiry: unknown key 'expiry' (did you mean 'expires'?)",
        ),
        (
            "waivers:\n  - id: W-1\n    rules: [MS-1]\n    scope: {client: true}\n"
            "    expires: 2027-02-30\n",
            "w.yaml:5: waivers[W-1].expires: bad date '2027-02-30': expected YYYY-MM-DD",
        ),
        (
            "waivers:\n  - id: W-1\n    rules: [MS-1]\n    scope: {client: true}\n"
            "    approval_date: 20261128\n",
            "w.yaml:5: waivers[W-1].approval_date: bad date '20261128'",
        ),
        (
            "waivers:\n  - id: W-1\n    rules: [MS-1]\n    scope: {hostname: [A]}\n",
            "w.yaml:4: waivers[W-1].scope.hostname: unknown key 'hostname' (did you mean "
            "'hostnames'?)",
        ),
        (
            "waivers:\n  - id: W-1\n    rules: [MS-1]\n    scope: {}\n",
            "w.yaml:4: waivers[W-1].scope: the scope selects nothing",
        ),
        (
            "waivers:\n  - id: W-1\n    rules: [MS-1]\n    scope: {client: yes please}\n",
            "w.yaml:4: waivers[W-1].scope.client: expected true (the whole client)",
        ),
        (
            "waivers:\n  - id: W-1\n    rules: []\n    scope: {client: true}\n",
            "w.yaml:3: waivers[W-1].rules: name at least one rule ID",
        ),
        (
            "waivers:\n  - id: W-1\n    rules: [MS-1, {x: 1}]\n    scope: {client: true}\n",
            "w.yaml:3: waivers[W-1].rules[1]: expected text, got a mapping",
        ),
        (
            "waivers:\n  - rules: [MS-1]\n    scope: {client: true}\n",
            "w.yaml:2: waivers[0].id: required field 'id' is missing",
        ),
        (
            "waivers:\n  - id: W-1\n    rules: [MS-1]\n",
            "w.yaml:2: waivers[W-1].scope: required field 'scope' is missing",
        ),
        (
            "waivers:\n  - {id: W-1, rules: [MS-1], scope: {client: true}}\n"
            "  - {id: w-1, rules: [MS-1], scope: {client: true}}\n",
            "w.yaml:3: waivers[1].id: duplicate waiver id 'w-1' (first on line 2)",
        ),
        (
            'waivers:\n  - {id: W-1, rules: [MS-1], scope: {client: true}, approved_by: "a\\x07"}\n',
            "w.yaml:2: waivers[W-1].approved_by: contains control characters",
        ),
        ("waivers: [\n", "w.yaml:2: invalid YAML"),
        ("waivers:\n  - id: W-1\n  - id: W-1\n    rules: *nope\n", "w.yaml:4: unknown alias"),
    ],
)
def test_malformed_registers_are_errors_with_file_line_and_field(text: str, expected: str) -> None:
    with pytest.raises(WaiverError) as info:
        register(text, "w.yaml")
    assert str(info.value).startswith(expected), str(info.value)
    assert info.value.exit_code == ExitCode.INPUT_ERROR


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(WaiverError, match="file not found"):
        load_register(tmp_path / "missing.yaml")
    with pytest.raises(WaiverError, match="is a directory"):
        load_register(tmp_path)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"waivers: []\n\xff\xfe")
    with pytest.raises(WaiverError, match="not valid UTF-8"):
        load_register(binary)


def test_waiver_fields_are_listed_once_and_match_the_record() -> None:
    """The file's keys, what the loader requires and what lint wants completed all come
    from one list in `waiver.py`, which is the Waiver record's own field order."""
    import dataclasses

    from tma_audit.waivers.expiry import SIGNATURE_FIELDS
    from tma_audit.waivers.waiver import (
        COMPLETION_FIELDS,
        IDENTITY_FIELDS,
        WAIVER_KEYS,
        Waiver,
    )

    record = [f.name for f in dataclasses.fields(Waiver) if f.name not in ("line", "lines")]
    assert list(WAIVER_KEYS) == record
    assert WAIVER_KEYS == IDENTITY_FIELDS + COMPLETION_FIELDS
    assert set(SIGNATURE_FIELDS) <= set(COMPLETION_FIELDS)
    # a key outside the list is refused, and the message lists every key in order
    with pytest.raises(WaiverError) as caught:
        register("waivers:\n  - {id: W-1, rules: [MS-1], scope: {client: true}, signed: x}\n")
    assert f"expected one of: {', '.join(WAIVER_KEYS)}" in str(caught.value)
    # and lint names every missing completion field, in that order
    from tma_audit.rules import load_default_ruleset
    from tma_audit.waivers.lint import lint_register

    bare = register("waivers:\n  - {id: W-1, rules: [MS-1], scope: {client: true}}\n")
    (issue,) = lint_register(bare, load_default_ruleset(), dt.date(2026, 11, 26))
    assert issue.message.startswith(f"missing {', '.join(COMPLETION_FIELDS)}")
