"""Shape checks for decoded JSON (the snapshot, API answers): one message style, any error.

check = Shape(MyError)
releases = check.array(check.obj(doc, "document")["releases"], "releases")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def kind_of(value: Any) -> str:
    """How a JSON value reads in a message: "null", "a string", "an object" …"""
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


class Shape:
    """Typed access to decoded JSON that raises `error(message)` on the wrong shape."""

    def __init__(self, error: Callable[[str], Exception]) -> None:
        self.error = error

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(f"{where}: expected an object, got {kind_of(value)}")
        return value

    def array(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.error(f"{where}: expected a list, got {kind_of(value)}")
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.error(f"{where}: expected a string, got {kind_of(value)}")
        return value

    def opt_text(self, value: Any, where: str) -> str | None:
        return None if value is None else self.text(value, where)

    def flag(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.error(f"{where}: expected true or false, got {kind_of(value)}")
        return value
