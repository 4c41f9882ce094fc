"""Renderers: one per format, described in one table (`FORMATS`, `PLAN_FORMATS`). Each
returns content; only the CLI writes."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice
from typing import Any, TypeVar

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


#: The table's width when it does not go to a terminal (a pipe, a file), as README says.
REPORT_WIDTH = 80


@dataclass(frozen=True, slots=True)
class RenderOptions:
    #: the table's width: the terminal's, else REPORT_WIDTH
    width: int = REPORT_WIDTH
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

K = TypeVar("K")
V = TypeVar("V")

#: entries a renderer's `Memo` holds before it starts afresh
MEMO_ENTRIES = 50_000


class Memo(dict[K, V]):
    """A renderer's memo of encoded fragments (per verdict, per subject) that starts
    afresh once it holds MEMO_ENTRIES: fragments that repeat (most, in a cache-friendly
    fleet) are still encoded once, but with a real fleet's spread nearly every verdict is
    distinct, and a memo of them all grew as large as the report (a few hundred MB per
    format at 200,000 assets). Only a cache: what is rendered does not change."""

    __slots__ = ()

    def __setitem__(self, key: K, value: V) -> None:
        if len(self) >= MEMO_ENTRIES:
            self.clear()
        super().__setitem__(key, value)


#: lines per piece of `joined_pieces`: a piece of about a megabyte for report lines
PIECE_LINES = 1000


def joined_pieces(lines: Iterable[str], separator: str) -> Iterator[str]:
    """`separator.join(lines)` in pieces of up to PIECE_LINES lines, never whole in
    memory (nor the list of its lines): every piece but the first starts with the
    separator."""
    size = PIECE_LINES
    it = iter(lines)
    if batch := list(islice(it, size)):
        yield separator.join(batch)
    while batch := list(islice(it, size)):
        yield separator + separator.join(batch)


@dataclass(frozen=True, slots=True)
class FormatSpec:
    """Everything about one report format, in one row of `FORMATS` (or `PLAN_FORMATS`).

    The renderer is named as (module, function) and imported lazily, so `--format json`
    never loads rich.
    """

    #: module and function of the renderer: (AuditResult, RenderOptions) -> str
    module: str
    renderer: str
    #: the file's extension (no dot); under `--output-dir` the file is tma-audit.<extension>
    extension: str
    #: the media type of the content
    media_type: str
    #: a renderer of the same content in pieces, written one after another (large reports
    #: never whole in memory); None: the format is rendered whole
    chunks: str | None = None
    #: made for a person at a terminal: coloured when standard output is a colour
    #: terminal, and its text is already safe there; the others are machine formats,
    #: whose text is sanitised when printed on a terminal
    for_terminal: bool = False

    @property
    def file_name(self) -> str:
        """The file this format is written to under `--output-dir`."""
        return f"tma-audit.{self.extension}"


#: The audit report formats, one row each: the renderer lookups below and cli/outputs read it.
FORMATS: dict[Format, FormatSpec] = {
    Format.TABLE: FormatSpec(
        "tma_audit.reports.table",
        "render_table",
        "txt",
        "text/plain",
        chunks="table_chunks",
        for_terminal=True,
    ),
    Format.JSON: FormatSpec(
        "tma_audit.reports.json_report",
        "render_json",
        "json",
        "application/json",
        chunks="json_chunks",
    ),
    Format.JUNIT: FormatSpec(
        "tma_audit.reports.junit",
        "render_junit",
        "junit.xml",
        "application/xml",
        chunks="junit_chunks",
    ),
    Format.SARIF: FormatSpec(
        "tma_audit.reports.sarif",
        "render_sarif",
        "sarif",
        "application/sarif+json",
        chunks="sarif_chunks",
    ),
    Format.MARKDOWN: FormatSpec(
        "tma_audit.reports.markdown", "render_markdown", "md", "text/markdown"
    ),
    Format.HTML: FormatSpec(
        "tma_audit.reports.html", "render_html", "html", "text/html", chunks="html_chunks"
    ),
    Format.CSV: FormatSpec(
        "tma_audit.reports.csv_report", "render_csv", "csv", "text/csv", chunks="csv_chunks"
    ),
}

#: The remediation plan's formats (`tma-audit plan --format`).
PLAN_FORMATS: dict[PlanFormat, FormatSpec] = {
    PlanFormat.CSV: FormatSpec(
        "tma_audit.reports.plan_report", "render_plan_csv", "csv", "text/csv"
    ),
    PlanFormat.TABLE: FormatSpec(
        "tma_audit.reports.plan_report",
        "render_plan_table",
        "txt",
        "text/plain",
        for_terminal=True,
    ),
}

#: The file each format is written to under `--output-dir` (from `FORMATS`).
FILE_NAMES: dict[Format, str] = {fmt: spec.file_name for fmt, spec in FORMATS.items()}


def _load(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


def get_renderer(fmt: Format) -> Renderer:
    """The renderer for a format."""
    spec = FORMATS[fmt]
    renderer: Renderer = _load(spec.module, spec.renderer)
    return renderer


def get_chunk_renderer(fmt: Format) -> ChunkRenderer:
    """The renderer for a format, as pieces whose concatenation is the content."""
    spec = FORMATS[fmt]
    if spec.chunks is None:
        render = get_renderer(fmt)
        return lambda result, options: (render(result, options),)
    renderer: ChunkRenderer = _load(spec.module, spec.chunks)
    return renderer


def get_plan_renderer(fmt: PlanFormat) -> Renderer:
    """The renderer of the remediation plan in a format."""
    spec = PLAN_FORMATS[fmt]
    renderer: Renderer = _load(spec.module, spec.renderer)
    return renderer
