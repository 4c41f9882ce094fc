"""`tma-audit init DIR`: starter files for a new client."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def init(
    directory: Annotated[
        Path, typer.Argument(help="The client's folder (created if missing).", metavar="DIR")
    ],
    client: Annotated[
        str | None, typer.Option("--client", help="The client's name.", metavar="NAME")
    ] = None,
    sites: Annotated[
        list[str] | None,
        typer.Option("--site", help="A site's name (repeatable).", metavar="NAME"),
    ] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", help="The client's contact.", metavar="TEXT")
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask: take the options as given.")
    ] = False,
) -> None:
    """Write a starter native inventory, a companion for exports and a tma-audit.toml
    for a new client: asked for on a terminal, from the options otherwise. Existing
    files are never replaced (exit 2, nothing written)."""
    import sys

    from tma_audit.cli.common import say
    from tma_audit.errors import InputError
    from tma_audit.fileio import write_file
    from tma_audit.starter import FILES, Client, starter_files

    existing = [directory / name for name in FILES if (directory / name).exists()]
    if existing:
        raise InputError("exists already; init never replaces a file", file=str(existing[0]))
    ask = not yes and sys.stdin is not None and sys.stdin.isatty()
    if ask:
        client = client or typer.prompt("Client name")
        if not sites:
            sites = [typer.prompt("Site name", default="Head Office")]
        if contact is None:
            contact = typer.prompt("Contact (optional)", default="", show_default=False)
    names = [site.strip() for site in sites or ()]
    if not client or not client.strip():
        raise InputError("a client name is needed (--client NAME)", field="--client")
    if not names or not all(names):
        raise InputError("at least one site is needed (--site NAME)", field="--site")
    files = starter_files(
        Client(client.strip(), names, contact.strip() if contact and contact.strip() else None)
    )
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write_file(directory / name, text, field="DIR", exclusive=True)
        say(f"wrote {directory / name}\n")
