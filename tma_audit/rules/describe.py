"""Plain-text descriptions of rules, for `rules list` and `rules show`."""

from __future__ import annotations

import textwrap

from tma_audit.model import Rule, Ruleset
from tma_audit.rules.parameters import GLOBAL_PARAMS
from tma_audit.rules.registry import CheckSpec, get_checks, origin_of


def rules_table(ruleset: Ruleset, width: int) -> str:
    lines = [f"{ruleset.title} ({ruleset.id} {ruleset.version})", ""]
    head = f"{'ID':<6} {'impact':<7} {'who pays':<16} title"
    lines.append(head)
    lines.append("-" * min(width, 100))
    for rule in ruleset.rules:
        title = rule.title if rule.enabled else f"{rule.title} [disabled]"
        prefix = f"{rule.id:<6} {rule.impact.value:<7} {rule.remediation.payer.value:<16} "
        wrapped = textwrap.wrap(title, max(20, width - len(prefix))) or [""]
        lines.append(prefix + wrapped[0])
        lines.extend(" " * len(prefix) + rest for rest in wrapped[1:])
    return "\n".join(lines) + "\n"


def checks_table(ruleset: Ruleset, checks: dict[str, CheckSpec]) -> str:
    """Every registered check, where it comes from, and the rules that use it."""
    used: dict[str, list[str]] = {}
    for rule in ruleset.rules:
        used.setdefault(rule.check, []).append(rule.id)
    width = max((len(name) for name in checks), default=5)
    lines = ["", "Checks (where each comes from):", ""]
    for name in sorted(checks):
        rules = ", ".join(used.get(name, [])) or "(no rule)"
        lines.append(f"{name:<{width}}  {origin_of(checks[name])}: {rules}")
    return "\n".join(lines) + "\n"


def check_json(spec: CheckSpec) -> dict[str, object]:
    """A check as JSON: name, origin, subjects, description, parameters."""
    plugin = spec.plugin
    return {
        "name": spec.name,
        "origin": "plugin" if plugin else "built-in",
        "plugin": None
        if plugin is None
        else {
            "distribution": plugin.distribution,
            "version": plugin.version,
            "entry_point": plugin.entry_point,
        },
        "subjects": sorted(s.value for s in spec.subjects),
        "description": spec.description,
        "params": {
            name: {"type": p.type, "default": p.default, "description": p.description}
            for name, p in sorted(spec.params.items())
        },
    }


def rule_json(rule: Rule) -> dict[str, object]:
    """A rule as JSON, with its check and where that comes from."""
    return {
        "id": rule.id,
        "title": rule.title,
        "enabled": rule.enabled,
        "impact": rule.impact.value,
        "payer": rule.remediation.payer.value,
        "clauses": [clause.ref for clause in rule.clauses],
        "params": dict(sorted(rule.params.items())),
        "check": check_json(get_checks()[rule.check]),
    }


def describe_rule(rule: Rule, width: int) -> str:
    wrap = max(40, min(width, 100))
    spec = get_checks()[rule.check]
    out = [f"{rule.id}: {rule.title}" + ("" if rule.enabled else " [disabled]"), ""]
    if rule.description:
        out.extend(textwrap.wrap(rule.description, wrap))
        out.append("")
    for clause in rule.clauses:
        out.append(f"Clause ({clause.ref}):")
        out.extend(
            textwrap.wrap(
                f"\u201c{clause.text}\u201d", wrap, initial_indent="  ", subsequent_indent="  "
            )
        )
    subjects = ", ".join(s.value for s in rule.applies_to.subjects)
    kinds = ", ".join(k.value for k in rule.applies_to.kinds)
    out.append("")
    out.append(f"Applies to: {subjects}" + (f" (kinds: {kinds})" if kinds else ""))
    out.append(f"Check: {rule.check} ({origin_of(spec)}): {spec.description}")
    params = {**spec.params, **GLOBAL_PARAMS}
    if rule.params:
        out.append("Parameters:")
        for name in sorted(rule.params):
            doc = params[name].description if name in params else ""
            out.append(f"  {name} = {rule.params[name]!r}")
            if doc:
                out.extend(
                    textwrap.wrap(doc, wrap, initial_indent="      ", subsequent_indent="      ")
                )
    out.append(f"Impact: {rule.impact.value}")
    out.append(
        f"Remediation ({rule.remediation.payer.value}, about {rule.remediation.effort_hours:g} h):"
    )
    out.extend(
        textwrap.wrap(rule.remediation.text, wrap, initial_indent="  ", subsequent_indent="  ")
    )
    out.append("Waiver text:")
    out.extend(textwrap.wrap(rule.waiver_text, wrap, initial_indent="  ", subsequent_indent="  "))
    return "\n".join(out) + "\n"
