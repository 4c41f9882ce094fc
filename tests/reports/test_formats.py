"""Every format from both example inventories: golden files, validation, escaping."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree

from tests.conftest import REPO, AuditYaml
from tests.reports.conftest import INVENTORIES, OPTIONS, SCHEMAS, check_golden, waive
from tma_audit.model import AuditResult, Outcome, SubjectResult, SubjectType
from tma_audit.plan import analyse
from tma_audit.reports import FILE_NAMES, Format, PlanFormat, get_plan_renderer, get_renderer
from tma_audit.reports.markdown import LIMIT, render_markdown

#: Formats with golden files here (table and JSON have theirs in tests/cli).
GOLDEN_FORMATS = [Format.JUNIT, Format.SARIF, Format.MARKDOWN, Format.HTML, Format.CSV]


def golden_name(inventory: str, fmt: Format) -> str:
    return f"{inventory}.{FILE_NAMES[fmt].split('.', 1)[1]}"


def outcomes(result: AuditResult) -> Counter[Outcome]:
    return Counter(v.outcome for r in result.results for v in r.verdicts)


@pytest.mark.parametrize("inventory", list(INVENTORIES))
@pytest.mark.parametrize("fmt", GOLDEN_FORMATS, ids=lambda f: f.value)
def test_golden(
    request: pytest.FixtureRequest,
    audits: dict[str, AuditResult],
    inventory: str,
    fmt: Format,
) -> None:
    content = get_renderer(fmt)(audits[inventory], OPTIONS)
    assert get_renderer(fmt)(audits[inventory], OPTIONS) == content  # deterministic
    check_golden(request, golden_name(inventory, fmt), content)


@pytest.mark.parametrize("inventory", list(INVENTORIES))
def test_golden_plan_csv(
    request: pytest.FixtureRequest, audits: dict[str, AuditResult], inventory: str
) -> None:
    content = get_plan_renderer(PlanFormat.CSV)(audits[inventory], OPTIONS)
    check_golden(request, f"{inventory}.plan.csv", content)


# --- JUnit -------------------------------------------------------------------

JUNIT_XSD = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))


def junit(result: AuditResult) -> Any:
    content = get_renderer(Format.JUNIT)(result, OPTIONS)
    doc = etree.fromstring(content.encode("utf-8"))
    assert JUNIT_XSD.validate(doc), JUNIT_XSD.error_log
    return doc


@pytest.mark.parametrize("inventory", list(INVENTORIES))
def test_junit_is_valid_and_counts_every_outcome(
    audits: dict[str, AuditResult], inventory: str
) -> None:
    result = audits[inventory]
    doc = junit(result)
    counts = outcomes(result)
    assert int(doc.get("tests")) == sum(counts.values())
    assert int(doc.get("failures")) == counts[Outcome.FAIL] + counts[Outcome.UNKNOWN]
    assert len(doc.findall("testsuite")) == sum(1 for r in result.ruleset.rules if r.enabled)
    assert len(doc.findall(".//testcase")) == sum(counts.values())
    assert len(doc.findall(".//failure[@type='fail']")) == counts[Outcome.FAIL]
    assert len(doc.findall(".//failure[@type='unknown']")) == counts[Outcome.UNKNOWN]
    skipped = doc.findall(".//skipped[@type='not-applicable']")
    assert len(skipped) == counts[Outcome.NOT_APPLICABLE]
    suite = doc.find("testsuite")
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["client"] == result.client.name
    assert props["ruleset"] == f"{result.ruleset.id} {result.ruleset.version}"
    assert props["audit_date"] == "2026-11-26"
    assert props["data_date"] == result.data.date.isoformat()


def test_junit_failure_says_what_why_and_where(small: AuditResult) -> None:
    doc = junit(small)
    case = doc.find(".//testsuite[@name]/testcase[@name='HDP-XRAY01 (desktop, Quay Street)']/..")
    assert case is not None
    failure = doc.find(".//testcase[@classname='tma-audit.MS-3'][failure]/failure")
    assert failure.get("message").startswith("Windows 10 22H2: support ended 2025-10-14")
    assert "inventories/small-office/inventory.yaml:" in failure.text
    assert "Priority 3 - Normal" in failure.text and "client-purchase" in failure.text


def test_junit_waived_is_skipped_with_the_waiver(small_waived: AuditResult) -> None:
    doc = junit(small_waived)
    waived = doc.findall(".//skipped[@type='waived']")
    assert len(waived) == 2
    assert waived[0].get("message").startswith("waived: waived by W-2026-007")
    assert "approved_by: Dr Amira Shah" in waived[0].text
    assert int(doc.get("failures")) == 2  # HDP-NB02's MS-4, and the environment's


# --- SARIF -------------------------------------------------------------------

SARIF_SCHEMA = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def sarif(result: AuditResult) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(get_renderer(Format.SARIF)(result, OPTIONS))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    return log


def test_the_vendored_sarif_schema_is_the_official_one() -> None:
    assert SARIF_SCHEMA["id"] == (
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate({"version": "2.1.0", "runs": [{}]})


@pytest.mark.parametrize(
    "path",
    [*INVENTORIES.values(), Path("inventories/small-office/inventory-csv.yaml")],
    ids=["small-office", "midsize", "small-office-csv"],
)
def test_sarif_is_valid_and_points_at_the_inventory_line(
    ruleset: Any, lifecycle: Any, path: Path
) -> None:
    from tests.reports.conftest import audit_relative

    result = audit_relative(path, ruleset, lifecycle)
    log = sarif(result)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in result.ruleset.rules]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert levels["MS-1"] == "error" and levels["SC-3"] == "warning" and levels["SC-4"] == "note"
    counts = outcomes(result)
    assert len(run["results"]) == counts[Outcome.FAIL] + counts[Outcome.UNKNOWN]
    assert run["results"], "the example inventories have findings"
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        location = res["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not uri.startswith("/") and (REPO / uri).is_file()
        line = (
            (REPO / uri)
            .read_text(encoding="utf-8")
            .splitlines()[location["region"]["startLine"] - 1]
        )
        name = res["locations"][0]["logicalLocations"][0]["name"]
        kind = res["properties"]["subjectType"]
        if kind == SubjectType.ASSET.value:
            if uri.endswith(".csv"):
                assert line.startswith(name + ","), (uri, line)  # the asset's row
            else:
                assert f"hostname: {name}" in line, (uri, line)
        assert res["kind"] == ("review" if res["properties"]["outcome"] == "unknown" else "fail")
    assert {a["location"]["uri"] for a in run["artifacts"]} == set(result.inventory_sources)


def test_sarif_waived_results_are_suppressed(small_waived: AuditResult) -> None:
    results = sarif(small_waived)["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert len(suppressed) == 2 and len(results) == 4
    assert suppressed[0]["suppressions"][0]["kind"] == "external"
    assert suppressed[0]["suppressions"][0]["status"] == "accepted"
    assert "W-2026-007" in suppressed[0]["suppressions"][0]["justification"]


def test_sarif_fingerprints_are_stable_and_distinct(midsize: AuditResult) -> None:
    results = sarif(midsize)["runs"][0]["results"]
    prints = [r["partialFingerprints"]["tmaFindingId/v1"] for r in results]
    assert len(set(prints)) == len(prints)


# --- Markdown ----------------------------------------------------------------


@pytest.mark.parametrize("inventory", list(INVENTORIES))
def test_markdown_fits_a_pull_request_comment(
    audits: dict[str, AuditResult], inventory: str
) -> None:
    text = get_renderer(Format.MARKDOWN)(audits[inventory], OPTIONS)
    assert len(text) < LIMIT
    assert text.count("<details>") == text.count("</details>")
    assert "Truncated" not in text
    assert "**Score " in text and "Priority 1 - Emergency" in text


def big(result: AuditResult, copies: int) -> AuditResult:
    """The result with every asset repeated `copies` times under new names."""
    import dataclasses

    results = list(result.results)
    for n in range(copies):
        results += [
            SubjectResult(s._replace(id=f"{s.id}-{n:04d}"), r, v)
            for s, r, v in result.results
            if s.type == SubjectType.ASSET
        ]
    return dataclasses.replace(result, results=tuple(results))


def test_markdown_truncates_with_a_note(midsize: AuditResult) -> None:
    text = render_markdown(big(midsize, 60), OPTIONS)
    assert len(text) < LIMIT
    assert text.count("<details>") == text.count("</details>")
    note = re.search(r"this comment shows (\d+) of (\d+) findings", text)
    assert note is not None and int(note[1]) < int(note[2])
    assert "### Findings by priority" in text


def test_markdown_shows_waived_items(small_waived: AuditResult) -> None:
    text = get_renderer(Format.MARKDOWN)(small_waived, OPTIONS)
    assert "### Waived (2)" in text and "W-2026-007" in text


# --- HTML --------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "style") else None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = None


def parse_page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


@pytest.mark.parametrize("inventory", list(INVENTORIES))
def test_html_is_self_contained(audits: dict[str, AuditResult], inventory: str) -> None:
    import base64
    import hashlib

    text = get_renderer(Format.HTML)(audits[inventory], OPTIONS)
    page = parse_page(text)
    for tag, attrs in page.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed"), tag
        for name in ("src", "href", "action", "srcset"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    assert not re.search(r"url\(|@import|https?://", "".join(page.styles))
    assert len(page.scripts) == 1 and len(page.styles) == 1
    csp = next(
        a["content"] for t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None and "default-src 'none'" in csp
    for source in (*page.scripts, *page.styles):
        digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    rows = [a for t, a in page.tags if t == "tr" and "data-outcome" in a]
    assert len(rows) == len(analyse(audits[inventory]).findings)
    assert "Outcomes per rule" in text and "Remediation plan" in text and "Score" in text


def test_html_style_and_script_are_the_package_data_files(audits: dict[str, AuditResult]) -> None:
    """The page inlines reports/assets/report.css and report.js (installed as package data),
    byte for byte after the newline that opens the tag: edit the file, the page follows."""
    from importlib import resources

    assets = resources.files("tma_audit.reports").joinpath("assets")
    css = assets.joinpath("report.css").read_bytes().decode("utf-8")
    js = assets.joinpath("report.js").read_bytes().decode("utf-8")
    page = parse_page(get_renderer(Format.HTML)(audits["small-office"], OPTIONS))
    assert page.styles == ["\n" + css]
    assert page.scripts == ["\n" + js]
    assert "aria-sort" in css and "findings-table" in js


EVIL = """\
client:
  name: "Evil <script>alert('client')</script> & Co |@admin #1 *bold*"
  sites: [{name: "=HYPERLINK(\\"http://evil.example\\")"}]
assets:
  - hostname: "<img src=x onerror=alert(1)>"
    kind: desktop
    site: "=HYPERLINK(\\"http://evil.example\\")"
    os: {name: "Windows 7 Professional", build: "7601.24544"}
  - hostname: "+SUM(1)|`x`</details>"
    kind: server
    site: "=HYPERLINK(\\"http://evil.example\\")"
    os: {name: "Windows Server 2008 R2 Standard"}
  - hostname: "-2"
    kind: notebook
    os: {name: "Windows 10 Pro"}
  - hostname: "@cmd"
    kind: notebook
    os: {name: "Windows 10 Pro"}
"""


@pytest.fixture
def evil(audit_yaml: AuditYaml) -> AuditResult:
    return audit_yaml(EVIL)


def test_html_escapes_every_inventory_value(evil: AuditResult) -> None:
    text = get_renderer(Format.HTML)(evil, OPTIONS)
    page = parse_page(text)
    assert len(page.scripts) == 1  # ours
    assert not [t for t, _ in page.tags if t in ("img", "details")]
    assert "<img src=x" not in text and "<script>alert" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "Evil &lt;script&gt;alert('client')&lt;/script&gt; &amp; Co" in text  # content
    assert 'data-site="=HYPERLINK(&quot;http://evil.example&quot;)"' in text  # attribute


def test_markdown_escapes_every_inventory_value(evil: AuditResult) -> None:
    text = get_renderer(Format.MARKDOWN)(evil, OPTIONS)
    assert "<img" not in text and "<script" not in text and "</details>`" not in text
    assert "@admin" not in text and "@cmd" not in text  # no @mentions
    assert text.count("<details>") == text.count("</details>")
    for line in text.splitlines():
        if line.startswith("| FAIL") or line.startswith("| UNKNOWN"):
            assert line.count("|") == 7, line  # no pipe from a value splits a cell


def test_junit_and_sarif_carry_hostile_values_intact(evil: AuditResult) -> None:
    names = {t.get("name") for t in junit(evil).findall(".//testcase")}
    assert '<img src=x onerror=alert(1)> (desktop, =HYPERLINK("http://evil.example"))' in names
    ids = {
        r["locations"][0]["logicalLocations"][0]["name"] for r in sarif(evil)["runs"][0]["results"]
    }
    assert "+SUM(1)|`x`</details>" in ids


# --- CSV ---------------------------------------------------------------------

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("inventory", list(INVENTORIES))
def test_csv_has_one_row_per_finding(audits: dict[str, AuditResult], inventory: str) -> None:
    result = audits[inventory]
    text = get_renderer(Format.CSV)(result, OPTIONS)
    assert text.endswith("\r\n")
    rows = read_csv(text)
    counts = outcomes(result)
    assert len(rows) == counts[Outcome.FAIL] + counts[Outcome.UNKNOWN] + counts[Outcome.WAIVED]
    assert Counter(r["outcome"] for r in rows) == {
        o.value: n for o, n in counts.items() if o.is_finding and n
    }
    for row in rows:
        assert row["client"] == result.client.name
        assert row["priority"] in {"1", "2", "3", "4"}
        assert row["resolve_by"].startswith("2026-") and row["payer"]
        assert not any(cell.startswith(TRIGGERS) for cell in row.values())


def test_csv_neutralises_formulas(evil: AuditResult) -> None:
    rows = read_csv(get_renderer(Format.CSV)(evil, OPTIONS))
    cells = [cell for row in rows for cell in row.values()]
    assert not any(cell.startswith(TRIGGERS) for cell in cells)
    subjects = {row["subject"] for row in rows}
    assert {"'+SUM(1)|`x`</details>", "'-2", "'@cmd"} <= subjects
    assert '\'=HYPERLINK("http://evil.example")' in {row["site"] for row in rows}


def test_csv_quotes_what_needs_quoting() -> None:
    from tma_audit.reports.csv_report import write_rows

    text = write_rows(["a", "b"], [["line\nbreak", 'say "hi", twice'], ["=1+1", "ok"]])
    assert text == 'a,b\r\n"line\nbreak","say ""hi"", twice"\r\n\'=1+1,ok\r\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["a", "b"],
        ["line\nbreak", 'say "hi", twice'],
        ["'=1+1", "ok"],
    ]


def test_csv_lists_waived_rows(small_waived: AuditResult) -> None:
    rows = read_csv(get_renderer(Format.CSV)(small_waived, OPTIONS))
    waived = [r for r in rows if r["outcome"] == "waived"]
    assert len(waived) == 2 and all("W-2026-007" in r["evidence"] for r in waived)
    assert all(r["priority"] == "" and r["resolve_by"] == "" for r in waived)


# --- plan CSV ------------------------------------------------------------------


def test_plan_csv_rows_a_psa_can_import(midsize: AuditResult) -> None:
    text = get_plan_renderer(PlanFormat.CSV)(midsize, OPTIONS)
    rows = read_csv(text)
    plan = analyse(midsize).plan
    assert len(rows) == len(plan.items)
    required = ["summary", "description", "priority", "due_date", "company", "site"]
    assert list(rows[0])[:7] == [*required, "configuration_item"]
    for row, item in zip(rows, plan.items, strict=True):
        assert row["company"] == midsize.client.name
        assert 0 < len(row["summary"]) <= 100
        assert row["priority"].startswith("Priority ")
        assert row["due_date"] == item.triage.due.isoformat()
        assert item.action.split(" ")[0] in row["description"]
        if len(item.findings) > 1:
            assert row["configuration_item"] == ""
    single = next(r for r in rows if r["rule"] == "MS-1" and r["evidence_needed"] == "no")
    assert single["configuration_item"] == "LDS-ACCESS01"


def test_waived_analysis_renders_everywhere(small: AuditResult) -> None:
    waived = waive(small, lambda rule_id, subject_id: rule_id == "MS-4")
    for fmt in Format:
        text = get_renderer(fmt)(waived, OPTIONS)
        assert "waived" in text.lower(), fmt


def test_every_format_renders_a_compliant_audit(
    audit_yaml: AuditYaml, tmp_path: Path, ruleset: Any
) -> None:
    from tma_audit.rules import load_ruleset

    others = [r.id for r in ruleset.rules if r.id != "SC-4"]
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(
        "extends: default\ndisable: [" + ", ".join(others) + "]\n", encoding="utf-8"
    )
    result = audit_yaml(
        "client: {name: Tidy Ltd}\n"
        "attestations:\n  change_notification: {contact: ops@tidy.example}\n",
        rules=load_ruleset(rules_file),
    )
    assert outcomes(result) == {Outcome.PASS: 1}
    analysis = analyse(result)
    assert analysis.client_score.text == "100.0%" and not analysis.plan.items
    for fmt in Format:
        text = get_renderer(fmt)(result, OPTIONS)
        assert text.endswith("\n"), fmt
    assert "COMPLIANT" in get_renderer(Format.TABLE)(result, OPTIONS)
    assert "No findings" in get_renderer(Format.MARKDOWN)(result, OPTIONS)
    assert read_csv(get_renderer(Format.CSV)(result, OPTIONS)) == []
    assert sarif(result)["runs"][0]["results"] == []
    assert junit(result).get("failures") == "0"
    plan_rows = read_csv(get_plan_renderer(PlanFormat.CSV)(result, OPTIONS))
    assert plan_rows == []


@pytest.mark.parametrize("fmt", [Format.JSON, Format.JUNIT, Format.SARIF, Format.HTML, Format.CSV])
def test_pieces_join_to_the_report(
    fmt: Format, midsize: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI writes these reports piece by piece (issue 14: never whole in memory);
    the pieces are the report, with and without findings. (The table's pieces are cut
    by size: tests/reports/test_table_chunks.py.)"""
    import dataclasses

    from tma_audit import reports
    from tma_audit.reports import FORMATS, get_chunk_renderer

    assert FORMATS[fmt].chunks is not None
    whole = get_renderer(fmt)(midsize, OPTIONS)
    monkeypatch.setattr(reports, "PIECE_LINES", 7)
    pieces = list(get_chunk_renderer(fmt)(midsize, OPTIONS))
    assert len(pieces) > 5
    assert "".join(pieces) == whole
    # the CLI writes what each yields, so no piece is a whole copy of the report
    assert max(len(piece) for piece in pieces) < len(whole) / 2
    passing = dataclasses.replace(
        midsize,
        results=tuple(
            row for row in midsize.results if not any(v.outcome.is_finding for v in row[2])
        ),
    )
    monkeypatch.setattr(reports, "PIECE_LINES", 1000)
    whole = get_renderer(fmt)(passing, OPTIONS)
    monkeypatch.setattr(reports, "PIECE_LINES", 1)
    assert "".join(get_chunk_renderer(fmt)(passing, OPTIONS)) == whole


@pytest.mark.parametrize("fmt", [Format.JSON, Format.JUNIT, Format.SARIF, Format.HTML, Format.CSV])
def test_a_memo_that_starts_afresh_renders_the_same(
    fmt: Format, midsize: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renderers' memos of encoded fragments are bounded (reports.Memo): clearing them
    costs time, never content."""
    from tma_audit import reports

    whole = get_renderer(fmt)(midsize, OPTIONS)
    cleared = [0]
    clear = reports.Memo.clear

    def counting(memo: reports.Memo[Any, Any]) -> None:
        cleared[0] += 1
        clear(memo)

    monkeypatch.setattr(reports, "MEMO_ENTRIES", 2)
    monkeypatch.setattr(reports.Memo, "clear", counting)
    assert get_renderer(fmt)(midsize, OPTIONS) == whole
    assert cleared[0] > 10


def test_json_pieces_hold_every_result(midsize: AuditResult) -> None:
    whole = get_renderer(Format.JSON)(midsize, OPTIONS)
    assert len(json.loads(whole)["results"]) == len(midsize.results)
    # formats without pieces come whole
    from tma_audit.reports import get_chunk_renderer

    table = get_chunk_renderer(Format.MARKDOWN)(midsize, OPTIONS)
    assert list(table) == [get_renderer(Format.MARKDOWN)(midsize, OPTIONS)]


def test_json_report_with_no_results(midsize: AuditResult) -> None:
    import dataclasses

    empty = dataclasses.replace(midsize, results=())
    report = json.loads(get_renderer(Format.JSON)(empty, OPTIONS))
    assert report["results"] == []
    assert report["format"] == "tma-audit-report"


def test_format_table_describes_every_format() -> None:
    """One FormatSpec row per format: its renderers resolve, its file name is
    tma-audit.<extension> (unique, named in --output-dir's help), and only the table is
    made for a terminal (coloured there, not sanitised)."""
    import importlib

    from tma_audit.cli.outputs import OUTPUT_DIR_HELP
    from tma_audit.reports import FORMATS, PLAN_FORMATS, FormatSpec

    assert list(FORMATS) == list(Format)
    assert list(PLAN_FORMATS) == list(PlanFormat)
    specs: list[FormatSpec] = [*FORMATS.values(), *PLAN_FORMATS.values()]
    for spec in specs:
        module = importlib.import_module(spec.module)
        assert callable(getattr(module, spec.renderer))
        assert spec.chunks is None or callable(getattr(module, spec.chunks))
        assert spec.file_name == f"tma-audit.{spec.extension}"
        assert "/" in spec.media_type
    assert {fmt: spec.file_name for fmt, spec in FORMATS.items()} == FILE_NAMES
    assert len(set(FILE_NAMES.values())) == len(FORMATS)
    assert all(spec.extension in OUTPUT_DIR_HELP for spec in FORMATS.values())
    assert [f for f, spec in FORMATS.items() if spec.for_terminal] == [Format.TABLE]
    assert [f for f, spec in PLAN_FORMATS.items() if spec.for_terminal] == [PlanFormat.TABLE]
    # every format whose size grows with the fleet is written in pieces (Markdown is
    # capped: its findings stop at a limit)
    assert {f for f, spec in FORMATS.items() if not spec.chunks} == {Format.MARKDOWN}
