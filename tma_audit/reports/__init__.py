"""Renderers: one per format, in one registry. Each returns content; only the CLI writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from tma_audit.model import AuditResult


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


class GroupBy(StrEnum):
    ASSET = "asset"
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class RenderOptions:
    width: int = 100
    color: bool = False
    group_by: GroupBy = GroupBy.ASSET
    tool_version: str = ""


Renderer = Callable[[AuditResult, RenderOptions], str]


def get_renderer(fmt: Format) -> Renderer:
    """The renderer for a format (imported lazily: rich is only needed for tables)."""
    if fmt == Format.JSON:
        from tma_audit.reports.json_report import render_json

        return render_json
    from tma_audit.reports.table import render_table

    return render_table
