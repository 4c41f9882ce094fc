"""`tma-audit rules list` and `tma-audit rules show ID`."""

from __future__ import annotations

from typing import Annotated

import typer

from tma_audit.cli.options import RulesetOption

app = typer.Typer(
    help="List and explain the rules of a ruleset.", no_args_is_help=True, rich_markup_mode=None
)


JsonFlag = Annotated[
    bool, typer.Option("--json", help="Write JSON to standard output instead of text.")
]


def _say_json(data: object) -> None:
    import json

    from tma_audit.cli.common import say

    say(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


@app.command("list")
def list_rules(ruleset: RulesetOption = None, as_json: JsonFlag = False) -> None:
    """List the rules (ID, impact, who pays, title) and every check with where it comes
    from: built in, or a plugin's distribution and version (docs/plugins.md)."""
    from tma_audit.cli.common import say, terminal_width
    from tma_audit.rules import load_ruleset
    from tma_audit.rules.describe import check_json, checks_table, rule_json, rules_table
    from tma_audit.rules.plugins import load_plugins

    rules = load_ruleset(ruleset)
    checks = load_plugins()
    if as_json:
        _say_json(
            {
                "ruleset": {"id": rules.id, "version": rules.version, "title": rules.title},
                "rules": [rule_json(rule) for rule in rules.rules],
                "checks": [check_json(checks[name]) for name in sorted(checks)],
            }
        )
        return
    say(rules_table(rules, terminal_width()) + checks_table(rules, checks))


@app.command("show")
def show_rule(
    rule_id: Annotated[
        str, typer.Argument(help="A rule ID, e.g. MS-1U.", metavar="ID", show_default=False)
    ],
    ruleset: RulesetOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Show one rule: its clause, check and parameters, impact, remediation, waiver text."""
    from tma_audit.cli.common import say, terminal_width
    from tma_audit.errors import InputError
    from tma_audit.ruledocs import rule_doc_line
    from tma_audit.rules import load_ruleset
    from tma_audit.rules.describe import describe_rule, rule_json

    rules = load_ruleset(ruleset)
    wanted = rule_id.strip().upper()
    rule = next((r for r in rules.rules if r.id.upper() == wanted), None)
    if rule is None:
        known = ", ".join(r.id for r in rules.rules)
        raise InputError(f"no rule {rule_id!r} in ruleset {rules.id}; known: {known}", field="ID")
    if as_json:
        _say_json(rule_json(rule))
        return
    say(describe_rule(rule, terminal_width()) + rule_doc_line(rule.id))
