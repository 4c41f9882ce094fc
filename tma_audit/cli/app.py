"""The typer application: one module per command group, imported when it is used.

`tma-audit audit …` builds the application with the audit command only: importing
every command module and turning every command's signature into click parameters
cost ~50 ms per run that the command does not need. Without a known command name
(`tma-audit --help`, a typo) every command is registered, so help and "no such
command" messages list them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from tma_audit import __version__

HELP = (
    "Audit a client's IT inventory against the Technology Management Agreement's "
    "Minimum Standards and Schedule C.\n\nExit codes: 0 compliant, 1 findings, 2 usage or "
    "input error, 3 lifecycle data error."
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tma-audit {__version__}")
        raise typer.Exit(0)


def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    allow_outside_references: Annotated[
        bool,
        typer.Option(
            "--allow-outside-references",
            help="Let extends:, assets_from: and wording: name files outside the directory "
            "of the file that names them (or set TMA_AUDIT_ALLOW_OUTSIDE_REFERENCES=1).",
        ),
    ] = False,
) -> None:
    """Audit a client's IT inventory against the Technology Management Agreement."""
    if allow_outside_references:
        from tma_audit.fileio import allow_outside_references as allow

        allow()


def _audit(app: typer.Typer) -> None:
    from tma_audit.cli import audit_cmd

    app.command("audit", no_args_is_help=True)(audit_cmd.audit)


def _plan(app: typer.Typer) -> None:
    from tma_audit.cli import plan_cmd

    app.command("plan", no_args_is_help=True)(plan_cmd.plan)


def _diff(app: typer.Typer) -> None:
    from tma_audit.cli import diff_cmd

    app.command("diff", no_args_is_help=True)(diff_cmd.diff)


def _rules(app: typer.Typer) -> None:
    from tma_audit.cli import rules_cmd

    app.add_typer(rules_cmd.app, name="rules")


def _data(app: typer.Typer) -> None:
    from tma_audit.cli import data_cmd

    app.add_typer(data_cmd.app, name="data")


def _inventory(app: typer.Typer) -> None:
    from tma_audit.cli import inventory_cmd

    app.add_typer(inventory_cmd.app, name="inventory")


def _waivers(app: typer.Typer) -> None:
    from tma_audit.cli import waivers_cmd

    app.add_typer(waivers_cmd.app, name="waivers")


def _portfolio(app: typer.Typer) -> None:
    from tma_audit.cli import portfolio_cmd

    app.command("portfolio", no_args_is_help=True)(portfolio_cmd.portfolio)


def _config(app: typer.Typer) -> None:
    from tma_audit.cli import config_cmd

    app.add_typer(config_cmd.app, name="config")


def _init(app: typer.Typer) -> None:
    from tma_audit.cli import init_cmd

    app.command("init", no_args_is_help=True)(init_cmd.init)


#: command name -> how to register it (in the order `--help` lists them)
COMMANDS: dict[str, Callable[[typer.Typer], None]] = {
    "audit": _audit,
    "plan": _plan,
    "diff": _diff,
    "rules": _rules,
    "data": _data,
    "inventory": _inventory,
    "waivers": _waivers,
    "portfolio": _portfolio,
    "config": _config,
    "init": _init,
}


def invoke(args: Sequence[str], argv: list[str] | None) -> None:
    """Run the command the arguments name, its option defaults taken from the
    configuration file (tma-audit.toml, see tma_audit/config.py) as a click
    `default_map`: the command line overrides them. The program name is fixed, so
    usage lines and the completion script say `tma-audit` also under `python -m`."""
    command = typer.main.get_command(build_app(args))
    command(args=argv, prog_name="tma-audit", default_map=config_defaults(command))


def config_defaults(command: Any) -> dict[str, Any]:
    """The default_map for this command tree from the configuration file (only the
    options each command has: `baseline` only where there is a --baseline)."""
    import os
    import sys
    from pathlib import Path

    from tma_audit.config import load_config

    try:
        home = Path.home()
    except RuntimeError:  # no home directory known
        home = Path.cwd()
    config = load_config(os.environ, sys.platform, home, Path.cwd())
    if not config.options:
        return {}

    def defaults(cmd: Any, name: str) -> dict[str, Any]:
        subcommands = getattr(cmd, "commands", None)  # a group (typer vendors click)
        if isinstance(subcommands, dict):
            return {sub: defaults(c, sub) for sub, c in subcommands.items()}
        have = {param.name for param in cmd.params}
        return {k: v for k, v in config.default_map(name).items() if k in have}

    return defaults(command, "")


def build_app(args: Sequence[str] = ()) -> typer.Typer:
    """The application for these command-line arguments (see the module docstring)."""
    app = typer.Typer(
        name="tma-audit",
        help=HELP,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    name = _command_name(args)
    for command, register in COMMANDS.items():
        if name not in COMMANDS or command == name:
            register(app)
    return app


def _command_name(args: Sequence[str]) -> str | None:
    """The command the arguments run, or None when the root's help or version comes
    first (`tma-audit -h audit` lists every command). The root has no option that
    takes a value, so the first other word is the command."""
    for arg in args:
        if not arg.startswith("-"):
            return arg
        if arg in ("-h", "--help", "--version"):
            return None
    return None
