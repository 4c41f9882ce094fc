"""The typer application: one module per command group."""

from __future__ import annotations

from typing import Annotated

import typer

from tma_audit import __version__
from tma_audit.cli import audit_cmd, data_cmd, inventory_cmd, plan_cmd, rules_cmd, waivers_cmd

app = typer.Typer(
    name="tma-audit",
    help="Audit a client's IT inventory against the Technology Management Agreement's "
    "Minimum Standards and Schedule C.\n\nExit codes: 0 compliant, 1 findings, 2 usage or "
    "input error, 3 lifecycle data error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tma-audit {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Audit a client's IT inventory against the Technology Management Agreement."""


app.command("audit", no_args_is_help=True)(audit_cmd.audit)
app.command("plan", no_args_is_help=True)(plan_cmd.plan)
app.add_typer(rules_cmd.app, name="rules")
app.add_typer(data_cmd.app, name="data")
app.add_typer(inventory_cmd.app, name="inventory")
app.add_typer(waivers_cmd.app, name="waivers")
