"""JSON reading with limits: nesting depth, whole-number length, finite numbers only.

The standard `json` module parses `NaN`, `Infinity` and `1e400` (an infinite float),
raises a bare ValueError on whole numbers longer than Python's 4,300-digit conversion
limit, and a RecursionError on deep nesting. Here each of those is the caller's input
error, naming the file and the JSON path of the offending value (or the line, for
nesting too deep to parse).
"""

from __future__ import annotations

import json
import math
from typing import Any

from tma_audit.errors import TmaError
from tma_audit.limits import MAX_INT_DIGITS

#: deeper than any document tma-audit reads (a JSON report nests 6 levels)
MAX_DEPTH = 64


class _Oversized:
    """A whole number too long to convert (kept apart until its path is known)."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _parse_int(text: str) -> int | _Oversized:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return _Oversized(digits)
    return int(text)


def loads(text: str, file: str, error: type[TmaError]) -> Any:
    """Parse JSON text; raise `error` for invalid JSON and for values beyond the limits."""
    try:
        data = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise error(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno) from None
    except RecursionError:
        raise error(
            f"not valid JSON: nested more than {MAX_DEPTH} levels deep", file=file
        ) from None
    problem = find_problem(data)
    if problem is not None:
        message, path = problem
        raise error(message, file=file, field=path or None)
    return data


def find_problem(data: Any) -> tuple[str, str] | None:
    """The first value beyond the limits, as (message, JSON path); None if there is none.

    Walks the document without recursion, in document order.
    """
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nested more than {MAX_DEPTH} levels deep", path
        if isinstance(value, _Oversized):
            return (
                f"number too large ({value.digits} digits; at most {MAX_INT_DIGITS})",
                path,
            )
        if isinstance(value, float) and not math.isfinite(value):
            return f"expected a finite number, got {value!r}", path
        if isinstance(value, dict):
            children = [(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()]
        elif isinstance(value, list):
            children = [(v, f"{path}[{i}]") for i, v in enumerate(value)]
        else:
            continue
        stack.extend((child, child_path, depth + 1) for child, child_path in reversed(children))
    return None
