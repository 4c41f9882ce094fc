"""Shared fixtures: the shipped lifecycle data and ruleset, and small audit helpers."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tma_audit.audit import run_audit
from tma_audit.fileio import forget_inputs
from tma_audit.inventory import load_inventory
from tma_audit.lifecycle import Lifecycle, load_shipped
from tma_audit.model import AuditResult, Finding, Ruleset
from tma_audit.rules import load_default_ruleset

REPO = Path(__file__).resolve().parent.parent
AUDIT_DATE = dt.date(2026, 11, 26)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output",
    )


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests never read a developer's lifecycle cache or settings file."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("TMA_AUDIT_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("TMA_AUDIT_CONFIG", raising=False)
    monkeypatch.delenv("TMA_AUDIT_ENDOFLIFE_URL", raising=False)
    monkeypatch.delenv("TMA_AUDIT_UPDATES_URL", raising=False)
    monkeypatch.delenv("TMA_AUDIT_MAX_INPUT_BYTES", raising=False)
    monkeypatch.delenv("TMA_AUDIT_ALLOW_OUTSIDE_REFERENCES", raising=False)
    # files read by an earlier test are not inputs of this one (inode numbers are reused)
    forget_inputs()
    # Microsoft's API is the default source: a test that does not serve it on loopback
    # gets a refused connection, never the internet.
    monkeypatch.setenv("TMA_AUDIT_MSRC_URL", "http://127.0.0.1:9/msrc-not-served")


@pytest.fixture(scope="session")
def lifecycle() -> Lifecycle:
    return load_shipped()


@pytest.fixture(scope="session")
def ruleset() -> Ruleset:
    return load_default_ruleset()


AuditYaml = Callable[..., AuditResult]


@pytest.fixture
def audit_yaml(tmp_path: Path, lifecycle: Lifecycle, ruleset: Ruleset) -> AuditYaml:
    """Audit an inventory given as YAML text (dedented) on an audit date."""
    counter = [0]

    def run(text: str, as_of: dt.date = AUDIT_DATE, rules: Ruleset | None = None) -> AuditResult:
        counter[0] += 1
        path = tmp_path / f"inventory{counter[0]}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return run_audit(load_inventory(path), rules or ruleset, lifecycle, as_of)

    return run


AuditDoc = Callable[..., AuditResult]


@pytest.fixture
def audit_doc(audit_yaml: AuditYaml) -> AuditDoc:
    """Audit an inventory given as a Python mapping (dumped to YAML first)."""

    def run(
        doc: dict[str, object], as_of: dt.date = AUDIT_DATE, rules: Ruleset | None = None
    ) -> AuditResult:
        return audit_yaml(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), as_of, rules)

    return run


def finding(result: AuditResult, rule_id: str, subject_id: str) -> Finding:
    """The one finding of a rule for a subject (asserting there is exactly one)."""
    matches = [f for f in result.findings if f.rule_id == rule_id and f.subject.id == subject_id]
    assert len(matches) == 1, (
        f"expected one {rule_id} finding for {subject_id!r}, got "
        f"{[(f.subject.type.value, f.outcome.value, f.reason) for f in matches]}"
    )
    return matches[0]
