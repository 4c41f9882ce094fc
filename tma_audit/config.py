"""The configuration file: one loader for the project's and the user's settings.

Which file (the first that applies; one file only, as ruff and pytest find theirs):

1. the file ``TMA_AUDIT_CONFIG`` names;
2. ``tma-audit.toml`` in the current directory or the nearest folder above it that has
   one, or a ``pyproject.toml`` there with a ``[tool.tma-audit]`` table;
3. the user settings file (``~/.config/tma-audit/config.toml`` and its platform
   equivalents, see ``default_settings_file``).

Its keys (underscores, as in the ``[data]`` table)::

    ruleset = "rulesets/strict.yaml"     # --ruleset
    waivers = "waivers.yaml"             # --waivers
    fail_on = "p2"                       # --fail-on
    format = ["table", "sarif"]          # audit --format (a list or "table,sarif")
    output_dir = "reports"               # audit --output-dir
    snapshot = "lifecycle.json"          # --data
    allow_stale = false                  # --allow-stale
    baseline = "baseline.json"           # --baseline (commands that have it)

    [data]                               # lifecycle data (lifecycle/settings.py)
    cache_dir = "~/.cache/tma-audit"
    endoflife_url = "https://endoflife.date/api/v1"
    ...

Relative paths are resolved against the folder of the file. The values become the
defaults of the options (a click ``default_map``), so the command line overrides them;
the ``[data]`` keys keep their order: option > environment > file > built-in.
Pure apart from reading files: the environment, platform, home and current directory
are passed in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tma_audit.errors import InputError

CONFIG_NAME = "tma-audit.toml"
PYPROJECT = "pyproject.toml"
TOOL_TABLE = ("tool", "tma-audit")


@dataclass(frozen=True, slots=True)
class OptionKey:
    """A top-level key: the option parameter it gives a default to, and its kind."""

    parameter: str
    option: str
    kind: str  # "path", "text", "formats" or "flag"
    #: the commands it applies to (None: every command with that parameter)
    commands: frozenset[str] | None = None


#: config key -> the option it sets
OPTION_KEYS: dict[str, OptionKey] = {
    "ruleset": OptionKey("ruleset", "--ruleset", "path"),
    "waivers": OptionKey("waivers", "--waivers", "path"),
    "fail_on": OptionKey("fail_on", "--fail-on", "text"),
    "format": OptionKey("fmt", "--format", "formats", frozenset({"audit"})),
    "output_dir": OptionKey("output_dir", "--output-dir", "path", frozenset({"audit"})),
    "snapshot": OptionKey("data", "--data", "path"),
    "allow_stale": OptionKey("allow_stale", "--allow-stale", "flag"),
    "baseline": OptionKey("baseline", "--baseline", "path"),
}
#: the keys of the [data] table (read by lifecycle/settings.py)
DATA_KEYS = (
    "endoflife_url",
    "msrc_url",
    "updates_url",
    "cache_dir",
    "timeout",
    "deadline",
    "retries",
)


@dataclass(frozen=True, slots=True)
class Config:
    """The configuration file read (or none) and its checked values."""

    path: Path | None = None
    #: how it was found: "TMA_AUDIT_CONFIG", "project" or "user"
    found_by: str = ""
    #: config key -> value (paths absolute)
    options: dict[str, Any] = field(default_factory=dict)
    #: config key -> line in the file
    lines: dict[str, int] = field(default_factory=dict)
    #: the [data] table, unchecked values (lifecycle/settings.py checks them)
    data: dict[str, Any] = field(default_factory=dict)

    def origin(self, key: str) -> str:
        """Where a key's value came from: `FILE:LINE`."""
        line = self.lines.get(key)
        return f"{self.path}:{line}" if line else str(self.path)

    def default_map(self, command: str) -> dict[str, Any]:
        """The option defaults this file gives one command (by parameter name)."""
        defaults: dict[str, Any] = {}
        for key, value in self.options.items():
            spec = OPTION_KEYS[key]
            if spec.commands is None or command in spec.commands:
                defaults[spec.parameter] = value
        return defaults


#: The folder name of the tool's per-user configuration and cache.
APP_NAME = "tma-audit"
#: The environment variable that names the configuration file.
ENV_CONFIG = "TMA_AUDIT_CONFIG"


def default_settings_file(env: Mapping[str, str], platform: str, home: Path) -> Path:
    """The per-user settings file: `%APPDATA%\\tma-audit\\config.toml`,
    `~/Library/Application Support/tma-audit/config.toml`, or under `$XDG_CONFIG_HOME`
    (else `~/.config`). Here, not in lifecycle.settings, so that finding the configuration
    (every command, `--help` too) does not import the lifecycle package."""
    if platform == "win32":
        roaming = env.get("APPDATA")
        base = Path(roaming) if roaming else home / "AppData" / "Roaming"
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = env.get("XDG_CONFIG_HOME")
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".config"
    return base / APP_NAME / "config.toml"


def find_config_file(
    env: Mapping[str, str], platform: str, home: Path, cwd: Path | None
) -> tuple[Path | None, str]:
    """The configuration file and how it was found; (None, "") when there is none."""
    named = env.get(ENV_CONFIG)
    if named:
        path = Path(named).expanduser()
        if not path.exists() and not path.is_symlink():
            raise InputError(f"settings file not found (from {ENV_CONFIG})", file=str(path))
        return path, ENV_CONFIG
    if cwd is not None:
        for folder in (cwd, *cwd.parents):
            candidate = folder / CONFIG_NAME
            if candidate.is_file():
                return candidate, "project"
            pyproject = folder / PYPROJECT
            if pyproject.is_file() and _has_tool_table(pyproject):
                return pyproject, "project"
    user = default_settings_file(env, platform, home)
    if user.exists() or user.is_symlink():
        return user, "user"
    return None, ""


def load_config(env: Mapping[str, str], platform: str, home: Path, cwd: Path | None) -> Config:
    """Find and read the configuration file; bad keys and values are InputError."""
    path, found_by = find_config_file(env, platform, home, cwd)
    if path is None:
        return Config()
    text = _read_text(path)
    table = _parse(text, path)
    prefix: tuple[str, ...] = ()
    if path.name == PYPROJECT:
        tool = table.get("tool", {})
        table = tool.get("tma-audit", {}) if isinstance(tool, dict) else {}
        prefix = TOOL_TABLE
    if not isinstance(table, dict):
        raise InputError("expected a table", file=str(path), field=".".join(prefix))
    base = path.absolute().parent
    options: dict[str, Any] = {}
    lines: dict[str, int] = {}
    data: dict[str, Any] = {}
    for key, value in table.items():
        line = _line_of(text, prefix, key)
        if key == "data":
            data = _data_table(value, text, path, prefix)
            lines[key] = line
            continue
        spec = OPTION_KEYS.get(key)
        if spec is None:
            known = ", ".join([*OPTION_KEYS, "[data]"])
            raise InputError(
                f"unknown setting {key!r}; expected one of: {known}",
                file=str(path),
                line=line,
                field=_dotted(prefix, key),
            )
        options[key] = _checked(spec, value, base, path, line, _dotted(prefix, key))
        lines[key] = line
    return Config(path=path, found_by=found_by, options=options, lines=lines, data=data)


def _data_table(value: Any, text: str, path: Path, prefix: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(
            "expected a [data] table",
            file=str(path),
            line=_line_of(text, prefix, "data"),
            field=_dotted(prefix, "data"),
        )
    for key in value:
        if key not in DATA_KEYS:
            raise InputError(
                f"unknown setting {key!r}; expected one of: {', '.join(DATA_KEYS)}",
                file=str(path),
                line=_line_of(text, (*prefix, "data"), key),
                field=_dotted((*prefix, "data"), key),
            )
    for key, item in value.items():
        _check_data_value(key, item, path, _line_of(text, (*prefix, "data"), key), prefix)
    cache = value.get("cache_dir")
    if isinstance(cache, str) and cache.strip() and not cache.strip().startswith("~"):
        # relative to the file's folder, as every path in it
        value = {**value, "cache_dir": str(path.absolute().parent / cache.strip())}
    return dict(value)


def _check_data_value(key: str, value: Any, path: Path, line: int, prefix: tuple[str, ...]) -> None:
    """A [data] value checked as lifecycle/settings.py will, but named by file:line."""
    from tma_audit.lifecycle import settings

    checks: dict[str, Any] = {
        "endoflife_url": settings._url,
        "msrc_url": settings._url,
        "updates_url": settings._url,
        "cache_dir": settings._path,
        "timeout": lambda v, o: settings._number(v, "timeout", o),
        "deadline": lambda v, o: settings._number(v, "deadline", o),
        "retries": settings._count,
    }
    try:
        checks[key](value, "")
    except InputError as exc:
        raise InputError(
            exc.message, file=str(path), line=line, field=_dotted((*prefix, "data"), key)
        ) from None


def _checked(spec: OptionKey, value: Any, base: Path, path: Path, line: int, name: str) -> Any:
    def bad(expected: str) -> InputError:
        return InputError(
            f"expected {expected}, got {value!r}", file=str(path), line=line, field=name
        )

    if spec.kind == "flag":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if spec.kind == "formats":
        items = value if isinstance(value, list) else [value]
        if not items or not all(isinstance(item, str) and item.strip() for item in items):
            raise bad("a format or a list of formats")
        joined = ",".join(item.strip() for item in items)
        from tma_audit.reports import Format

        known = {f.value for f in Format}
        for item in joined.split(","):
            if item.strip().lower() not in known:
                raise bad(f"formats among {', '.join(sorted(known))}")
        return joined
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        raise bad("a path" if spec.kind == "path" else "text")
    if spec.kind == "path":
        return str(base / Path(value.strip()).expanduser())
    return value.strip()


def _dotted(prefix: tuple[str, ...], key: str) -> str:
    return ".".join((*prefix, key))


def _read_text(path: Path) -> str:
    from tma_audit.fileio import read_input

    try:
        return read_input(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read settings file: {exc}", file=str(path)) from None


def _parse(text: str, path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from None
    except ValueError:  # a whole number past Python's 4,300-digit conversion limit
        raise InputError("not valid TOML: a number is too large", file=str(path)) from None


def _has_tool_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml has a [tool.tma-audit] table (an unreadable one: no)."""
    try:
        text = _read_text(pyproject)
        if "tma-audit" not in text:  # most have no such table: skip parsing (~2 ms)
            return False
        document = _parse(text, pyproject)
    except InputError:
        return False
    tool = document.get("tool")
    return isinstance(tool, dict) and "tma-audit" in tool


def _line_of(text: str, table: tuple[str, ...], key: str) -> int:
    """The line (from 1) that sets `key` in `table` (the file's top level when empty);
    a best effort for messages: 0 when it cannot be told."""
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
    setting = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
    current: tuple[str, ...] = ()
    want = tuple(table)
    for number, line in enumerate(text.splitlines(), start=1):
        match = header.match(line)
        if match:
            current = tuple(part.strip().strip("\"'") for part in match.group(1).split("."))
            if current == (*want, key):
                return number  # the [data] table's own header
            continue
        if current == want and setting.match(line):
            return number
    return 0


#: the built-in value of each top-level key, as `config show` prints it
BUILT_IN: dict[str, Any] = {
    "ruleset": "default (the shipped ruleset)",
    "waivers": None,
    "fail_on": "any",
    "format": "table",
    "output_dir": None,
    "snapshot": None,
    "allow_stale": False,
    "baseline": None,
}


def effective_settings(config: Config, data: Any) -> list[dict[str, Any]]:
    """Every setting, its effective value and where it came from (`config show`).

    `data` is the resolved lifecycle.settings.DataSettings (its origins say which of
    option, environment, file or default won). The command line overrides all of
    these when it gives the option.
    """
    rows: list[dict[str, Any]] = []
    for key, spec in OPTION_KEYS.items():
        if key in config.options:
            value, origin = config.options[key], config.origin(key)
        else:
            value, origin = BUILT_IN[key], "built-in"
        rows.append({"setting": key, "option": spec.option, "value": value, "origin": origin})
    for key in DATA_KEYS:
        value = getattr(data, key)
        origin = data.origins.get(key, "default")
        if origin.startswith("settings file") and config.path is not None:
            line = _data_line(config, key)
            origin = f"{config.path}:{line}" if line else str(config.path)
        elif origin == "default":
            origin = "built-in"
        rows.append(
            {
                "setting": f"data.{key}",
                "option": f"--{key.replace('_', '-')}",
                "value": str(value) if isinstance(value, Path) else value,
                "origin": origin,
            }
        )
    return rows


def _data_line(config: Config, key: str) -> int:
    from tma_audit.fileio import read_input

    assert config.path is not None
    prefix = TOOL_TABLE if config.path.name == PYPROJECT else ()
    text = read_input(config.path).decode("utf-8")
    return _line_of(text, (*prefix, "data"), key)
