"""`tma-audit rules list` and `tma-audit rules show ID`."""

from __future__ import annotations

from typing import Annotated

import typer

from tma_audit.cli.options import RulesetOption

app = typer.Typer(
    help="List and explain the rules of a ruleset.", no_args_is_help=True, rich_markup_mode=None
)


@app.command("list")
def list_rules(ruleset: RulesetOption = None) -> None:
    """List the rules: ID, impact, who pays, and title."""
    from tma_audit.cli.common import say, terminal_width
    from tma_audit.rules import load_ruleset
    from tma_audit.rules.describe import rules_table

    rules = load_ruleset(ruleset)
    say(rules_table(rules, terminal_width()))


@app.command("show")
def show_rule(
    rule_id: Annotated[
        str, typer.Argument(help="A rule ID, e.g. MS-1U.", metavar="ID", show_default=False)
    ],
    ruleset: RulesetOption = None,
) -> None:
    """Show one rule: its clause, check and parameters, impact, remediation, waiver text."""
    from tma_audit.cli.common import say, terminal_width
    from tma_audit.errors import InputError
    from tma_audit.ruledocs import rule_doc_line
    from tma_audit.rules import load_ruleset
    from tma_audit.rules.describe import describe_rule

    rules = load_ruleset(ruleset)
    wanted = rule_id.strip().upper()
    rule = next((r for r in rules.rules if r.id.upper() == wanted), None)
    if rule is None:
        known = ", ".join(r.id for r in rules.rules)
        raise InputError(f"no rule {rule_id!r} in ruleset {rules.id}; known: {known}", field="ID")
    say(describe_rule(rule, terminal_width()) + rule_doc_line(rule.id))
