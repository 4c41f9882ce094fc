"""`tma-audit config show`: the effective settings and where each came from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    help="The configuration file (tma-audit.toml) and the settings in effect.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("show")
def show(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table or json.", metavar="FORMAT")
    ] = "table",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to FILE instead of standard output ('-').", metavar="FILE"
        ),
    ] = None,
) -> None:
    """Print each setting, its value here (this folder, this environment) and where it
    came from: the configuration file (FILE:LINE), an environment variable or built-in.
    An option given on a command line overrides them all."""
    import json
    import os
    import sys

    from tma_audit.cli.common import say
    from tma_audit.config import effective_settings, load_config
    from tma_audit.errors import InputError
    from tma_audit.fileio import is_stdout_name, write_file
    from tma_audit.lifecycle.in_use import data_settings

    if fmt not in ("table", "json"):
        raise InputError(f"expected table or json, got {fmt!r}", field="--format")
    try:
        home = Path.home()
    except RuntimeError:
        home = Path.cwd()
    config = load_config(os.environ, sys.platform, home, Path.cwd())
    rows = effective_settings(config, data_settings())
    file = str(config.path) if config.path else None
    if fmt == "json":
        document = {"config_file": file, "found_by": config.found_by or None, "settings": rows}
        content = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        content = _table(rows, file, config.found_by)
    if output is None or is_stdout_name(output):
        say(content)
    else:
        write_file(output, content)


def _table(rows: list[dict[str, Any]], file: str | None, found_by: str) -> str:
    lines = [f"Configuration file: {file or 'none'}" + (f" ({found_by})" if file else "")]
    width = max(len(row["setting"]) for row in rows)
    shown = [_shown(row["value"]) for row in rows]
    value_width = min(60, max(len(text) for text in shown))
    for row, text in zip(rows, shown, strict=True):
        lines.append(f"{row['setting']:<{width}}  {text:<{value_width}}  {row['origin']}")
    return "\n".join(lines) + "\n"


def _shown(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
