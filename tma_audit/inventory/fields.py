"""Field conversion driven by the schema specs, shared by the YAML and CSV loaders."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

from tma_audit.errors import InventoryError
from tma_audit.inventory.schema import FieldSpec, ObjectSpec
from tma_audit.limits import MAX_INT_DIGITS
from tma_audit.yamlio import Node

_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off"})
_INT = re.compile(r"^[+-]?\d+$")
#: control characters: never part of a real name, a sign of a binary or corrupted file
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: every byte but those control characters: in UTF-8 each of them is its own byte, and
#: no other character's encoding has a byte below 0x80
_NOT_CONTROL = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F), *range(0x80, 0x100)])


def has_control(text: str) -> bool:
    """Whether `text` has a CONTROL character: bytes.translate, ~4x a regex search."""
    return bool(text.encode("utf-8", "surrogatepass").translate(None, _NOT_CONTROL))


class Where:
    """File and line context for conversion errors."""

    __slots__ = ("file", "line")

    def __init__(self, file: str, line: int) -> None:
        self.file = file
        self.line = line

    def error(self, message: str, path: str, line: int | None = None) -> InventoryError:
        return InventoryError(
            message, file=self.file, line=self.line if line is None else line, field=path
        )


def convert_text(
    text: str, spec: FieldSpec, path: str, where: Where, line: int | None = None
) -> Any:
    """Convert one non-empty text value to the field's type."""
    kind = spec.type
    if kind == "str":
        if CONTROL.search(text):
            raise where.error(f"contains control characters: {text!r}", path, line)
        return text
    if kind == "int":
        if not _INT.match(text.strip()):
            raise where.error(f"expected a whole number, got {text!r}", path, line)
        digits = len(text.strip().lstrip("+-"))
        if digits > MAX_INT_DIGITS:
            raise where.error(
                f"number too large ({digits} digits; at most {MAX_INT_DIGITS})", path, line
            )
        value = int(text)
        if spec.minimum is not None and value < spec.minimum:
            raise where.error(f"must be at least {spec.minimum}, got {value}", path, line)
        return value
    if kind == "bool":
        low = text.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise where.error(f"expected true or false, got {text!r}", path, line)
    if kind == "date":
        return parse_date(text, path, where, line)
    if kind == "enum":
        low = text.strip().lower()
        if low in spec.aliases:
            return spec.aliases[low]
        if low in spec.choices:
            return low
        choices = ", ".join(spec.choices)
        hint = suggest(low, [*spec.choices, *spec.aliases])
        raise where.error(f"unknown value {text!r}; expected one of: {choices}{hint}", path, line)
    raise where.error(f"expected {kind}", path, line)  # pragma: no cover


def parse_date(text: str, path: str, where: Where, line: int | None = None) -> dt.date:
    raw = text.strip()
    candidate = raw[:10] if len(raw) > 10 and raw[10] in "T " else raw
    try:
        return dt.date.fromisoformat(candidate)
    except ValueError:
        raise where.error(f"bad date {text!r}: expected YYYY-MM-DD", path, line) from None


def suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def convert_node(node: Node, spec: FieldSpec, path: str, where: Where) -> Any:
    """Convert a YAML node to the field's type (None for an explicit null)."""
    if node.is_null:
        return None
    if spec.type == "object":
        assert spec.obj is not None
        return convert_object(node, spec.obj, path, where)
    if spec.type == "list":
        if node.kind != "seq":
            raise where.error(f"expected a list, got {node.describe()}", path, node.line)
        assert node.items is not None
        out: list[Any] = []
        for index, item in enumerate(node.items):
            item_path = f"{path}[{index}]"
            if spec.obj is None:
                if item.kind != "scalar" or item.is_null:
                    raise where.error(f"expected text, got {item.describe()}", item_path, item.line)
                if spec.choices:  # a list of enum values
                    choice = FieldSpec(
                        "enum", spec.description, choices=spec.choices, aliases=spec.aliases
                    )
                    out.append(convert_text(item.text, choice, item_path, where, item.line))
                    continue
                out.append(item.text)
            else:
                out.append(convert_object(item, spec.obj, item_path, where))
        return out
    if node.kind != "scalar":
        raise where.error(f"expected {_type_name(spec)}, got {node.describe()}", path, node.line)
    if spec.type == "bool" and node.tag != "bool":
        raise where.error(f"expected true or false, got {node.text!r}", path, node.line)
    if spec.type in ("str", "enum") and node.tag == "str" and not node.text.strip():
        if spec.required:
            raise where.error("must not be empty", path, node.line)
        return None
    return convert_text(node.text, spec, path, where, node.line)


def _type_name(spec: FieldSpec) -> str:
    return {
        "str": "text",
        "int": "a whole number",
        "bool": "true or false",
        "date": "a date (YYYY-MM-DD)",
        "enum": "one of: " + ", ".join(spec.choices),
    }.get(spec.type, spec.type)


def convert_object(node: Node, spec: ObjectSpec, path: str, where: Where) -> dict[str, Any]:
    """Convert a mapping node: unknown keys and missing required fields are errors.

    Each converted mapping carries its line under the key "__line__" and the lines of
    its list items under "__lines__" (for locating findings).
    """
    if node.kind != "map":
        raise where.error(
            f"expected a mapping ({spec.name}), got {node.describe()}", path, node.line
        )
    assert node.mapping is not None and node.key_lines is not None
    out: dict[str, Any] = {"__line__": node.line}
    for key, value in node.mapping.items():
        field_spec = spec.fields.get(key)
        field_path = f"{path}.{key}" if path else key
        if field_spec is None:
            hint = suggest(key, list(spec.fields))
            raise where.error(
                f"unknown key {key!r} in {spec.name}{hint}", field_path, node.key_lines[key]
            )
        out[key] = convert_node(value, field_spec, field_path, where)
    for key, field_spec in spec.fields.items():
        if field_spec.required and out.get(key) is None:
            field_path = f"{path}.{key}" if path else key
            raise where.error(
                f"required field {key!r} is missing in {spec.name}", field_path, node.line
            )
    return out
