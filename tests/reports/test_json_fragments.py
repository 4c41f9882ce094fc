"""The JSON report builds each outcome's evidence with the C string escaper;
the result must equal what the json encoder writes (sorted keys, ASCII escapes)."""

from __future__ import annotations

import json

from tma_audit.reports.json_report import _evidence_json

ENCODE = json.JSONEncoder(sort_keys=True).encode


def test_evidence_equals_the_encoder_with_sorted_keys_and_escapes() -> None:
    evidence = (
        ("os", 'Windows 11 "Pro" 26200.7171'),
        ("build", "26200.7171"),
        ("site", "Malmö\tHQ\\north"),
        ("build", "26200.7172"),  # a repeated key: the last one wins, as in dict()
    )
    fast = _evidence_json(evidence, ENCODE)
    assert fast == ENCODE(dict(evidence))
    assert fast.index('"build"') < fast.index('"os"') < fast.index('"site"')
    assert "26200.7171" not in fast.split('"os"')[0]


def test_evidence_that_is_not_all_text_goes_to_the_encoder() -> None:
    evidence = (("missing", 3), ("os", "Windows"))
    assert _evidence_json(evidence, ENCODE) == '{"missing": 3, "os": "Windows"}'  # type: ignore[arg-type]
