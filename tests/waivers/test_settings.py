"""Draft settings and the wording template: defaults, overrides, clear errors."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from tma_audit.errors import WaiverError
from tma_audit.waivers import pdf
from tma_audit.waivers.settings import (
    DEFAULT_PROVIDER,
    PLACEHOLDERS,
    default_wording,
    load_settings,
)


def test_defaults() -> None:
    settings = load_settings(None)
    assert settings.provider.legal_name == DEFAULT_PROVIDER == "[Provider legal name]"
    assert settings.page_size == "A4" and settings.control_lines == 4
    assert settings.wording.texts["title"] == "Liability Waiver"


def test_every_wording_key_the_pdf_uses_is_in_the_default_template() -> None:
    source = Path(pdf.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'(?:wording|paragraphs|heading\(\d+,)\s*\(?\s*"([a-z_]+)"', source))
    assert used, "the pattern no longer finds the keys"
    assert used <= set(default_wording().texts)
    # and every default text renders with the known placeholders
    values = dict.fromkeys(PLACEHOLDERS, "x")
    for text in default_wording().texts.values():
        string.Template(text).substitute(values)


def test_the_basis_clause_is_quoted_from_the_contract() -> None:
    clause = default_wording().texts["basis_clause"]
    contract = Path(__file__).resolve().parents[3] / "shared" / "seed"
    agreement = contract / "technology-management-agreement.txt"
    if not agreement.is_file():
        pytest.skip("the contract text is not beside the repository")
    text = " ".join(agreement.read_text(encoding="utf-8").split())
    assert " ".join(clause.split()) in text


def test_a_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(
        "provider:\n  legal_name: Acme IT Ltd\n  address: |\n    1 High St\n    Leeds\n"
        "  contact: help@acme.example\npage_size: Letter\ncontrol_lines: 0\n",
        encoding="utf-8",
    )
    settings = load_settings(path)
    assert settings.provider.legal_name == "Acme IT Ltd"
    assert settings.provider.address == ("1 High St", "Leeds")
    assert settings.provider.contact == "help@acme.example"
    assert settings.page_size == "letter" and settings.control_lines == 0


@pytest.mark.parametrize(
    ("settings", "wording", "expected"),
    [
        (
            "provder: {}\n",
            None,
            "s.yaml:1: provder: unknown key 'provder' (did you mean 'provider'?)",
        ),
        ("page_size: A5\n", None, "s.yaml:1: page_size: unknown page size 'A5'"),
        ("control_lines: many\n", None, "s.yaml:1: control_lines: expected a whole number"),
        ("provider: {signatory: {nme: X}}\n", None, "provider.signatory.nme: unknown key"),
        (
            "wording: w.yaml\n",
            "titel: X\n",
            "w.yaml:1: titel: unknown wording key 'titel' (did you mean 'title'?)",
        ),
        (
            "wording: w.yaml\n",
            "title: Costs $5\n",
            "w.yaml:1: title: a '$' that is not a placeholder",
        ),
        (
            "wording: w.yaml\n",
            "title: For $customer\n",
            "w.yaml:1: title: unknown placeholder $customer",
        ),
        ("wording: w.yaml\n", "title: [a, b]\n", "w.yaml:1: title: expected text, got a list"),
        ("wording: missing.yaml\n", None, "missing.yaml: file not found"),
    ],
)
def test_bad_settings_are_errors_with_file_and_line(
    tmp_path: Path, settings: str, wording: str | None, expected: str
) -> None:
    (tmp_path / "s.yaml").write_text(settings, encoding="utf-8")
    if wording is not None:
        (tmp_path / "w.yaml").write_text(wording, encoding="utf-8")
    with pytest.raises(WaiverError) as info:
        load_settings(tmp_path / "s.yaml")
    assert expected in str(info.value)
