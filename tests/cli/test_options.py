"""Shared options are declared once (cli/options.py): one help text per option."""

from __future__ import annotations

from typing import Any

import typer.core
import typer.main

from tma_audit.cli.app import build_app

SHARED = (
    "--ruleset",
    "--as-of",
    "--data",
    "--cache-dir",
    "--allow-stale",
    "--waivers",
    "--companion",
    "--map",
    "--date-order",
)


def _commands(group: Any, path: str = "") -> dict[str, Any]:
    """Every command (not groups) by its path, `waivers draft`."""
    found = {path: group} if path else {}
    if isinstance(group, typer.core.TyperGroup):
        for name, command in group.commands.items():
            found.update(_commands(command, f"{path} {name}".strip()))
    return found


def test_each_shared_option_has_one_help_text_everywhere() -> None:
    commands = _commands(typer.main.get_command(build_app()))
    helps: dict[str, dict[str, set[str]]] = {name: {} for name in SHARED}
    for path, command in commands.items():
        for param in command.params:
            for name in param.opts:
                if name in helps and isinstance(param, typer.core.TyperOption):
                    helps[name].setdefault(param.help or "", set()).add(path)
    for name, texts in helps.items():
        assert len(texts) == 1, f"{name}: {len(texts)} help texts: {texts}"
    users = {name: next(iter(texts.values())) for name, texts in helps.items()}
    assert users["--ruleset"] >= {"audit", "plan", "rules list", "data show", "waivers lint"}
    assert users["--as-of"] >= {"audit", "plan", "data show", "waivers draft", "waivers list"}
    assert users["--data"] >= {"audit", "plan", "data show", "inventory convert"}
    assert users["--waivers"] == {"audit", "plan", "waivers draft"}
