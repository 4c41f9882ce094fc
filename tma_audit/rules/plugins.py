"""Check plugins: installed packages that register checks through the entry-point group
`tma_audit.checks` (docs/plugins.md).

Each entry point names a module (or `module:attribute`); loading it imports the module,
whose `@check` functions register themselves as the built-ins do. Plugins are loaded
lazily — when a ruleset names a check that is not built in, or for `rules list` — and
once per process. `TMA_AUDIT_NO_PLUGINS=1` turns them off (only built-ins, as CI may
want). A plugin that cannot be loaded is a `PluginError` (exit 2) naming the
distribution and entry point.
"""

from __future__ import annotations

import os
from importlib import metadata

from tma_audit.errors import PluginError
from tma_audit.rules.registry import CHECKS, CheckSpec, PluginRef, _loading, get_checks

GROUP = "tma_audit.checks"
#: set to 1 (or true/yes) to load no plugins
ENV_OPT_OUT = "TMA_AUDIT_NO_PLUGINS"

#: the entry points loaded in this process, as (name, value)
_done: set[tuple[str, str]] = set()


def plugins_disabled() -> bool:
    return os.environ.get(ENV_OPT_OUT, "").strip().lower() in ("1", "true", "yes", "on")


def _ref(entry: metadata.EntryPoint) -> PluginRef:
    dist = entry.dist
    name = dist.metadata["Name"] if dist is not None else None
    return PluginRef(
        distribution=name or "(unknown distribution)",
        version=(dist.version if dist is not None else None) or "?",
        entry_point=f"{entry.name} = {entry.value}",
    )


def _load_one(entry: metadata.EntryPoint) -> None:
    ref = _ref(entry)
    before = set(CHECKS)
    _loading.append(ref)
    try:
        entry.load()
    except Exception as exc:  # a plugin's import error, clash or bad declaration
        for name in set(CHECKS) - before:  # nothing half-registered stays behind
            del CHECKS[name]
        raise PluginError(
            f"check plugin {ref} could not be loaded: {type(exc).__name__}: {exc}",
            field=GROUP,
        ) from None
    finally:
        _loading.pop()
    if not set(CHECKS) - before:
        raise PluginError(f"check plugin {ref} registered no check", field=GROUP)
    _done.add((entry.name, entry.value))


def load_plugins() -> dict[str, CheckSpec]:
    """Every check: the built-ins and, unless turned off, the installed plugins' (loaded
    once per process, in entry-point name order so clashes name the same plugin)."""
    checks = get_checks()
    if plugins_disabled():
        return checks
    entries = sorted(metadata.entry_points(group=GROUP), key=lambda e: (e.name, e.value))
    for entry in entries:
        if (entry.name, entry.value) not in _done:
            _load_one(entry)
    return checks


def forget_plugins() -> None:
    """Unregister every plugin check (tests load different plugins in one process)."""
    for name in [name for name, spec in CHECKS.items() if spec.plugin is not None]:
        del CHECKS[name]
    _done.clear()
