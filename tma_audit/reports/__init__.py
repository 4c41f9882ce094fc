"""Renderers: one per format, in one registry. Each returns content; only the CLI writes."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from tma_audit.model import AuditResult


class Format(StrEnum):
    """The formats of `tma-audit audit --format`."""

    TABLE = "table"
    JSON = "json"
    JUNIT = "junit"
    SARIF = "sarif"
    MARKDOWN = "markdown"
    HTML = "html"
    CSV = "csv"


class PlanFormat(StrEnum):
    """The formats of `tma-audit plan --format`."""

    CSV = "csv"
    TABLE = "table"


class GroupBy(StrEnum):
    ASSET = "asset"
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class RenderOptions:
    width: int = 100
    color: bool = False
    group_by: GroupBy = GroupBy.ASSET
    tool_version: str = ""
    #: SARIF: the absolute directory artifact URIs are relative to, and the absolute
    #: directory relative inventory paths are relative to (None: URIs as the paths read)
    sarif_root: str | None = None
    working_dir: str | None = None


Renderer = Callable[[AuditResult, RenderOptions], str]
#: A renderer whose content comes in pieces, written one after another
ChunkRenderer = Callable[[AuditResult, RenderOptions], Iterable[str]]

#: Format -> (module, function): imported lazily, so `--format json` never loads rich.
_RENDERERS: dict[Format, tuple[str, str]] = {
    Format.TABLE: ("tma_audit.reports.table", "render_table"),
    Format.JSON: ("tma_audit.reports.json_report", "render_json"),
    Format.JUNIT: ("tma_audit.reports.junit", "render_junit"),
    Format.SARIF: ("tma_audit.reports.sarif", "render_sarif"),
    Format.MARKDOWN: ("tma_audit.reports.markdown", "render_markdown"),
    Format.HTML: ("tma_audit.reports.html", "render_html"),
    Format.CSV: ("tma_audit.reports.csv_report", "render_csv"),
}

#: Formats that can be written piece by piece (large reports never whole in memory).
_CHUNK_RENDERERS: dict[Format, tuple[str, str]] = {
    Format.JSON: ("tma_audit.reports.json_report", "json_chunks"),
}

_PLAN_RENDERERS: dict[PlanFormat, tuple[str, str]] = {
    PlanFormat.CSV: ("tma_audit.reports.plan_report", "render_plan_csv"),
    PlanFormat.TABLE: ("tma_audit.reports.plan_report", "render_plan_table"),
}

#: The file each format is written to under `--output-dir`.
FILE_NAMES: dict[Format, str] = {
    Format.TABLE: "tma-audit.txt",
    Format.JSON: "tma-audit.json",
    Format.JUNIT: "tma-audit.junit.xml",
    Format.SARIF: "tma-audit.sarif",
    Format.MARKDOWN: "tma-audit.md",
    Format.HTML: "tma-audit.html",
    Format.CSV: "tma-audit.csv",
}


def get_renderer(fmt: Format) -> Renderer:
    """The renderer for a format."""
    module, name = _RENDERERS[fmt]
    renderer: Renderer = getattr(importlib.import_module(module), name)
    return renderer


def get_chunk_renderer(fmt: Format) -> ChunkRenderer:
    """The renderer for a format, as pieces whose concatenation is the content."""
    if fmt not in _CHUNK_RENDERERS:
        render = get_renderer(fmt)
        return lambda result, options: (render(result, options),)
    module, name = _CHUNK_RENDERERS[fmt]
    renderer: ChunkRenderer = getattr(importlib.import_module(module), name)
    return renderer


def get_plan_renderer(fmt: PlanFormat) -> Renderer:
    """The renderer of the remediation plan in a format."""
    module, name = _PLAN_RENDERERS[fmt]
    renderer: Renderer = getattr(importlib.import_module(module), name)
    return renderer
