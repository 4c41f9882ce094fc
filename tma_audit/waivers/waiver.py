"""The waiver register's records (a register, its waivers, their scopes), and how drafts
are grouped. Pure data, cheap to import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Scope:
    """Which items a waiver covers: a subject is covered when any selector matches it.

    - `client`: everything of the client (client- and environment-level items too);
    - `sites`: every asset, its software and the site itself on these sites;
    - `hostnames`: these assets and the software installed on them (case-insensitive);
    - `globs`: host-name patterns (`WKF-PC*`), also matched against other items' names;
    - `items`: exact item names: a software entry (`HOST: Product version`), a site, a
      product, an application, or the client's name for client-level findings.
    """

    client: bool = False
    sites: tuple[str, ...] = ()
    hostnames: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.client or self.sites or self.hostnames or self.globs or self.items)

    def describe(self) -> str:
        """`hosts LDS-ACCESS01; items Paxton Net2`, `whole client`, …"""
        if self.client:
            return "whole client"
        parts = []
        for label, values in (
            ("site", self.sites),
            ("hosts", self.hostnames),
            ("hosts matching", self.globs),
            ("items", self.items),
        ):
            if values:
                parts.append(f"{label} {', '.join(values)}")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Waiver:
    """One register entry. Optional fields are None when the file leaves them empty."""

    id: str
    rules: tuple[str, ...]
    scope: Scope
    justification: str | None = None
    #: None when the field is missing; () when the file says there are none (`[]`)
    compensating_controls: tuple[str, ...] | None = None
    requested_by: str | None = None
    approved_by: str | None = None
    approval_date: dt.date | None = None
    expires: dt.date | None = None
    reference: str | None = None
    #: the entry's line, and each given field's line, in the register file
    line: int = 0
    lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)


#: The fields without which a register entry is malformed: what it waives, and where.
IDENTITY_FIELDS = ("id", "rules", "scope")
#: Every field a complete, signed waiver has besides those, in the file format's order.
COMPLETION_FIELDS = (
    "justification",
    "compensating_controls",
    "requested_by",
    "approved_by",
    "approval_date",
    "expires",
    "reference",
)
#: Every key of a register entry, in the file format's order (the record's fields).
WAIVER_KEYS = IDENTITY_FIELDS + COMPLETION_FIELDS


@dataclass(frozen=True, slots=True)
class WaiverRegister:
    file: str
    waivers: tuple[Waiver, ...]
    #: the client the register is for (optional; checked against the inventory)
    client: str | None = None
    client_line: int | None = None


def same_name(a: str, b: str) -> bool:
    """Names compare case-insensitively, with runs of white space as one space."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


class Grouping(StrEnum):
    """One draft per client (default), per site, per rule or per finding."""

    CLIENT = "client"
    SITE = "site"
    RULE = "rule"
    FINDING = "finding"
