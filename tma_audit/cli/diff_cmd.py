"""`tma-audit diff OLD.json NEW.json`: what changed between two saved JSON reports.

Exit codes: 0 no new findings, 1 new findings, 2 a report that cannot be read.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class DiffFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


def diff(
    old: Annotated[Path, typer.Argument(help="The earlier audit's JSON report.")],
    new: Annotated[Path, typer.Argument(help="The later audit's JSON report.")],
    fmt: Annotated[
        DiffFormat,
        typer.Option(
            "--format",
            "-f",
            help="table: for people; json: for tools; markdown: a pull-request comment.",
            case_sensitive=False,
        ),
    ] = DiffFormat.TABLE,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output ('-')."),
    ] = None,
) -> None:
    """Compare two saved JSON reports: new and resolved findings, changed outcomes,
    assets added, removed or changed. Exit 0: no new findings; 1: new findings."""
    from tma_audit.diff import compare, render_json, render_markdown, render_text
    from tma_audit.fileio import is_stdout_name, write_file, write_stdout
    from tma_audit.reports.json_input import load_report
    from tma_audit.safetext import for_terminal

    result = compare(load_report(old), load_report(new))
    render = {
        DiffFormat.TABLE: render_text,
        DiffFormat.JSON: render_json,
        DiffFormat.MARKDOWN: render_markdown,
    }[fmt]
    content = render(result)
    if output is not None and not is_stdout_name(output):
        write_file(output, content)
    else:
        write_stdout(for_terminal(content))
    if result.has_new_findings:
        raise typer.Exit(1)
