"""Plain-text descriptions of rules, for `rules list` and `rules show`."""

from __future__ import annotations

import textwrap

from tma_audit.model import Rule, Ruleset
from tma_audit.rules.parameters import GLOBAL_PARAMS
from tma_audit.rules.registry import get_checks


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
    out.append(f"Check: {rule.check}: {spec.description}")
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
