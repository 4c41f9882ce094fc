"""YAML reading with lines: scalars keep their text, and YAML's traps are clear errors."""

from __future__ import annotations

import pytest

from tma_audit.errors import InventoryError
from tma_audit.yamlio import parse_yaml, to_plain


def parse(text: str) -> object:
    return to_plain(parse_yaml(text, "f.yaml", InventoryError))


def test_scalars_keep_their_text_and_lines() -> None:
    root = parse_yaml("a: 10.0\nb: NO\nc: 'yes'\nd:\ne: 2026-01-01\n", "f.yaml", InventoryError)
    assert root is not None and root.mapping is not None
    assert root.mapping["a"].text == "10.0" and root.mapping["a"].tag == "str"
    assert root.mapping["b"].tag == "bool"  # YAML 1.1: the schema decides what NO means
    assert root.mapping["c"].tag == "str"  # quoted: always text
    assert root.mapping["d"].is_null
    assert root.key_lines == {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}


def test_anchors_and_aliases() -> None:
    assert parse("w: &w {level: 24x7}\nx: *w\n") == {
        "w": {"level": "24x7"},
        "x": {"level": "24x7"},
    }


def test_empty_document() -> None:
    assert parse_yaml("# nothing\n", "f.yaml", InventoryError) is None


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("a: 1\na: 2\n", 2, "duplicate key 'a' (first on line 1)"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", 3, "merge keys"),
        ("a: 1\n---\nb: 2\n", 2, "one YAML document"),
        ("a: [1, 2\n", 2, "invalid YAML"),
        ("? [a, b]\n: 1\n", 1, "plain names"),
        ("a: *nowhere\n", 1, "unknown alias"),
    ],
)
def test_errors(text: str, line: int, needle: str) -> None:
    with pytest.raises(InventoryError) as info:
        parse(text)
    assert info.value.line == line, str(info.value)
    assert needle in info.value.message
