"""Issue 12 §4: what comes from a file or the network reaches the terminal without
control characters, bidirectional overrides or rich markup that takes effect."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import CliRun
from tests.conftest import REPO
from tma_audit.safetext import for_terminal

INVENTORY = REPO / "inventories" / "small-office" / "inventory.yaml"
AS_OF = "2026-11-26"

#: what a terminal must never receive from data: C0 (but tab and line feed), DEL, C1,
#: bidi controls
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

#: a title with a bell, a colour, an OSC 8 link, a window title, a carriage return, a C1
#: CSI, a right-to-left override and rich markup (YAML double-quoted escapes)
HOSTILE_TITLE = (
    r"Evil\a \e[31mred\e[0m \e]8;;https://evil.example/\e\\link\e]8;;\e\\ "
    r"\e]0;pwned\a x\rover \x9b2J \u202Eabc\u202C [bold]b[/bold] [/] [link=x]y[/link]"
)


def _ruleset(tmp_path: Path) -> Path:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        f'extends: default\noverrides:\n  MS-4:\n    title: "{HOSTILE_TITLE}"\n', encoding="utf-8"
    )
    return rules


def _clean(text: str) -> None:
    assert UNSAFE.search(text) is None, repr(UNSAFE.findall(text))


def test_for_terminal_keeps_text_and_line_ends() -> None:
    assert for_terminal("Café\tØre\nnext [b] ·") == "Café\tØre\nnext [b] ·"
    assert for_terminal("a\x1b[31mb\x07c\rd\x9be\u202ef\u2066g\x7fh") == "a[31mbcde" + "fgh"


def test_rules_list_and_show_strip_controls_and_show_markup_as_text(
    cli: CliRun, tmp_path: Path
) -> None:
    rules = _ruleset(tmp_path)
    listed = cli("rules", "list", "--ruleset", str(rules))
    assert listed.code == 0, listed.err
    _clean(listed.out)
    assert "[bold]b[/bold] [/]" in listed.out
    shown = cli("rules", "show", "MS-4", "--ruleset", str(rules))
    assert shown.code == 0, shown.err
    _clean(shown.out)
    assert "MS-4: Evil [31mred[0m ]8;;https://evil.example/\\link]8;;\\ ]0;pwned xover 2J" in (
        shown.out
    )


@pytest.mark.parametrize("group_by", ["asset", "rule"])
@pytest.mark.parametrize("color", [False, True])
def test_audit_table_strips_controls_from_rules_and_inventory(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, group_by: str, color: bool
) -> None:
    if color:
        monkeypatch.delenv("NO_COLOR")
        monkeypatch.setenv("FORCE_COLOR", "1")
    text = INVENTORY.read_text(encoding="utf-8")
    inventory = tmp_path / "inventory.yaml"
    # C0 controls are refused in an inventory; C1 and bidi controls are not
    inventory.write_text(
        text.replace("- hostname: HDP-NB02", '- hostname: "HDP-\\u202eNB02\\x9b[/]"')
        .replace("name: Harbourside Dental Practice Ltd", 'name: "Harbourside \\u2067Ltd\\x85"')
        .replace("name: Quay Street", 'name: "Quay [red]Street\\u200f"')
        .replace("site: Quay Street", 'site: "Quay [red]Street\\u200f"'),
        encoding="utf-8",
    )
    run = cli(
        "audit", str(inventory), "--ruleset", str(_ruleset(tmp_path)), "--as-of", AS_OF,
        "--group-by", group_by,
    )  # fmt: skip
    assert run.code == 1, run.err
    painted = re.sub("\x1b\\[[0-9;]*m", "", run.out)  # the colours tma-audit adds
    assert ("\x1b[" in run.out) is color
    _clean(painted)
    assert "tma-audit: Harbourside Ltd" in painted
    assert "HDP-NB02[/]" in painted
    assert "Quay [red]Street" in painted
    if group_by == "rule":
        assert "MS-4 Evil [31mred[0m" in painted


def test_plan_table_strips_controls(cli: CliRun, tmp_path: Path) -> None:
    text = INVENTORY.read_text(encoding="utf-8")
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(
        text.replace("- hostname: HDP-NB02", '- hostname: "HDP-\\u202eNB02\\x9b[/]"'),
        encoding="utf-8",
    )
    args = ("plan", str(inventory), "--ruleset", str(_ruleset(tmp_path)), "--as-of", AS_OF)
    run = cli(*args, "--format", "table")
    assert run.code in (0, 1), run.err
    _clean(run.out)
    assert "HDP-NB02[/]" in run.out


def test_a_machine_format_is_stripped_on_a_terminal_only(cli: CliRun, tmp_path: Path) -> None:
    text = INVENTORY.read_text(encoding="utf-8")
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(
        text.replace("- hostname: HDP-NB02", '- hostname: "HDP-\u202eNB02"'), encoding="utf-8"
    )
    for command in (("plan", "--format", "csv"), ("audit", "--format", "csv")):
        args = (command[0], str(inventory), *command[1:], "--as-of", AS_OF)
        piped = cli(*args)
        assert "HDP-\u202eNB02" in piped.out  # a pipe or file gets the data as it is
        with pytest.MonkeyPatch.context() as terminal:
            terminal.setattr(sys.stdout, "isatty", lambda: True, raising=False)
            shown = cli(*args)
        assert "HDP-NB02" in shown.out
        _clean(shown.out)


def test_waiver_ids_are_stripped(cli: CliRun, tmp_path: Path) -> None:
    register = tmp_path / "waivers.yaml"
    waiver = (
        '  - id: "W-1\\u202e\\x9b"\n    rules: [MS-4]\n    scope: {hostnames: [HDP-NB02]}\n'
        "    justification: x\n    requested_by: x\n"
    )
    register.write_text(f"schema: 1\nwaivers:\n{waiver}{waiver}", encoding="utf-8")
    run = cli("waivers", "lint", str(register), "--as-of", AS_OF)
    assert run.code == 2
    assert "duplicate waiver id" in run.err
    _clean(run.err)
    register.write_text(f"schema: 1\nwaivers:\n{waiver}", encoding="utf-8")
    for command in ("lint", "list"):
        run = cli("waivers", command, str(register), "--as-of", AS_OF)
        assert run.code in (0, 1), run.err
        assert "W-1" in run.out
        _clean(run.out)


def test_data_show_strips_controls_from_the_snapshot_sources(cli: CliRun, tmp_path: Path) -> None:
    shipped = REPO / "tma_audit" / "lifecycle" / "data" / "snapshot.json"
    document = json.loads(shipped.read_text(encoding="utf-8"))
    document["sources"][0]["licence"] = "MIT\x1b]8;;https://evil.example/\x1b\\\u202e\x9b"
    document["sources"][0]["description"] = "mirror\x1b[2J\rprovider"
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(json.dumps(document), encoding="utf-8")
    run = cli("data", "show", "--data", str(snapshot), "--as-of", AS_OF)
    assert run.code == 0, run.err
    _clean(run.out)
    assert "mirror[2Jprovider (MIT]8;;https://evil.example/\\)" in run.out


def test_an_error_message_is_stripped(cli: CliRun, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text('extends: default\noverrides:\n  "MS-\\e]0;x\\a\\u202e": {}\n')
    run = cli("rules", "list", "--ruleset", str(rules))
    assert run.code == 2
    assert "unknown rule" in run.err
    _clean(run.err)
