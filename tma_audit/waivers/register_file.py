"""Reading a waiver register (YAML) with errors that name file, line and field.

A *malformed* register is an error (WaiverError, exit 2): not YAML, not the expected
shape, an unknown key, a bad date, a duplicate id, or a waiver without id, rules or
scope. Fields that are merely *missing* (approver, approval date, expiry, reference,
justification …) are not errors here: such a waiver is incomplete and covers nothing
until it is completed, and `tma-audit waivers lint` lists what is missing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

from tma_audit.errors import WaiverError
from tma_audit.waivers.waiver import IDENTITY_FIELDS, WAIVER_KEYS, Scope, Waiver, WaiverRegister
from tma_audit.yamlio import Node, parse_yaml, read_yaml_file

TOP_KEYS = ("schema", "client", "waivers")
SCOPE_KEYS = ("client", "site", "hostnames", "globs", "items")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def load_register(path: Path) -> WaiverRegister:
    """Read and check a register file; WaiverError (exit 2) when it is malformed."""
    file = str(path)
    root = read_yaml_file(path, WaiverError)
    return _register(root, file)


def parse_register(text: str, file: str) -> WaiverRegister:
    return _register(parse_yaml(text, file, WaiverError), file)


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, message: str, line: int | None, field: str | None = None) -> WaiverError:
        return WaiverError(message, file=self.file, line=line, field=field)

    def mapping(self, node: Node, field: str, allowed: tuple[str, ...]) -> dict[str, Node]:
        if node.kind != "map" or node.mapping is None:
            raise self.fail(f"expected a mapping, got {node.describe()}", node.line, field or None)
        key_lines = node.key_lines or {}
        for key in node.mapping:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.fail(
                    f"unknown key {key!r}{hint}; expected one of: {', '.join(allowed)}",
                    key_lines.get(key, node.line),
                    f"{field}.{key}" if field else key,
                )
        return node.mapping

    def text(self, node: Node, field: str) -> str | None:
        """A scalar's text; None for an empty value."""
        if node.kind != "scalar":
            raise self.fail(f"expected text, got {node.describe()}", node.line, field)
        if node.is_null or not node.text.strip():
            return None
        if _CONTROL.search(node.text):
            raise self.fail(f"contains control characters: {node.text!r}", node.line, field)
        return " ".join(node.text.split()) if "\n" in node.text else node.text.strip()

    def texts(
        self, node: Node, prefix: str, key: str, lines: dict[str, int]
    ) -> tuple[str, ...] | None:
        """A list of text (or one text); None for an empty value.

        Errors name `prefix.key[i]`; `lines` records each item's line under `key[i]`.
        """
        field = f"{prefix}.{key}"
        if node.is_null:
            return None
        if node.kind == "scalar":
            value = self.text(node, field)
            return (value,) if value is not None else None
        if node.kind != "seq" or node.items is None:
            raise self.fail(f"expected a list of text, got {node.describe()}", node.line, field)
        out: list[str] = []
        for index, item in enumerate(node.items):
            value = self.text(item, f"{field}[{index}]")
            if value is None:
                raise self.fail("empty list item", item.line, f"{field}[{index}]")
            lines[f"{key}[{index}]"] = item.line
            out.append(value)
        return tuple(out)

    def date(self, node: Node, field: str) -> dt.date | None:
        text = self.text(node, field)
        if text is None:
            return None
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise self.fail(f"bad date {text!r}: expected YYYY-MM-DD", node.line, field) from None


def _register(root: Node | None, file: str) -> WaiverRegister:
    reader = _Reader(file)
    if root is None:
        raise reader.fail(
            "the waiver file is empty; it needs `waivers:` (a list, which may be empty)", 1
        )
    top = reader.mapping(root, "", TOP_KEYS)
    key_lines = root.key_lines or {}
    if "schema" in top:
        schema = top["schema"]
        if schema.kind != "scalar" or schema.text.strip() != "1":
            raise reader.fail(
                f"schema version {schema.text or schema.describe()} is not supported "
                "(this tool reads 1)",
                schema.line,
                "schema",
            )
    client: str | None = None
    if "client" in top:
        client = reader.text(top["client"], "client")
    if "waivers" not in top:
        raise reader.fail(
            "required key 'waivers' is missing (a list of waivers, which may be empty)",
            root.line,
            "waivers",
        )
    items = top["waivers"]
    if items.is_null:
        entries: list[Node] = []
    elif items.kind != "seq" or items.items is None:
        raise reader.fail(f"expected a list, got {items.describe()}", items.line, "waivers")
    else:
        entries = items.items
    waivers: list[Waiver] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        waiver = _waiver(reader, entry, f"waivers[{index}]")
        first = seen.get(waiver.id.casefold())
        if first is not None:
            raise reader.fail(
                f"duplicate waiver id {waiver.id!r} (first on line {first})",
                waiver.line_of("id"),
                f"waivers[{index}].id",
            )
        seen[waiver.id.casefold()] = waiver.line_of("id")
        waivers.append(waiver)
    return WaiverRegister(
        file=file,
        waivers=tuple(waivers),
        client=client,
        client_line=key_lines.get("client"),
    )


def _waiver(reader: _Reader, node: Node, field: str) -> Waiver:
    named = (node.mapping or {}).get("id")
    if named is not None and named.kind == "scalar" and named.text.strip():
        field = f"waivers[{named.text.strip()}]"
    body = reader.mapping(node, field, WAIVER_KEYS)
    key_lines = node.key_lines or {}
    lines: dict[str, int] = dict(key_lines)
    for key in IDENTITY_FIELDS:
        if key not in body or body[key].is_null:
            raise reader.fail(
                f"required field {key!r} is missing: a waiver needs an id, its rules and its scope",
                key_lines.get(key, node.line),
                f"{field}.{key}",
            )
    waiver_id = reader.text(body["id"], f"{field}.id")
    if waiver_id is None:
        raise reader.fail("must not be empty", body["id"].line, f"{field}.id")
    field = f"waivers[{waiver_id}]"
    rules = reader.texts(body["rules"], field, "rules", lines)
    if not rules:
        raise reader.fail("name at least one rule ID", body["rules"].line, f"{field}.rules")
    scope = _scope(reader, body["scope"], field, lines)

    def text(key: str) -> str | None:
        return reader.text(body[key], f"{field}.{key}") if key in body else None

    def date(key: str) -> dt.date | None:
        return reader.date(body[key], f"{field}.{key}") if key in body else None

    controls: tuple[str, ...] | None = None
    if "compensating_controls" in body:
        node_controls = body["compensating_controls"]
        if _none_said(node_controls):
            controls = ()  # `[]` or `none`: the file says there are none
        else:
            controls = reader.texts(node_controls, field, "compensating_controls", lines)
    return Waiver(
        id=waiver_id,
        rules=rules,
        scope=scope,
        justification=text("justification"),
        compensating_controls=controls,
        requested_by=text("requested_by"),
        approved_by=text("approved_by"),
        approval_date=date("approval_date"),
        expires=date("expires"),
        reference=text("reference"),
        line=node.line,
        lines=lines,
    )


def _none_said(node: Node) -> bool:
    """`[]` or `none` says there are no compensating controls; an empty value says nothing."""
    if node.kind == "seq":
        return not node.items
    return node.kind == "scalar" and node.text.strip().lower() in ("none", "n/a")


def _scope(reader: _Reader, node: Node, waiver_field: str, lines: dict[str, int]) -> Scope:
    field = f"{waiver_field}.scope"
    body = reader.mapping(node, field, SCOPE_KEYS)
    for key, line in (node.key_lines or {}).items():
        lines[f"scope.{key}"] = line
    client = False
    if "client" in body:
        value = body["client"]
        if value.kind != "scalar" or value.tag != "bool":
            raise reader.fail(
                f"expected true (the whole client), got {value.describe()}",
                value.line,
                f"{field}.client",
            )
        client = value.text.lower() in ("true", "yes", "on", "y")

    def texts(key: str) -> tuple[str, ...]:
        if key not in body:
            return ()
        return reader.texts(body[key], waiver_field, f"scope.{key}", lines) or ()

    scope = Scope(
        client=client,
        sites=texts("site"),
        hostnames=texts("hostnames"),
        globs=texts("globs"),
        items=texts("items"),
    )
    if scope.is_empty:
        raise reader.fail(
            "the scope selects nothing: give `client: true`, `site`, `hostnames`, `globs` "
            "or `items`",
            node.line,
            field,
        )
    return scope
