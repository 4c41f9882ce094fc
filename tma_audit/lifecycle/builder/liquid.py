"""A very small subset of Liquid: what endoflife.date's label and changelog templates use."""

from __future__ import annotations

import re
from typing import Any

from tma_audit.lifecycle.builder.findings import BuildError

_LIQUID_TAG = re.compile(r"({{.*?}}|{%.*?%})", re.DOTALL)
_LIQUID_LITERAL = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|(-?\d+)|([A-Za-z_]\w*))\s*$""")


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quote = ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == separator:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _liquid_expr(expr: str, variables: dict[str, Any]) -> Any:
    parts = _split_outside_quotes(expr, "|")
    match = _LIQUID_LITERAL.match(parts[0])
    if not match:
        raise BuildError(f"unsupported Liquid expression: {expr!r}")
    value: Any
    if match.group(1) is not None:
        value = match.group(1)
    elif match.group(2) is not None:
        value = match.group(2)
    elif match.group(3) is not None:
        value = int(match.group(3))
    else:
        value = variables.get(match.group(4), "")
    for raw in parts[1:]:
        name, _, argtext = raw.strip().partition(":")
        args = [_unquote(a) for a in _split_outside_quotes(argtext, ",")] if argtext else []
        if name == "replace":
            value = str(value).replace(args[0], args[1] if len(args) > 1 else "")
        elif name == "split":
            value = str(value).split(args[0])
        elif name == "join":
            value = args[0].join(str(v) for v in value)
        elif name == "slice":
            start = int(args[0])
            length = int(args[1]) if len(args) > 1 else 1
            value = value[start : start + length]
        elif name == "first":
            value = value[0] if value else ""
        elif name == "plus":
            value = int(str(value)) + int(args[0])
        else:
            raise BuildError(f"unsupported Liquid filter: {name!r}")
    return value


def _liquid_str(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return str(value)


def render_liquid(template: str) -> str:
    """Render the few Liquid constructs found in endoflife.date templates."""
    if "{" not in template:
        return template
    variables: dict[str, Any] = {}
    output: list[str] = []
    emitting: list[bool] = [True]
    for piece in _LIQUID_TAG.split(template):
        if piece.startswith("{{"):
            if all(emitting):
                output.append(_liquid_str(_liquid_expr(piece[2:-2], variables)))
        elif piece.startswith("{%"):
            tag = piece[2:-2].strip()
            if tag.startswith("assign "):
                name, _, expr = tag[len("assign ") :].partition("=")
                if all(emitting):
                    variables[name.strip()] = _liquid_expr(expr, variables)
            elif tag.startswith("if "):
                cond = re.fullmatch(r"if\s+(\S+)\s*(<|>|==|!=|<=|>=)\s*(\S+)", tag)
                if not cond:
                    raise BuildError(f"unsupported Liquid condition: {tag!r}")
                left = _liquid_expr(cond.group(1), variables)
                right = _liquid_expr(cond.group(3), variables)
                ops = {
                    "<": left < right,
                    ">": left > right,
                    "==": left == right,
                    "!=": left != right,
                    "<=": left <= right,
                    ">=": left >= right,
                }
                emitting.append(bool(ops[cond.group(2)]))
            elif tag == "else":
                emitting[-1] = not emitting[-1]
            elif tag == "endif":
                emitting.pop()
            else:
                raise BuildError(f"unsupported Liquid tag: {tag!r}")
        elif all(emitting):
            output.append(piece)
    return "".join(output)
