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
    rules = page.js(f"{ROWS}.map(r => r.cells[2].dataset.v)")
    assert _natural(rules) and rules != [f.rule_id for f in analysis.findings]
    page.js("document.querySelectorAll('#findings-table th button')[2].click()")
    assert page.js(f"{ROWS}.map(r => r.cells[2].dataset.v)") == list(reversed(rules))
    assert page.js("document.querySelectorAll('#findings-table th')[2].getAttribute('aria-sort')")
    assert page.errors() == []


def _natural(values: list[str]) -> bool:
    """Sorted as the page's numeric collation sorts (MS-2 before MS-10)."""
    import re

    def key(value: str) -> list[object]:
        return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", value)]

    return values == sorted(values, key=key)


def test_rule_titles_plan_filter_csv_export_and_grouping(
    browser: Chromium, midsize: AuditResult, tmp_path: Path
) -> None:
    analysis = analyse(midsize)
    page = show(browser, midsize, tmp_path)
    # each finding row names its rule's title under the ID
    pairs = page.js(
        f"{ROWS}.map(r => [r.cells[2].dataset.v, r.cells[2].querySelector('.small').textContent])"
    )
    assert len(pairs) == len(analysis.findings)
    assert all(title == analysis.rules[rule_id].title for rule_id, title in pairs)

    # the plan table filters like the findings
    items = analysis.plan.items
    plan_rows = "Array.from(document.querySelectorAll('#plan-table tbody tr'))"
    assert page.js(f"{plan_rows}.length") == len(items)
    set_value(page, "plan-priority", "1")
    p1 = sum(1 for item in items if item.triage.priority.level == 1)
    assert page.js(f"{plan_rows}.filter(r => !r.hidden).length") == p1
    assert page.js("document.getElementById('plan-shown').textContent") == (
        f"{p1} of {len(items)} shown"
    )
    set_value(page, "plan-priority", "")
    set_value(page, "plan-filter", "york")
    york = sum(1 for item in items if "york" in " ".join([item.site or "", *item.subjects]).lower())
    assert 0 < page.js(f"{plan_rows}.filter(r => !r.hidden).length") >= york

    # CSV of the shown findings: a header and one line per shown row
    set_value(page, "filter", "wkf-pc901")
    shown = page.js(f"{VISIBLE}.length")
    csv_text = page.js("window.tmaAuditCsv('findings-table')")
    lines = csv_text.strip().split("\r\n")
    assert lines[0].startswith("Priority,Outcome,Rule,Subject,Type,Site,Reason")
    assert len(lines) == shown + 1
    assert all("WKF-PC901" in line for line in lines[1:])
    rule_id = page.js(f"{VISIBLE}[0].cells[2].dataset.v")
    title = analysis.rules[rule_id].title
    assert f"{rule_id} — {title}" in lines[1]  # the rule cell: ID — title
    set_value(page, "filter", "")

    # group by asset: a heading per subject, each above its own rows
    page.js(
        "(() => { const g = document.getElementById('group-asset'); g.checked = true;"
        " g.dispatchEvent(new Event('change')); })()"
    )
    groups = page.js("document.querySelectorAll('#findings-table tr.group').length")
    assert groups == len({f.subject.id for f in analysis.findings})
    assert page.js(
        "(() => { let s = null; for (const r of document.querySelectorAll("
        "'#findings-table tbody tr')) { if (r.classList.contains('group')) "
        "{ s = r.textContent.replace(/ \\(\\d+\\)$/, ''); continue; } "
        "if (r.cells[3].textContent !== s) return false; } return true; })()"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(ARTIFACTS / "report-midsize-grouped.png")
    set_value(page, "filter", "wkf-pc901")
    assert page.js(
        "Array.from(document.querySelectorAll('#findings-table tr.group')).filter(r => !r.hidden)"
        ".map(r => r.textContent)"
    ) == [f"WKF-PC901 ({shown})"]
    page.js(
        "(() => { const g = document.getElementById('group-asset'); g.checked = false;"
        " g.dispatchEvent(new Event('change')); })()"
    )
    assert page.js("document.querySelectorAll('#findings-table tr.group').length") == 0
    assert page.errors() == []


def test_no_sideways_scroll_at_420_pixels(
    browser: Chromium, midsize: AuditResult, tmp_path: Path
) -> None:
    page_file = tmp_path / "report.html"
    page_file.write_text(get_renderer(Format.HTML)(midsize, OPTIONS), encoding="utf-8")
    page = browser.open(page_file.as_uri(), width=420, height=900)
    assert page.js("document.documentElement.scrollWidth") <= page.js(
        "document.documentElement.clientWidth"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(ARTIFACTS / "report-midsize-420px.png")
    assert page.errors() == []


def test_the_unknown_colour_meets_wcag_aa() -> None:
    """4.5:1 at least, on white and on the notes' background (WCAG 2.1 contrast)."""
    import re

    css = (REPO / "tma_audit" / "reports" / "assets" / "report.css").read_text(encoding="utf-8")
    unknown = re.search(r"--unknown: (#[0-9a-f]{6})", css)
    assert unknown is not None

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for background in ("#ffffff", "#fff8e1"):
        ratio = (luminance(background) + 0.05) / (luminance(unknown.group(1)) + 0.05)
        assert ratio >= 4.5, (background, ratio)


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
