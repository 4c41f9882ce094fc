"""Rulesets (declarative YAML), the registry of named checks, and their evaluation."""

from __future__ import annotations

from tma_audit.rules.loader import load_default_ruleset, load_ruleset, parse_ruleset

__all__ = ["load_default_ruleset", "load_ruleset", "parse_ruleset"]
