"""`tma-audit diff OLD.json NEW.json`: what changed between two saved JSON reports.

Exit codes: 0 no new findings, 1 new findings, 2 a report that cannot be read.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tma_audit.cli.options import OutputsOption


class DiffFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"


#: the file each format gets in --output-dir
FILE_NAMES = {
    DiffFormat.TABLE: "tma-audit-diff.txt",
    DiffFormat.JSON: "tma-audit-diff.json",
    DiffFormat.MARKDOWN: "tma-audit-diff.md",
    DiffFormat.HTML: "tma-audit-diff.html",
}


def diff(
    old: Annotated[Path, typer.Argument(help="The earlier audit's JSON report.")],
    new: Annotated[Path, typer.Argument(help="The later audit's JSON report.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table: for people; json: for tools; markdown: a pull-request comment; "
            "html: a page. Several, comma-separated, need --output-dir or "
            "--output FORMAT=FILE.",
            metavar="FORMAT[,FORMAT…]",
        ),
    ] = DiffFormat.TABLE.value,
    output: OutputsOption = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            help="Write each format into DIR (created if missing) as "
            + ", ".join(FILE_NAMES.values())
            + ".",
            metavar="DIR",
        ),
    ] = None,
) -> None:
    """Compare two saved JSON reports: new and resolved findings, changed outcomes,
    assets added, removed or changed. Exit 0: no new findings; 1: new findings."""
    from tma_audit.cli.outputs import format_targets, make_output_dir, parse_format_list
    from tma_audit.diff import compare, render_json, render_markdown, render_text
    from tma_audit.diff_html import render_html
    from tma_audit.fileio import write_file, write_stdout
    from tma_audit.reports.json_input import load_report
    from tma_audit.safetext import for_terminal

    formats = parse_format_list(fmt, DiffFormat)
    targets = format_targets(formats, output, output_dir, FILE_NAMES.__getitem__)
    result = compare(load_report(old), load_report(new))
    render = {
        DiffFormat.TABLE: render_text,
        DiffFormat.JSON: render_json,
        DiffFormat.MARKDOWN: render_markdown,
        DiffFormat.HTML: render_html,
    }
    make_output_dir(output_dir)
    for form, path in targets.items():
        content = render[form](result)
        if path is None:
            write_stdout(for_terminal(content) if form is DiffFormat.TABLE else content)
        else:
            write_file(path, content)
    if result.has_new_findings:
        raise typer.Exit(1)
