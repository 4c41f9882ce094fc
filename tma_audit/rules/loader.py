"""Loading and validating rulesets: the shipped default and client rulesets that extend it.

A ruleset file is either a full ruleset (`ruleset:` + `rules:`) or a client ruleset that
`extends: default` (or a path) and then overrides parameters, overrides rules' params,
disables rules and adds rules of its own.
"""

from __future__ import annotations

import importlib.resources
import math
from pathlib import Path
from typing import Any

from tma_audit.errors import RulesetError
from tma_audit.limits import MAX_EFFORT_HOURS, MAX_INT_DIGITS
from tma_audit.model import (
    AppliesTo,
    AssetKind,
    Clause,
    Impact,
    Payer,
    Remediation,
    Rule,
    Ruleset,
    SubjectType,
)
from tma_audit.rules.parameters import GLOBAL_PARAMS
from tma_audit.rules.registry import CheckSpec, ParamSpec, get_checks
from tma_audit.yamlio import Node, parse_yaml

DEFAULT_NAME = "default"
#: the longest chain of `extends:` files a ruleset may sit on (the shipped default aside)
MAX_EXTENDS_DEPTH = 16
_RULE_KEYS = {
    "id",
    "title",
    "description",
    "clauses",
    "applies_to",
    "check",
    "params",
    "impact",
    "remediation",
    "waiver",
    "enabled",
}
_TOP_KEYS = {"ruleset", "extends", "parameters", "rules", "overrides", "disable"}


def default_ruleset_text() -> str:
    return (importlib.resources.files("tma_audit") / "rulesets" / "default.yaml").read_text(
        encoding="utf-8"
    )


def load_default_ruleset() -> Ruleset:
    return parse_ruleset(
        default_ruleset_text(), "default ruleset (tma_audit/rulesets/default.yaml)", base=None
    )


def load_ruleset(path: Path | None, *, chain: tuple[Path, ...] = ()) -> Ruleset:
    """The default ruleset, or the ruleset at `path` (which may extend the default).

    `chain` is the files that extend this one, outermost first (loops and depth).
    """
    if path is None:
        return load_default_ruleset()
    from tma_audit.fileio import read_input

    file = str(path)
    try:
        text = read_input(path, error=RulesetError, not_found="ruleset file not found").decode(
            "utf-8-sig"
        )
    except UnicodeDecodeError:
        raise RulesetError("not valid UTF-8 text", file=file) from None
    return parse_ruleset(text, file, base=path.parent, chain=(*chain, path))


class _Reader:
    """Typed access to YAML nodes with errors that name file, line and field."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, message: str, node: Node | None, field: str | None = None) -> RulesetError:
        return RulesetError(message, file=self.file, line=node.line if node else None, field=field)

    def mapping(self, node: Node, field: str, allowed: set[str] | None = None) -> dict[str, Node]:
        if node.kind != "map" or node.mapping is None:
            raise self.fail(f"expected a mapping, got {node.describe()}", node, field)
        if allowed is not None:
            for key in node.mapping:
                if key not in allowed:
                    line_node = Node("scalar", (node.key_lines or {}).get(key, node.line))
                    raise self.fail(
                        f"unknown key {key!r}; expected one of: {', '.join(sorted(allowed))}",
                        line_node,
                        f"{field}.{key}" if field else key,
                    )
        return node.mapping

    def seq(self, node: Node, field: str) -> list[Node]:
        if node.kind != "seq" or node.items is None:
            raise self.fail(f"expected a list, got {node.describe()}", node, field)
        return node.items

    def text(self, node: Node, field: str) -> str:
        if node.kind != "scalar" or node.is_null or not node.text.strip():
            raise self.fail(f"expected text, got {node.describe()}", node, field)
        return node.text

    def required(self, mapping: dict[str, Node], key: str, parent: Node, field: str) -> Node:
        if key not in mapping:
            raise self.fail(f"required key {key!r} is missing", parent, field)
        return mapping[key]


def parse_ruleset(
    text: str, file: str, *, base: Path | None, chain: tuple[Path, ...] = ()
) -> Ruleset:
    reader = _Reader(file)
    root = parse_yaml(text, file, RulesetError)
    if root is None:
        raise RulesetError("the ruleset file is empty", file=file, line=1)
    top = reader.mapping(root, "", _TOP_KEYS)
    checks = get_checks()
    if "extends" in top:
        parent = _load_parent(reader, top["extends"], base, chain)
        return _extend(reader, parent, top, root, checks, file)
    for key in ("overrides", "disable"):
        if key in top:
            raise reader.fail(f"{key!r} needs `extends:` (a ruleset to change)", top[key], key)
    meta = reader.mapping(
        reader.required(top, "ruleset", root, "ruleset"), "ruleset", {"id", "version", "title"}
    )
    params = _global_params(reader, top.get("parameters"), {})
    rules_node = reader.required(top, "rules", root, "rules")
    rules = _parse_rules(reader, rules_node, checks, seen=set())
    ruleset_node = top["ruleset"]
    return Ruleset(
        id=reader.text(reader.required(meta, "id", ruleset_node, "ruleset.id"), "ruleset.id"),
        version=reader.text(
            reader.required(meta, "version", ruleset_node, "ruleset.version"), "ruleset.version"
        ),
        title=reader.text(meta["title"], "ruleset.title") if "title" in meta else "",
        rules=tuple(rules),
        parameters=params,
        sources=(file,),
    )


def _load_parent(
    reader: _Reader, node: Node, base: Path | None, chain: tuple[Path, ...]
) -> Ruleset:
    name = reader.text(node, "extends")
    if name == DEFAULT_NAME:
        return load_default_ruleset()
    from tma_audit.fileio import RefusedReference, resolve_reference

    path = Path(name)
    if base is not None:
        try:
            path = resolve_reference(name, base)
        except RefusedReference as exc:
            raise reader.fail(str(exc), node, "extends") from None
    if not path.exists():  # a FIFO or a device exists: the reader refuses it
        raise reader.fail(
            f"cannot extend {name!r}: no such ruleset file ({path}); use "
            "'default' for the shipped ruleset",
            node,
            "extends",
        )
    same = [index for index, seen in enumerate(chain) if _same_file(seen, path)]
    if same:
        loop = " -> ".join(str(p) for p in (*chain[same[0] :], path))
        raise reader.fail(f"extends loop: {loop}", node, "extends")
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise reader.fail(
            f"extends chain is deeper than {MAX_EXTENDS_DEPTH} files (from {chain[0]})",
            node,
            "extends",
        )
    return load_ruleset(path, chain=chain)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def _extend(
    reader: _Reader,
    parent: Ruleset,
    top: dict[str, Node],
    root: Node,
    checks: dict[str, CheckSpec],
    file: str,
) -> Ruleset:
    rules = {rule.id: rule for rule in parent.rules}
    order = [rule.id for rule in parent.rules]
    params = _global_params(reader, top.get("parameters"), dict(parent.parameters))
    if "overrides" in top:
        overrides = reader.mapping(top["overrides"], "overrides")
        for rule_id, override in overrides.items():
            field = f"overrides.{rule_id}"
            if rule_id not in rules:
                raise reader.fail(
                    f"unknown rule {rule_id!r}; known: {', '.join(order)}", override, field
                )
            rules[rule_id] = _override(reader, rules[rule_id], override, field, checks)
    if "disable" in top:
        for item in reader.seq(top["disable"], "disable"):
            rule_id = reader.text(item, "disable")
            if rule_id not in rules:
                raise reader.fail(f"cannot disable unknown rule {rule_id!r}", item, "disable")
            rules[rule_id] = _replace(rules[rule_id], enabled=False)
    if "rules" in top:
        added = _parse_rules(reader, top["rules"], checks, seen=set(rules))
        for rule in added:
            rules[rule.id] = rule
            order.append(rule.id)
    meta: dict[str, Node] = {}
    if "ruleset" in top:
        meta = reader.mapping(top["ruleset"], "ruleset", {"id", "version", "title"})
    return Ruleset(
        id=reader.text(meta["id"], "ruleset.id") if "id" in meta else f"{parent.id}+custom",
        version=reader.text(meta["version"], "ruleset.version")
        if "version" in meta
        else parent.version,
        title=reader.text(meta["title"], "ruleset.title") if "title" in meta else parent.title,
        rules=tuple(rules[rid] for rid in order),
        parameters=params,
        sources=(*parent.sources, file),
    )


def _override(
    reader: _Reader, rule: Rule, override: Node, field: str, checks: dict[str, CheckSpec]
) -> Rule:
    """A rule of the parent ruleset with an `overrides.<id>` entry applied."""
    body = reader.mapping(
        override, field, {"params", "impact", "remediation", "enabled", "title", "waiver"}
    )
    changes: dict[str, Any] = {}
    if "params" in body:
        spec = checks[rule.check]
        changes["params"] = {
            **rule.params,
            **_rule_params(reader, body["params"], spec, f"{field}.params"),
        }
    if "impact" in body:
        changes["impact"] = _impact(reader, body["impact"], f"{field}.impact")
    if "remediation" in body:
        changes["remediation"] = _remediation(reader, body["remediation"], f"{field}.remediation")
    if "enabled" in body:
        changes["enabled"] = _bool(reader, body["enabled"], f"{field}.enabled")
    if "title" in body:
        changes["title"] = reader.text(body["title"], f"{field}.title")
    if "waiver" in body:
        changes["waiver_text"] = reader.text(body["waiver"], f"{field}.waiver")
    return _replace(rule, **changes)


def _replace(rule: Rule, **changes: Any) -> Rule:
    from dataclasses import replace

    return replace(rule, **changes)


def _global_params(reader: _Reader, node: Node | None, current: dict[str, Any]) -> dict[str, Any]:
    out = {name: spec.default for name, spec in GLOBAL_PARAMS.items()}
    out.update(current)
    if node is None:
        return out
    for key, value in reader.mapping(node, "parameters").items():
        spec = GLOBAL_PARAMS.get(key)
        if spec is None:
            raise reader.fail(
                f"unknown parameter {key!r}; expected one of: {', '.join(sorted(GLOBAL_PARAMS))}",
                value,
                f"parameters.{key}",
            )
        out[key] = _param_value(reader, value, spec, f"parameters.{key}")
    return out


def _parse_rules(
    reader: _Reader,
    node: Node,
    checks: dict[str, CheckSpec],
    seen: set[str],
) -> list[Rule]:
    rules: list[Rule] = []
    for index, item in enumerate(reader.seq(node, "rules")):
        rule = _parse_rule(reader, item, f"rules[{index}]", checks)
        if rule.id in seen:
            raise reader.fail(f"duplicate rule id {rule.id!r}", item, f"rules[{index}].id")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def _parse_rule(
    reader: _Reader,
    node: Node,
    field: str,
    checks: dict[str, CheckSpec],
) -> Rule:
    body = reader.mapping(node, field, _RULE_KEYS)
    rule_id = reader.text(reader.required(body, "id", node, f"{field}.id"), f"{field}.id")
    field = f"rules[{rule_id}]"
    check_node = reader.required(body, "check", node, f"{field}.check")
    check_name = reader.text(check_node, f"{field}.check")
    spec = checks.get(check_name)
    if spec is None:  # not built in: the installed plugins may have it (loaded once)
        from tma_audit.rules.plugins import load_plugins, plugins_disabled

        spec = load_plugins().get(check_name)
    if spec is None:
        hint = " (plugins are off: TMA_AUDIT_NO_PLUGINS)" if plugins_disabled() else ""
        raise reader.fail(
            f"unknown check {check_name!r}; registered checks: {', '.join(sorted(checks))}" + hint,
            check_node,
            f"{field}.check",
        )
    # the check's own parameters; ruleset-wide ones (look_ahead_days …) are merged in
    # at audit time, unless the rule overrides one of them here
    params = {name: p.default for name, p in spec.params.items()}
    if "params" in body:
        params.update(_rule_params(reader, body["params"], spec, f"{field}.params"))
    applies = _applies_to(
        reader,
        reader.required(body, "applies_to", node, f"{field}.applies_to"),
        f"{field}.applies_to",
        spec,
    )
    clauses = []
    for index, clause_node in enumerate(
        reader.seq(reader.required(body, "clauses", node, f"{field}.clauses"), f"{field}.clauses")
    ):
        cfield = f"{field}.clauses[{index}]"
        clause = reader.mapping(clause_node, cfield, {"ref", "text"})
        clauses.append(
            Clause(
                ref=reader.text(reader.required(clause, "ref", clause_node, cfield), cfield),
                text=" ".join(
                    reader.text(
                        reader.required(clause, "text", clause_node, cfield), cfield
                    ).split()
                ),
            )
        )
    if not clauses:
        raise reader.fail("a rule needs at least one clause", node, f"{field}.clauses")
    return Rule(
        id=rule_id,
        title=reader.text(reader.required(body, "title", node, f"{field}.title"), f"{field}.title"),
        description=" ".join(reader.text(body["description"], f"{field}.description").split())
        if "description" in body
        else "",
        clauses=tuple(clauses),
        applies_to=applies,
        check=check_name,
        params=params,
        impact=_impact(
            reader, reader.required(body, "impact", node, f"{field}.impact"), f"{field}.impact"
        ),
        remediation=_remediation(
            reader,
            reader.required(body, "remediation", node, f"{field}.remediation"),
            f"{field}.remediation",
        ),
        waiver_text=" ".join(
            reader.text(
                reader.required(body, "waiver", node, f"{field}.waiver"), f"{field}.waiver"
            ).split()
        ),
        enabled=_bool(reader, body["enabled"], f"{field}.enabled") if "enabled" in body else True,
    )


def _applies_to(reader: _Reader, node: Node, field: str, spec: CheckSpec) -> AppliesTo:
    body = reader.mapping(node, field, {"subjects", "kinds"})
    subjects: list[SubjectType] = []
    for item in reader.seq(
        reader.required(body, "subjects", node, f"{field}.subjects"), f"{field}.subjects"
    ):
        value = reader.text(item, f"{field}.subjects")
        try:
            subject = SubjectType(value)
        except ValueError:
            raise reader.fail(
                f"unknown subject {value!r}; expected one of: "
                f"{', '.join(s.value for s in SubjectType)}",
                item,
                f"{field}.subjects",
            ) from None
        if subject not in spec.subjects:
            raise reader.fail(
                f"check {spec.name!r} cannot judge {value!r} subjects; it "
                f"judges: {', '.join(sorted(s.value for s in spec.subjects))}",
                item,
                f"{field}.subjects",
            )
        subjects.append(subject)
    kinds: list[AssetKind] = []
    if "kinds" in body:
        for item in reader.seq(body["kinds"], f"{field}.kinds"):
            value = reader.text(item, f"{field}.kinds")
            try:
                kinds.append(AssetKind(value))
            except ValueError:
                raise reader.fail(
                    f"unknown asset kind {value!r}; expected one of: "
                    f"{', '.join(k.value for k in AssetKind)}",
                    item,
                    f"{field}.kinds",
                ) from None
    return AppliesTo(subjects=tuple(subjects), kinds=tuple(kinds))


def _rule_params(reader: _Reader, node: Node, spec: CheckSpec, field: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    known = {**spec.params, **GLOBAL_PARAMS}
    for key, value in reader.mapping(node, field).items():
        param = known.get(key)
        if param is None:
            names = ", ".join(sorted(known)) or "(none)"
            raise reader.fail(
                f"check {spec.name!r} has no parameter {key!r}; it takes: {names}",
                value,
                f"{field}.{key}",
            )
        out[key] = _param_value(reader, value, param, f"{field}.{key}")
    return out


def _param_value(reader: _Reader, node: Node, spec: ParamSpec, field: str) -> Any:
    kind = spec.type
    if kind == "str-list":
        return [reader.text(item, field) for item in reader.seq(node, field)]
    if kind == "str-map":
        return {k: reader.text(v, f"{field}.{k}") for k, v in reader.mapping(node, field).items()}
    text = reader.text(node, field)
    if kind == "str":
        return text
    if kind == "bool":
        return _bool(reader, node, field)
    digits = len(text.strip().lstrip("+-"))
    if digits > MAX_INT_DIGITS:
        raise reader.fail(
            f"number too large ({digits} digits; at most {MAX_INT_DIGITS})", node, field
        )
    try:
        number: float = int(text) if kind == "int" else float(text)
    except ValueError:
        raise reader.fail(
            f"expected {'a whole number' if kind == 'int' else 'a number'}, got {text!r}",
            node,
            field,
        ) from None
    if not math.isfinite(number):
        raise reader.fail(f"expected a finite number, got {text!r}", node, field)
    if spec.minimum is not None and number < spec.minimum:
        raise reader.fail(f"must be at least {spec.minimum:g}, got {text}", node, field)
    if spec.maximum is not None and number > spec.maximum:
        raise reader.fail(f"must be at most {spec.maximum:g}, got {text}", node, field)
    return number


def _bool(reader: _Reader, node: Node, field: str) -> bool:
    if node.kind == "scalar" and node.tag == "bool":
        return node.text.lower() in ("true", "yes", "on", "y")
    raise reader.fail(f"expected true or false, got {node.describe()}", node, field)


def _impact(reader: _Reader, node: Node, field: str) -> Impact:
    value = reader.text(node, field).lower()
    try:
        return Impact(value)
    except ValueError:
        raise reader.fail(
            f"unknown impact {value!r}; expected low, medium or high", node, field
        ) from None


def _remediation(reader: _Reader, node: Node, field: str) -> Remediation:
    body = reader.mapping(node, field, {"text", "payer", "effort_hours"})
    payer_node = reader.required(body, "payer", node, f"{field}.payer")
    payer_text = reader.text(payer_node, f"{field}.payer")
    try:
        payer = Payer(payer_text)
    except ValueError:
        raise reader.fail(
            f"unknown payer {payer_text!r}; expected one of: {', '.join(p.value for p in Payer)}",
            payer_node,
            f"{field}.payer",
        ) from None
    effort = _param_value(
        reader,
        reader.required(body, "effort_hours", node, f"{field}.effort_hours"),
        ParamSpec("float", 0, "", minimum=0, maximum=MAX_EFFORT_HOURS),
        f"{field}.effort_hours",
    )
    return Remediation(
        text=" ".join(
            reader.text(
                reader.required(body, "text", node, f"{field}.text"), f"{field}.text"
            ).split()
        ),
        payer=payer,
        effort_hours=float(effort),
    )
