"""The HTML report in a real browser: it renders without errors, filters and sorts.

Needs Chromium (Debian's `chromium`; .ci/run installs it). Without it the test skips,
except in CI (CI=true), where a missing browser is a failure, not a silent skip.
Screenshots are kept in test-artifacts/ (git ignores it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, AuditYaml
from tests.reports.chromium import Chromium, Page, find_chromium
from tests.reports.conftest import OPTIONS, waive
from tests.reports.test_formats import EVIL
from tma_audit.model import AuditResult, Outcome
from tma_audit.plan import analyse
from tma_audit.reports import Format, get_renderer

ARTIFACTS = REPO / "test-artifacts"
ROWS = "Array.from(document.querySelectorAll('#findings-table tbody tr'))"
VISIBLE = f"{ROWS}.filter(r => !r.hidden)"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    binary = find_chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run should install it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("chromium")
    chromium = Chromium(binary, tmp / "profile", tmp / "chromium.log")
    try:
        yield chromium
    finally:
        chromium.close()


def show(browser: Chromium, result: AuditResult, tmp_path: Path) -> Page:
    page_file = tmp_path / "report.html"
    page_file.write_text(get_renderer(Format.HTML)(result, OPTIONS), encoding="utf-8")
    return browser.open(page_file.as_uri())


def set_value(page: Page, element_id: str, value: str) -> None:
    page.js(
        f"(() => {{ const el = document.getElementById({element_id!r}); el.value = {value!r};"
        " el.dispatchEvent(new Event('input', {bubbles: true})); })()"
    )


def test_report_renders_filters_and_sorts(
    browser: Chromium, midsize: AuditResult, tmp_path: Path
) -> None:
    # waive a few findings so every kind of row is on the page
    result = waive(midsize, lambda rule_id, subject_id: subject_id == "LDS-ACCESS01")
    analysis = analyse(result)
    page = show(browser, result, tmp_path)
    total = len(analysis.findings)
    assert page.js(f"{ROWS}.length") == total
    assert page.js("document.getElementById('shown').textContent") == f"{total} of {total} shown"
    assert page.js("document.querySelectorAll('svg.bar rect').length") > 0

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(ARTIFACTS / "report-midsize.png")

    # free text: one host
    set_value(page, "filter", "wkf-pc901")
    expected = sum(1 for f in analysis.findings if f.subject.id == "WKF-PC901")
    assert expected > 0
    assert page.js(f"{VISIBLE}.length") == expected
    assert page.js(f"{VISIBLE}.every(r => r.textContent.includes('WKF-PC901'))")
    assert page.js("document.getElementById('shown').textContent").startswith(f"{expected} of")
    page.js("document.getElementById('findings').scrollIntoView()")
    page.screenshot(ARTIFACTS / "report-midsize-filtered.png")
    page.js("window.scrollTo(0, 0)")

    # outcome and priority selects, combined with the text
    set_value(page, "filter", "")
    set_value(page, "filter-outcome", "unknown")
    unknowns = sum(1 for f in analysis.findings if f.outcome == Outcome.UNKNOWN)
    assert page.js(f"{VISIBLE}.length") == unknowns
    set_value(page, "filter-outcome", "waived")
    assert page.js(f"{VISIBLE}.length") == sum(
        1 for f in analysis.findings if f.outcome == Outcome.WAIVED
    )
    set_value(page, "filter-outcome", "")
    set_value(page, "filter-priority", "1")
    assert page.js(f"{VISIBLE}.length") == analysis.by_priority[1]
    set_value(page, "filter-priority", "")
    assert page.js(f"{VISIBLE}.length") == total

    # sorting: by rule, then back the other way
    page.js("document.querySelectorAll('#findings-table th button')[2].click()")
    rules = page.js(f"{ROWS}.map(r => r.cells[2].textContent)")
    assert _natural(rules) and rules != [f.rule_id for f in analysis.findings]
    page.js("document.querySelectorAll('#findings-table th button')[2].click()")
    assert page.js(f"{ROWS}.map(r => r.cells[2].textContent)") == list(reversed(rules))
    assert page.js("document.querySelectorAll('#findings-table th')[2].getAttribute('aria-sort')")
    assert page.errors() == []


def _natural(values: list[str]) -> bool:
    """Sorted as the page's numeric collation sorts (MS-2 before MS-10)."""
    import re

    def key(value: str) -> list[object]:
        return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", value)]

    return values == sorted(values, key=key)


def test_print_hides_the_controls(browser: Chromium, small: AuditResult, tmp_path: Path) -> None:
    page = show(browser, small, tmp_path)
    assert page.js("getComputedStyle(document.querySelector('.controls')).display") != "none"
    page.call("Emulation.setEmulatedMedia", {"media": "print"})
    assert page.js("getComputedStyle(document.querySelector('.controls')).display") == "none"
    assert page.js("getComputedStyle(document.querySelector('nav')).display") == "none"
    page.call("Emulation.setEmulatedMedia", {"media": ""})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(ARTIFACTS / "report-small-office.png")
    assert page.errors() == []


def test_hostile_values_stay_text(browser: Chromium, tmp_path: Path, audit_yaml: AuditYaml) -> None:
    result = audit_yaml(EVIL)
    page = show(browser, result, tmp_path)
    assert page.js("document.querySelectorAll('img').length") == 0
    assert page.js("document.scripts.length") == 1
    assert page.js("document.title").startswith("tma-audit: Evil <script>")
    assert page.errors() == []


def test_the_harness_sees_errors(browser: Chromium, tmp_path: Path) -> None:
    """The "no errors" checks above are not vacuous: a blocked script and a console
    error are both reported."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><meta http-equiv='Content-Security-Policy' "
        "content=\"default-src 'none'; script-src 'sha256-AAAA'\"></head><body>"
        "<script>console.log('blocked')</script></body></html>",
        encoding="utf-8",
    )
    page = browser.open(bad.as_uri())
    page.js("console.error('an error')")
    errors = page.errors()
    assert any("an error" in e for e in errors)
    assert any("Content Security Policy" in e for e in errors), errors
