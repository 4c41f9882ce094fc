"""`tma-audit portfolio DIR`: a generated book of five clients, one of them broken."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import CliRun
from tests.conftest import REPO
from tma_audit.errors import ExitCode
from tma_audit.portfolio import recognise, worst

AS_OF = "2026-11-26"
INVENTORIES = REPO / "inventories"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """Five client folders: two native (one with waivers), one of exports and a
    companion, a copy under an awkward name, and one broken."""
    root = tmp_path / "book"
    root.mkdir()
    shutil.copytree(INVENTORIES / "midsize", root / "midsize")
    small = root / "small-office"
    small.mkdir()
    shutil.copy(INVENTORIES / "small-office" / "inventory.yaml", small / "inventory.yaml")
    exports = root / "three-source"
    exports.mkdir()
    for path in (INVENTORIES / "three-source").iterdir():
        if path.name == "client.yaml" or path.suffix == ".csv":
            shutil.copy(path, exports / path.name)
    shutil.copytree(small, root / "Annex & <Co>")
    broken = root / "=broken"
    broken.mkdir()
    (broken / "inventory.yaml").write_text("client: [\n", encoding="utf-8")
    (root / ".hidden").mkdir()  # not a client
    return root


def run_book(cli: CliRun, book: Path, out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    run = cli(
        "portfolio",
        str(book),
        "--as-of",
        AS_OF,
        "--output-dir",
        str(out),
        "-f",
        "table,csv,json,html",
        *extra,
    )
    assert "Traceback" not in run.err
    return run.code, json.loads((out / "portfolio.json").read_text(encoding="utf-8"))


def clients_of(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    clients = summary["clients"]
    assert isinstance(clients, list)
    return {c["folder"]: c for c in clients}


def test_recognises_native_exports_and_broken_folders(book: Path) -> None:
    native = recognise(book / "midsize")
    assert native.inventory == (book / "midsize" / "inventory.yaml",)
    assert native.waivers == book / "midsize" / "waivers.yaml"
    exports = recognise(book / "three-source")
    assert exports.companion == book / "three-source" / "client.yaml"
    assert [p.name for p in exports.inventory] == [
        "ad-computers.csv",
        "crowdstrike-hosts.csv",
        "intune-devices.csv",
    ]
    assert exports.waivers is None
    (book / "lonely").mkdir()
    (book / "lonely" / "client.yaml").write_text("client: {name: x}\n", encoding="utf-8")
    assert recognise(book / "lonely").problem == "client.yaml but no *.csv exports"
    (book / "nothing").mkdir()
    assert "no inventory.yaml" in (recognise(book / "nothing").problem or "")


def test_exit_code_is_the_worst_clients() -> None:
    assert worst([]) == 0
    assert worst([0, 1, 0]) == 1
    assert worst([1, 2, 0]) == 2
    assert worst([2, 3, 1]) == 3
    assert worst([3, 70, 2]) == 70


def test_portfolio_audits_every_client_and_keeps_going_past_a_broken_one(
    cli: CliRun, book: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, summary = run_book(cli, book, out, "--jobs", "2")
    assert code == ExitCode.INPUT_ERROR  # the broken folder's; the others still audited
    clients = clients_of(summary)
    assert list(clients) == ["=broken", "Annex & <Co>", "midsize", "small-office", "three-source"]
    broken = clients["=broken"]
    assert broken["exit_code"] == 2 and "invalid YAML" in str(broken["error"])
    assert broken["report"] is None
    midsize = clients["midsize"]
    assert midsize["exit_code"] == 1 and midsize["error"] is None
    assert midsize["client"] == "Hartwell & Pryce Building Supplies Ltd"
    assert midsize["counts"]["waived"] > 0  # its waivers.yaml was used
    assert midsize["waivers_expiring"] == [{"waiver": "W-2026-003", "expires": "2026-12-15"}]
    assert midsize["p1"] >= 1
    assert midsize["by_rule"]["MS-3"]["fail"] > 0
    assert clients["three-source"]["source"] == "client.yaml + 3 export(s)"
    assert clients["three-source"]["assets"] > 0
    # the per-client reports, linked from the page
    for name in ("midsize", "small-office", "three-source", "Annex & <Co>"):
        assert (out / name / "tma-audit.html").is_file()
        assert json.loads((out / name / "tma-audit.json").read_text("utf-8"))["client"]
    assert clients["Annex & <Co>"]["report"] == "Annex%20%26%20%3CCo%3E/tma-audit.html"
    # the book's lifecycle deadlines: Server 2016 on 2027-01-12
    deadlines = {(d["date"], d["what"]): d for d in summary["deadlines"]}
    server = deadlines[("2027-01-12", "Windows Server 2016 support")]
    assert server["clients"] == ["midsize"] and server["items"] == 2
    # every format has the broken client's line
    table = (out / "portfolio.txt").read_text("utf-8")
    assert re.search(r"^=broken +ERROR \(exit 2\): .*invalid YAML", table, re.M)
    assert "2027-01-12  Windows Server 2016 support: 2 item(s) at 1 client(s)" in table
    rows = list(csv.DictReader(io.StringIO((out / "portfolio.csv").read_text("utf-8"))))
    assert len(rows) == 5
    assert rows[0]["client folder"] == "'=broken"  # no formula for a spreadsheet
    assert "invalid YAML" in rows[0]["error"] and rows[0]["exit code"] == "2"
    assert rows[2]["waivers expiring"] == "W-2026-003 2026-12-15"


def test_jobs_do_not_change_the_summary(cli: CliRun, book: Path, tmp_path: Path) -> None:
    _, one = run_book(cli, book, tmp_path / "one", "--jobs", "1")
    _, two = run_book(cli, book, tmp_path / "two", "--jobs", "2")
    assert one == two
    assert (tmp_path / "one" / "portfolio.html").read_text("utf-8") == (
        tmp_path / "two" / "portfolio.html"
    ).read_text("utf-8")


def test_change_since_the_last_run(cli: CliRun, book: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _, first = run_book(cli, book, out, "--jobs", "1")
    assert first["previous_date"] is None
    assert all(c["change"] is None for c in clients_of(first).values())
    shutil.rmtree(book / "small-office")
    shutil.copy(INVENTORIES / "midsize" / "inventory.yaml", book / "=broken")
    _, second = run_book(cli, book, out, "--jobs", "1", "--as-of", "2026-12-20")
    assert second["previous_date"] == AS_OF
    assert second["removed_clients"] == ["small-office"]
    clients = clients_of(second)
    assert clients["=broken"]["change"] == {"status": "fixed", "previous_date": AS_OF}
    change = clients["midsize"]["change"]
    old = clients_of(first)["midsize"]
    assert change["score"] == round(clients["midsize"]["score"] - old["score"], 1)
    assert change["fail"] == clients["midsize"]["counts"]["fail"] - old["counts"]["fail"]
    assert change["fail"] > 0  # more is out of support three weeks later
    table = (out / "portfolio.txt").read_text("utf-8")
    assert f"Change since the last run ({AS_OF})" in table
    assert "No longer in the book: small-office" in table


def test_a_damaged_last_summary_is_an_input_error(cli: CliRun, book: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "portfolio.json").write_text('{"format": "something else"}', encoding="utf-8")
    run = cli("portfolio", str(book), "--as-of", AS_OF, "--output-dir", str(out))
    assert run.code == 2
    assert "portfolio.json" in run.err and "not a portfolio summary" in run.err
    assert "Traceback" not in run.err


def test_unusable_lifecycle_data_exits_3(cli: CliRun, book: Path, tmp_path: Path) -> None:
    bad = tmp_path / "snapshot.json"
    bad.write_text("{}", encoding="utf-8")
    run = cli("portfolio", str(book), "--as-of", AS_OF, "--data", str(bad), "-f", "json")
    assert run.code == ExitCode.DATA_ERROR
    clients = clients_of(json.loads(run.out))
    assert clients["=broken"]["exit_code"] == 2
    assert all(c["exit_code"] == 3 for name, c in clients.items() if name != "=broken")


def test_a_bug_in_one_client_is_its_line_and_exit_70(
    cli: CliRun, book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tma_audit.portfolio

    real = tma_audit.portfolio.summarise

    def flaky(folder, result, code):  # type: ignore[no-untyped-def]
        if folder.name == "midsize":
            raise KeyError("boom")
        return real(folder, result, code)

    monkeypatch.setattr(tma_audit.portfolio, "summarise", flaky)
    run = cli("portfolio", str(book), "--as-of", AS_OF, "--jobs", "1", "-f", "json")
    assert run.code == ExitCode.INTERNAL_ERROR
    clients = clients_of(json.loads(run.out))
    assert "internal error (KeyError" in clients["midsize"]["error"]
    assert clients["small-office"]["error"] is None


def test_several_formats_to_standard_output_are_a_usage_error(cli: CliRun, book: Path) -> None:
    run = cli("portfolio", str(book), "-f", "table,json")
    assert run.code == 2 and "standard output" in run.err
    run = cli("portfolio", str(book), "-f", "pdf")
    assert run.code == 2 and "'pdf' is not one of" in run.err


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.csp = ""
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.external: list[str] = []
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self._in: str | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = a.get("content") or ""
        if a.get("src") or (tag == "link" and a.get("href")):
            self.external.append(tag)
        if tag in ("style", "script"):
            self._in = tag
        if tag == "tbody":
            self._in_body = True
        if tag == "tr" and self._in_body:
            self.rows.append([])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        self._in = None if tag in ("style", "script") else self._in
        if tag == "tbody":
            self._in_body = False

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.styles.append(data)
        elif self._in == "script":
            self.scripts.append(data)
        elif self._in_body and self.rows:
            self.rows[-1].append(data)


def _hash(source: str) -> str:
    return base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()


def test_html_page_is_self_contained_escaped_and_links_reports(
    cli: CliRun, book: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run_book(cli, book, out, "--jobs", "1")
    html = (out / "portfolio.html").read_text("utf-8")
    page = _Page()
    page.feed(html)
    assert page.external == []
    assert "default-src 'none'" in page.csp
    assert [f"'sha256-{_hash(s)}'" in page.csp for s in page.styles + page.scripts] == [
        True,
        True,
    ]
    assert "<Co>" not in html and "Annex &amp; &lt;Co&gt;" in html
    clients = html.split('id="clients"')[1].split("</table>")[0]
    assert clients.count("<tr") == 6  # heading + one row per client
    assert 'class="error"' in clients
    from urllib.parse import unquote

    for link in page.links:
        assert (out / unquote(link)).is_file()
    assert len(page.links) == 4  # the broken client has no report


def test_html_page_sorts_in_a_browser(cli: CliRun, book: Path, tmp_path: Path) -> None:
    from tests.reports.chromium import Chromium, find_chromium

    binary = find_chromium()
    if binary is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    out = tmp_path / "out"
    run_book(cli, book, out, "--jobs", "1")
    browser = Chromium(binary, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        page = browser.open((out / "portfolio.html").as_uri())
        rows = "Array.from(document.querySelectorAll('#clients tbody tr'))"
        score = "r => r.cells[2].textContent"
        page.js("document.querySelectorAll('#clients th button')[2].click()")
        ascending = page.js(f"{rows}.map({score})")
        assert ascending[0] == ""  # the broken client has no score: first
        values = [float(v) for v in ascending if v]
        assert values == sorted(values) and len(values) == 4
        page.js("document.querySelectorAll('#clients th button')[2].click()")
        assert page.js(f"{rows}.map({score})") == list(reversed(ascending))
        heading = "document.querySelectorAll('#clients th')[2]"
        assert page.js(f"{heading}.getAttribute('aria-sort')") == "descending"
        assert page.errors() == []
    finally:
        browser.close()


def test_an_output_dir_inside_the_book_is_no_client(cli: CliRun, book: Path) -> None:
    out = book / "reports"
    code, first = run_book(cli, book, out, "--jobs", "1")
    _, second = run_book(cli, book, out, "--jobs", "1")
    assert "reports" not in clients_of(first) and "reports" not in clients_of(second)
    assert second["removed_clients"] == [] and code == 2


def test_waivers_expiring_follow_waiver_warn_days(cli: CliRun, book: Path, tmp_path: Path) -> None:
    # W-2026-003 ends on 2026-12-15, 19 days after the audit date
    ruleset = tmp_path / "ruleset.yaml"
    ruleset.write_text("extends: default\nparameters:\n  waiver_warn_days: 10\n", encoding="utf-8")
    code, summary = run_book(cli, book, tmp_path / "out", "--jobs", "1", "-r", str(ruleset))
    assert code == 2
    assert clients_of(summary)["midsize"]["waivers_expiring"] == []
