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


def parse_yaml(text: str, file: str, error: type[TmaError]) -> Node | None:
    """Parse one YAML document into Nodes; None for an empty document."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"invalid YAML: {problem}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", file=file) from None
    if root is None:
        return None
    return _convert(root, file, error)


def read_yaml_file(path: Path, error: type[TmaError]) -> Node | None:
    file = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error("file not found", file=file) from None
    except IsADirectoryError:
        raise error("is a directory, not a file", file=file) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", file=file) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error("not valid UTF-8 text", file=file, line=line) from None
    return parse_yaml(text, file, error)


def _convert(node: yaml.Node, file: str, error: type[TmaError]) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        tag = node.tag[len(_TAG_PREFIX) :] if node.tag.startswith(_TAG_PREFIX) else "str"
        if node.style in ("'", '"'):
            tag = "str"
        return Node("scalar", line, text=node.value, tag=tag)
    if isinstance(node, yaml.SequenceNode):
        return Node("seq", line, items=[_convert(item, file, error) for item in node.value])
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Node] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise error("mapping keys must be plain names", file=file, line=key_line)
            if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
                raise error("YAML merge keys (<<) are not supported", file=file, line=key_line)
            key = key_node.value
            if key in mapping:
                raise error(
                    f"duplicate key {key!r} (first on line {key_lines[key]})",
                    file=file,
                    line=key_line,
                )
            key_lines[key] = key_line
            mapping[key] = _convert(value_node, file, error)
        return Node("map", line, mapping=mapping, key_lines=key_lines)
    raise error("unsupported YAML node", file=file, line=line)  # pragma: no cover


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
