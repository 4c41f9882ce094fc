"""User settings for the lifecycle data: where to refresh it from, where to cache it.

Each setting comes from, in order: a command-line option, an environment variable, the
settings file, the default. The settings file is TOML::

    # ~/.config/tma-audit/config.toml  (TMA_AUDIT_CONFIG names another file; a
    # project's tma-audit.toml or [tool.tma-audit] in pyproject.toml comes first:
    # see tma_audit/config.py, the one loader)
    [data]
    endoflife_url = "https://endoflife.date/api/v1"
    msrc_url = "https://api.msrc.microsoft.com/cvrf/v3.0"   # Microsoft's security updates
    updates_url = "https://mirror.example.com/windows"   # serves win-buildnumbers.json
    cache_dir = "~/.cache/tma-audit"
    timeout = 10        # seconds, per read
    deadline = 300      # seconds, for a whole `data update`
    retries = 3         # after the first attempt

Pure apart from reading that one file: the environment, the platform and the home
directory are passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tma_audit.errors import InputError
from tma_audit.lifecycle.cache import default_cache_dir
from tma_audit.lifecycle.msrc import DEFAULT_MSRC_URL
from tma_audit.lifecycle.sources import DEFAULT_ENDOFLIFE_URL

DEFAULT_TIMEOUT = 10.0
DEFAULT_DEADLINE = 300.0
DEFAULT_RETRIES = 3
#: The longest timeout and deadline accepted, in seconds (a day: anything longer is a typo).
MAX_SECONDS = 86400.0

ENV_ENDOFLIFE_URL = "TMA_AUDIT_ENDOFLIFE_URL"
ENV_UPDATES_URL = "TMA_AUDIT_UPDATES_URL"
ENV_MSRC_URL = "TMA_AUDIT_MSRC_URL"
ENV_CACHE_DIR = "TMA_AUDIT_CACHE_DIR"


@dataclass(frozen=True, slots=True)
class DataSettings:
    endoflife_url: str
    updates_url: str | None
    cache_dir: Path
    timeout: float
    retries: int
    settings_file: Path | None  # the file read, if any
    origins: Mapping[str, str]  # setting -> where its value came from
    msrc_url: str = DEFAULT_MSRC_URL
    deadline: float = DEFAULT_DEADLINE


def read_settings_file(
    env: Mapping[str, str], platform: str, home: Path, cwd: Path | None = None
) -> tuple[Path | None, dict[str, Any]]:
    """The ``[data]`` table of the configuration file; ({}) when there is none.

    One loader (tma_audit/config.py) finds and checks the file: TMA_AUDIT_CONFIG, a
    project's tma-audit.toml or pyproject.toml above `cwd`, else the user file.
    """
    from tma_audit.config import load_config

    config = load_config(env, platform, home, cwd)
    return config.path, config.data


def resolve_data_settings(
    *,
    env: Mapping[str, str],
    platform: str,
    home: Path,
    endoflife_url: str | None = None,
    updates_url: str | None = None,
    cache_dir: Path | None = None,
    timeout: float | None = None,
    retries: int | None = None,
    msrc_url: str | None = None,
    deadline: float | None = None,
    cwd: Path | None = None,
) -> DataSettings:
    """Options (the arguments) > environment > settings file > defaults."""
    file, table = read_settings_file(env, platform, home, cwd)
    where = f"settings file {file}"
    origins: dict[str, str] = {}

    def pick(name: str, option: Any, option_name: str, env_name: str | None) -> Any:
        if option is not None:
            origins[name] = option_name
            return option
        if env_name and env.get(env_name):
            origins[name] = f"environment variable {env_name}"
            return env[env_name]
        if name in table:
            origins[name] = where
            return table[name]
        origins[name] = "default"
        return None

    eol = pick("endoflife_url", endoflife_url, "--endoflife-url", ENV_ENDOFLIFE_URL)
    upd = pick("updates_url", updates_url, "--updates-url", ENV_UPDATES_URL)
    msrc = pick("msrc_url", msrc_url, "--msrc-url", ENV_MSRC_URL)
    limit = pick("deadline", deadline, "--deadline", None)
    cache = pick("cache_dir", cache_dir, "--cache-dir", ENV_CACHE_DIR)
    wait = pick("timeout", timeout, "--timeout", None)
    tries = pick("retries", retries, "--retries", None)
    return DataSettings(
        endoflife_url=_url(eol, origins["endoflife_url"]) if eol else DEFAULT_ENDOFLIFE_URL,
        updates_url=_url(upd, origins["updates_url"]) if upd else None,
        cache_dir=_path(cache, origins["cache_dir"])
        if cache
        else default_cache_dir(env, platform, home),
        timeout=_number(wait, "timeout", origins["timeout"])
        if wait is not None
        else DEFAULT_TIMEOUT,
        retries=_count(tries, origins["retries"]) if tries is not None else DEFAULT_RETRIES,
        settings_file=file,
        origins=origins,
        msrc_url=_url(msrc, origins["msrc_url"]) if msrc else DEFAULT_MSRC_URL,
        deadline=_number(limit, "deadline", origins["deadline"])
        if limit is not None
        else DEFAULT_DEADLINE,
    )


def _url(value: Any, origin: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"expected a URL, got {value!r}", field=origin)
    text = value.strip().rstrip("/")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a port out of range raises ValueError
    except ValueError as exc:
        raise InputError(f"not a valid URL ({exc}): {value!r}", field=origin) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"expected an http:// or https:// URL, got {value!r}", field=origin)
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise InputError(
            f"a URL cannot contain spaces or control characters: {value!r}", field=origin
        )
    return text


def _path(value: Any, origin: str) -> Path:
    if isinstance(value, Path):
        return value.expanduser()
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"expected a directory, got {value!r}", field=origin)
    return Path(value.strip()).expanduser()


def _number(value: Any, name: str, origin: str) -> float:
    """Seconds: a positive finite number up to a day (nan, inf and 1e300 are typos)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= MAX_SECONDS  # False for nan, so nan is refused too
    ):
        raise InputError(
            f"{name}: expected a number of seconds above 0 and at most {MAX_SECONDS:g}, "
            f"got {value!r}",
            field=origin,
        )
    return float(value)


def _count(value: Any, origin: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InputError(
            f"retries: expected a whole number from 0 to 10, got {value!r}", field=origin
        )
    return value
