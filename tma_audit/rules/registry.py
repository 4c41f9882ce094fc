"""The registry of named checks. Rulesets name a check and give it parameters.

No eval and no expression language: a check is a Python function registered here with
the parameters it accepts (name, type, default) and the subjects it can judge.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast

from tma_audit.lifecycle import Lifecycle
from tma_audit.model import Asset, Inventory, SubjectType, Verdict

T = TypeVar("T")

ParamType = Literal["int", "float", "str", "bool", "str-list", "str-map"]
_PARAM_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "bool": (bool,),
    "str-list": (list,),
    "str-map": (dict,),
}


@dataclass(frozen=True, slots=True)
class ParamSpec:
    type: ParamType
    default: Any
    description: str
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """What a check may know besides its subject. No clock: the audit date is given."""

    as_of: dt.date
    lifecycle: Lifecycle
    inventory: Inventory
    params: dict[str, Any]
    #: what checks derive from the whole inventory, built once (see `shared`). The audit
    #: gives every rule's Context the same dict, so it lives exactly as long as one audit.
    memo: dict[Callable[[Inventory], Any], Any] = field(
        default_factory=dict, compare=False, repr=False
    )

    def shared(self, build: Callable[[Inventory], T]) -> T:
        """`build(inventory)`, computed once per audit (e.g. the firewalls, which every
        site's MS-6 verdict reads)."""
        memo = self.memo
        if build in memo:
            return cast("T", memo[build])
        value = memo[build] = build(self.inventory)
        return value


CheckFn = Callable[[Any, Context], Verdict]
#: Everything a check reads from its subject, as a hashable key: subjects with equal keys
#: get the same verdict, so it is computed once per rule (35,000 assets share a few dozen
#: OS and patch combinations). A check without a key for a subject type is called for
#: every subject of that type.
KeyFn = Callable[[Any], Hashable]


def asset_key(*fields: str) -> KeyFn:
    """A key of the named Asset fields, built in C (`operator.itemgetter`)."""
    unknown = [name for name in fields if name not in Asset._fields]
    if unknown or not fields:
        raise ValueError(f"not Asset fields: {unknown or fields}")
    return operator.itemgetter(*(Asset._fields.index(name) for name in fields))


@dataclass(frozen=True, slots=True)
class EvidenceWanted:
    """What an unknown verdict of a check wants: a fact of the Evidence section
    (`tma_audit.evidence`). The first `(text, fact)` of `when` whose text is in the
    verdict's reason, else `default`. Declared beside the check, with its wording."""

    default: str = "other"
    when: tuple[tuple[str, str], ...] = ()

    def fact(self, reason: str) -> str:
        for text, fact in self.when:
            if text in reason:
                return fact
        return self.default


@dataclass(frozen=True, slots=True)
class CheckSpec:
    name: str
    func: CheckFn
    subjects: frozenset[SubjectType]
    params: dict[str, ParamSpec] = field(default_factory=dict)
    description: str = ""
    #: per subject type: everything the check reads from such a subject (see KeyFn)
    keys: Mapping[SubjectType, KeyFn] = field(default_factory=dict)
    #: what its unknown verdicts want (the Evidence section)
    evidence: EvidenceWanted = EvidenceWanted()
    #: the plugin that registered it; None for a built-in check
    plugin: PluginRef | None = None


@dataclass(frozen=True, slots=True)
class PluginRef:
    """Where a plugin check comes from: its distribution and entry point."""

    distribution: str
    version: str
    entry_point: str

    def __str__(self) -> str:
        return f"{self.distribution} {self.version} (entry point {self.entry_point!r})"


CHECKS: dict[str, CheckSpec] = {}
#: the plugin whose entry point is being loaded (set by `rules.plugins`), else None
_loading: list[PluginRef] = []


def origin_of(spec: CheckSpec) -> str:
    """`built-in`, or `plugin <distribution> <version>`."""
    if spec.plugin is None:
        return "built-in"
    return f"plugin {spec.plugin.distribution} {spec.plugin.version}"


def _check_params(name: str, params: Mapping[str, ParamSpec]) -> None:
    """A check's parameters are well declared (a plugin's are checked the same way)."""
    for key, spec in params.items():
        where = f"check {name!r} parameter {key!r}"
        if not isinstance(key, str) or not key.isidentifier():
            raise ValueError(f"check {name!r}: parameter name {key!r} is not an identifier")
        if not isinstance(spec, ParamSpec):
            raise ValueError(f"{where}: not a ParamSpec")
        if spec.type not in _PARAM_TYPES:
            raise ValueError(
                f"{where}: unknown type {spec.type!r}; expected one of: {', '.join(_PARAM_TYPES)}"
            )
        kinds = _PARAM_TYPES[spec.type]
        bad_bool = isinstance(spec.default, bool) and spec.type in ("int", "float")
        if not isinstance(spec.default, kinds) or bad_bool:
            raise ValueError(f"{where}: default {spec.default!r} is not of type {spec.type}")
        if (spec.minimum is not None or spec.maximum is not None) and spec.type not in (
            "int",
            "float",
        ):
            raise ValueError(f"{where}: minimum/maximum apply only to int and float")
        low = spec.minimum if spec.minimum is not None else float("-inf")
        high = spec.maximum if spec.maximum is not None else float("inf")
        numeric = spec.type in ("int", "float")
        default: Any = spec.default
        if numeric and not low <= default <= high:
            raise ValueError(f"{where}: default {spec.default!r} outside {low:g}..{high:g}")


def _guarded(name: str, plugin: PluginRef, func: CheckFn) -> CheckFn:
    """A plugin's check, held to the built-ins' outcome rules: it returns a Verdict with
    a reason and never `waived` (waivers are the audit's); what it raises is reported
    naming the plugin and the check (exit 3), never as a bug of tma-audit."""
    from tma_audit.errors import PluginCheckError
    from tma_audit.model import Outcome

    def run(subject: Any, ctx: Context) -> Verdict:
        try:
            verdict = func(subject, ctx)
        except Exception as exc:  # the plugin's bug, reported as such
            raise PluginCheckError(
                f"plugin {plugin}: check {name!r} raised {type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(verdict, Verdict):
            raise PluginCheckError(
                f"plugin {plugin}: check {name!r} returned {type(verdict).__name__}, not a Verdict"
            )
        if not isinstance(verdict.outcome, Outcome) or verdict.outcome is Outcome.WAIVED:
            raise PluginCheckError(
                f"plugin {plugin}: check {name!r} returned outcome {verdict.outcome!r}; "
                "expected pass, fail, unknown or not-applicable"
            )
        if not isinstance(verdict.reason, str) or not verdict.reason.strip():
            raise PluginCheckError(
                f"plugin {plugin}: check {name!r} returned a {verdict.outcome.value} "
                "verdict without a reason"
            )
        return verdict

    run.__doc__ = func.__doc__
    return run


def check(
    name: str,
    *,
    subjects: set[SubjectType],
    params: dict[str, ParamSpec] | None = None,
    description: str = "",
    keys: Mapping[SubjectType, KeyFn] | None = None,
    evidence: EvidenceWanted | None = None,
) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under a name.

    This decorator, `ParamSpec`, `Context`, `EvidenceWanted` and `asset_key` are the
    plugin API (docs/plugins.md): a plugin's module uses them as the built-ins do.
    """

    def register(func: CheckFn) -> CheckFn:
        plugin = _loading[-1] if _loading else None
        if name in CHECKS:
            first = CHECKS[name]
            raise ValueError(f"check {name!r} is already registered ({origin_of(first)})")
        if not isinstance(name, str) or not name or len(name.split()) != 1 or name != name.strip():
            raise ValueError(f"check name {name!r} is not one word")
        if not subjects or not all(isinstance(s, SubjectType) for s in subjects):
            raise ValueError(f"check {name!r}: subjects must be a non-empty set of SubjectType")
        if keys and not set(keys) <= subjects:
            raise ValueError(f"check {name!r} has keys for subjects it does not judge")
        _check_params(name, params or {})
        CHECKS[name] = CheckSpec(
            name,
            func if plugin is None else _guarded(name, plugin, func),
            frozenset(subjects),
            params or {},
            description or (func.__doc__ or "").strip(),
            dict(keys or {}),
            evidence or EvidenceWanted(),
            plugin,
        )
        return func

    return register


def get_checks() -> dict[str, CheckSpec]:
    """All registered checks (importing the check modules registers them)."""
    from tma_audit.rules import checks  # noqa: F401  (registration side effect)

    return CHECKS
