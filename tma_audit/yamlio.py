"""YAML reading that keeps line numbers, for errors that name file, line and field.

Scalars keep their source text: a version `10.0` stays "10.0", an SSID `NO` stays "NO";
each field is converted by its schema, not by YAML 1.1's guesses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tma_audit.errors import TmaError

try:  # the C parser is 5-10x faster; fall back to pure Python where it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_TAG_PREFIX = "tag:yaml.org,2002:"


@dataclass(slots=True)
class Node:
    """A YAML value with its 1-based line.

    kind is "map", "seq" or "scalar"; for scalars, `tag` is YAML's implicit type
    ("str", "int", "bool", "null", "float", "timestamp") and `text` the source text.
    """

    kind: str
    line: int
    text: str = ""
    tag: str = "str"
    items: list[Node] | None = None
    mapping: dict[str, Node] | None = None
    key_lines: dict[str, int] | None = None

    @property
    def is_null(self) -> bool:
        return self.kind == "scalar" and self.tag == "null"

    def describe(self) -> str:
        if self.kind == "map":
            return "a mapping"
        if self.kind == "seq":
            return "a list"
        if self.tag == "null":
            return "an empty value"
        return repr(self.text)


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = frozenset(
    {
        *("yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE"),
        *("false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"),
    }
)


def parse_yaml(text: str, file: str, error: type[TmaError]) -> Node | None:
    """Parse one YAML document into Nodes; None for an empty document.

    Built from the parser's event stream rather than PyYAML's composer, whose resolver
    runs a dozen regular expressions on every scalar: this is 5x faster on a large
    inventory, and the schema converts each field itself anyway.
    """
    try:
        return _build(yaml.parse(text, Loader=_Loader), file, error)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"invalid YAML: {problem}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", file=file) from None


def _scalar(event: yaml.ScalarEvent) -> Node:
    value = event.value
    line = _line_of(event)
    if event.style or (event.tag is not None and event.tag != "!"):
        tag = "str" if event.tag in (None, "!", "tag:yaml.org,2002:str") else _tag(event.tag)
        return Node("scalar", line, text=value, tag=tag)
    if value in _NULLS:
        return Node("scalar", line, text=value, tag="null")
    if value in _BOOLS:
        return Node("scalar", line, text=value, tag="bool")
    return Node("scalar", line, text=value)


def _line_of(event: Any) -> int:
    mark = event.start_mark
    return int(mark.line) + 1 if mark is not None else 1


def _tag(tag: str) -> str:
    return tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else "str"


def _build(events: Any, file: str, error: type[TmaError]) -> Node | None:
    """Assemble Nodes from parser events (mappings keep their keys' lines)."""
    root: Node | None = None
    documents = 0
    anchors: dict[str, Node] = {}
    # each open collection: (node, pending key or None, pending key line)
    stack: list[list[Any]] = []

    def add(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        top = stack[-1]
        parent: Node = top[0]
        if parent.kind == "seq":
            assert parent.items is not None
            parent.items.append(node)
            return
        if top[1] is None:  # this node is a key
            if node.kind != "scalar":
                raise error("mapping keys must be plain names", file=file, line=node.line)
            if node.text == "<<":
                raise error("YAML merge keys (<<) are not supported", file=file, line=node.line)
            assert parent.mapping is not None and parent.key_lines is not None
            if node.text in parent.mapping:
                first = parent.key_lines[node.text]
                raise error(
                    f"duplicate key {node.text!r} (first on line {first})",
                    file=file,
                    line=node.line,
                )
            top[1], top[2] = node.text, node.line
            return
        assert parent.mapping is not None and parent.key_lines is not None
        parent.mapping[top[1]] = node
        parent.key_lines[top[1]] = top[2]
        top[1] = None

    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if "\x00" in event.value:  # a "\0" escape: no name, text or path holds one
                raise error(f"NUL character in {event.value!r}", file=file, line=_line_of(event))
            node = _scalar(event)
            if event.anchor:
                anchors[event.anchor] = node
            add(node)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            line = _line_of(event)
            if kind is yaml.MappingStartEvent:
                node = Node("map", line, mapping={}, key_lines={})
            else:
                node = Node("seq", line, items=[])
            if event.anchor:
                anchors[event.anchor] = node
            add(node)
            stack.append([node, None, 0])
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
        elif kind is yaml.AliasEvent:
            target = anchors.get(event.anchor)
            if target is None:
                raise error(f"unknown alias *{event.anchor}", file=file, line=_line_of(event))
            add(target)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise error(
                    "expected one YAML document, found several (---)",
                    file=file,
                    line=_line_of(event),
                )
    return root


def read_yaml_file(path: Path, error: type[TmaError]) -> Node | None:
    from tma_audit.fileio import read_input

    file = str(path)
    data = read_input(path, error=error)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error("not valid UTF-8 text", file=file, line=line) from None
    return parse_yaml(text, file, error)


def to_plain(node: Node | None) -> Any:
    """Convert a Node tree to plain Python values (strings for scalars, None for null)."""
    if node is None or node.is_null:
        return None
    if node.kind == "map":
        assert node.mapping is not None
        return {k: to_plain(v) for k, v in node.mapping.items()}
    if node.kind == "seq":
        assert node.items is not None
        return [to_plain(v) for v in node.items]
    return node.text
