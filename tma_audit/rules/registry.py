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


CHECKS: dict[str, CheckSpec] = {}


def check(
    name: str,
    *,
    subjects: set[SubjectType],
    params: dict[str, ParamSpec] | None = None,
    description: str = "",
    keys: Mapping[SubjectType, KeyFn] | None = None,
    evidence: EvidenceWanted | None = None,
) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under a name."""

    def register(func: CheckFn) -> CheckFn:
        if name in CHECKS:
            raise ValueError(f"check {name!r} registered twice")
        if keys and not set(keys) <= subjects:
            raise ValueError(f"check {name!r} has keys for subjects it does not judge")
        CHECKS[name] = CheckSpec(
            name,
            func,
            frozenset(subjects),
            params or {},
            description or (func.__doc__ or "").strip(),
            dict(keys or {}),
            evidence or EvidenceWanted(),
        )
        return func

    return register


def get_checks() -> dict[str, CheckSpec]:
    """All registered checks (importing the check modules registers them)."""
    from tma_audit.rules import checks  # noqa: F401  (registration side effect)

    return CHECKS
