"""JSON from outside tma-audit's control (answers fetched, the user's cache), within bounds.

``json.loads`` alone turns a hostile or corrupt file into a crash: nesting thousands deep
raises RecursionError (there, or later in whatever walks the value), and integers of
thousands of digits fail or cost quadratic time. Here those are a ValueError like any
other bad JSON, so a caller that treats bad JSON as "no data" covers them too.
"""

from __future__ import annotations

import json
from typing import Any

#: Deeper than any snapshot or API answer tma-audit reads (those are under 10 levels).
MAX_DEPTH = 64
#: Digits an integer may have (revisions, counts and years need a few).
MAX_INT_DIGITS = 30


class JsonLimitError(ValueError):
    """JSON over a bound (size, depth, integer length); the message says which."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonLimitError(f"an integer of {len(text)} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _constant(name: str) -> Any:
    raise JsonLimitError(f"{name} is not JSON")


def loads(raw: bytes | str, *, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """Decode JSON; a ValueError (JsonLimitError for a bound) when it is not acceptable."""
    if len(raw) > max_bytes:
        raise JsonLimitError(f"larger than {max_bytes} bytes")
    try:
        value = json.loads(raw, parse_int=_int, parse_constant=_constant)
    except RecursionError:
        raise JsonLimitError(f"nested more than {max_depth} levels deep") from None
    _check_depth(value, max_depth)
    return value


def _check_depth(value: Any, max_depth: int) -> None:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            raise JsonLimitError(f"nested more than {max_depth} levels deep")
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
