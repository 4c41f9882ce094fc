"""The PDF drafts, read back: every finding and name, Unicode, pages, determinism.

Text is extracted with pypdf (and, where poppler-utils is installed, cross-checked
with pdftotext and pdffonts); page 1 is rendered to PNG with pdftoppm, which CI
installs (`.ci/run`).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.waivers.conftest import AS_OF, REPO
from tma_audit.audit import run_audit
from tma_audit.inventory import load_inventory
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import AuditResult, Inventory, Outcome, Ruleset
from tma_audit.waivers.drafts import DraftOptions, asset_details, items_csv, plan_drafts
from tma_audit.waivers.fonts import FontRuns
from tma_audit.waivers.matching import host_of
from tma_audit.waivers.pdf import RenderedDraft, render_pdf
from tma_audit.waivers.settings import DraftSettings, load_settings
from tma_audit.waivers.waiver import Grouping

POPPLER = shutil.which("pdftoppm") is not None
needs_poppler = pytest.mark.skipif(
    not POPPLER and not os.environ.get("CI"),
    reason="poppler-utils not installed (CI installs it: .ci/run)",
)


def squash(text: str) -> str:
    """Text without white space: table cells wrap long names across lines."""
    return "".join(text.split())


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="session")
def midsize_pdf(midsize: AuditResult, midsize_inventory: Inventory) -> tuple[RenderedDraft, str]:
    (doc,) = plan_drafts(midsize, asset_details(midsize_inventory), DraftOptions())
    rendered = render_pdf(doc, DraftSettings(), "9.9")
    return rendered, doc.document_id


@pytest.fixture(scope="session")
def unicode_pdf(unicode_result: AuditResult, unicode_inventory: Inventory) -> RenderedDraft:
    (doc,) = plan_drafts(unicode_result, asset_details(unicode_inventory), DraftOptions())
    return render_pdf(doc, DraftSettings(), "9.9")


def test_every_finding_name_and_fact_is_in_the_text(
    midsize: AuditResult, midsize_pdf: tuple[RenderedDraft, str]
) -> None:
    rendered, _ = midsize_pdf
    pages = page_texts(rendered.data)
    assert rendered.pages == len(pages) > 1
    flat = squash("\n".join(pages))
    failures = [f for f in midsize.findings if f.outcome == Outcome.FAIL]
    assert failures
    for f in failures:
        # every affected host in the assets table (all 39 fit), every rule cited; the
        # rows name at most HOSTS_SHOWN items and REASONS_SHOWN texts: the CSV has all
        host = host_of(f.subject) or f.subject.id
        assert squash(host) in flat, host
        assert squash(f.rule_id) in flat
    for needle in [
        "Hartwell & Pryce Building Supplies Ltd",
        "Priya Natarajan (Facilities & IT Manager) <priya.natarajan@hartwellpryce.co.uk>",
        "[Provider legal name]",  # a placeholder without --settings, never a made-up name
        "Leeds HQ",
        "York Branch",
        "Wakefield DC",
        "Audit date 2026-11-26",
        "tma-default 2026.11.0",
        "Lifecycle data 2026-11-26 (shipped); Windows updates to 2026-08-12",
        "inventories/midsize/inventory.yaml",
        # the clause the waiver rests on, and each cited rule's clause and risk
        "a Liability Waiver will be required to proceed with any and all services",
        "All Server and Desktop Software must be Genuine, Licensed and Vendor-Supported.",
        midsize.ruleset.rules[0].waiver_text,
        "Effect on the Services",
        "Acknowledgement and acceptance of risk",
        "Compensating controls",
        "Expiry / review date: 2027-05-25",
        "For the Provider",
        "For the Client",
        "Signature",
        "Windows Server 2008 R2 Standard (build 7601.24544)",  # an affected asset's OS
        "P2 Quick",
        "Who pays",
    ]:
        assert squash(needle) in flat, needle
    # client-facing: no internal register IDs; MS-3 and SC-7 share rows, citing both
    assert "W-2026" not in flat
    assert squash("MS-3Minimum Standards") in flat or "MS-3" in flat
    assert flat.count(squash("Windows 7 SP1: support ended 2020-01-14")) == 1


def test_every_page_says_document_version_draft_and_page(
    midsize_pdf: tuple[RenderedDraft, str],
) -> None:
    rendered, document_id = midsize_pdf
    pages = page_texts(rendered.data)
    for number, text in enumerate(pages, start=1):
        flat = squash(text)
        assert squash(f"{document_id} · version 1 · DRAFT") in flat, number
        assert squash(f"Page {number} of {len(pages)}") in flat, number
        assert squash("Draft for signature. Not binding until signed by both parties.") in flat


def test_unicode_names_render_with_the_shipped_fonts(
    unicode_pdf: RenderedDraft, unicode_result: AuditResult
) -> None:
    assert unicode_pdf.missing_glyphs == frozenset()
    text = "\n".join(page_texts(unicode_pdf.data))
    for name in ("Zürich GmbH", "Ålesund", "東京", "会計ソフト", "Jörg Ångström"):
        assert name in text, name
    # the fonts are embedded (not left to the viewer): DejaVu Sans and the CJK fallback
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(unicode_pdf.data)).pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            fonts[str(font["/BaseFont"])] = embedded
    assert any("DejaVuSans" in name for name in fonts), fonts
    assert any("DroidSansFallback" in name for name in fonts), fonts
    assert all(fonts.values()), fonts


def test_characters_no_font_has_are_reported_not_hidden(
    tmp_path: Path, ruleset: Ruleset, lifecycle: Lifecycle
) -> None:
    runs = FontRuns()
    assert runs.markup("Zürich 東京") == 'Zürich <font name="TMA-CJK">東京</font>'
    assert runs.missing == set()
    runs.markup("ሀገር")  # Ethiopic: in neither shipped font
    assert runs.missing == {"ሀ", "ገ", "ር"}
    path = tmp_path / "inv.yaml"
    path.write_text(
        "client: {name: ሀገር Trading, sites: [{name: HQ}]}\nassets: []\n", encoding="utf-8"
    )
    result = run_audit(load_inventory(path), ruleset, lifecycle, AS_OF)
    (doc,) = plan_drafts(result, {}, DraftOptions())
    assert render_pdf(doc, DraftSettings(), "9.9").missing_glyphs == {"ሀ", "ገ", "ር"}


def test_the_same_input_gives_the_same_bytes(
    midsize: AuditResult, unicode_pdf: RenderedDraft, unicode_result: AuditResult
) -> None:
    (doc,) = plan_drafts(unicode_result, {}, DraftOptions())
    first = render_pdf(doc, DraftSettings(), "9.9").data
    assert render_pdf(doc, DraftSettings(), "9.9").data == first
    info = PdfReader(io.BytesIO(first)).metadata
    assert info is not None
    assert str(info["/CreationDate"]).startswith("D:20261126")
    assert "Zürich GmbH" in str(info["/Title"])
    # another process, another hash seed, SOURCE_DATE_EPOCH set: the same bytes
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from tests.waivers.conftest import AS_OF
        from tma_audit.audit import run_audit
        from tma_audit.inventory import load_inventory
        from tma_audit.lifecycle import load_shipped
        from tma_audit.rules import load_default_ruleset
        from tma_audit.waivers.drafts import DraftOptions, plan_drafts
        from tma_audit.waivers.pdf import render_pdf
        from tma_audit.waivers.settings import DraftSettings
        result = run_audit(load_inventory(Path({str(unicode_result.inventory_sources[0])!r})),
                           load_default_ruleset(), load_shipped(), AS_OF)
        (doc,) = plan_drafts(result, {{}}, DraftOptions())
        sys.stdout.buffer.write(render_pdf(doc, DraftSettings(), "9.9").data)
        """
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242", "SOURCE_DATE_EPOCH": "1700000000"}
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, check=True, cwd=REPO, env=env
    )
    assert proc.stdout == first


def big_draft(tmp_path: Path, ruleset: Ruleset, lifecycle: Lifecycle, count: int) -> Any:
    assets = "".join(
        f"  - {{hostname: PC-{n:04d}, kind: desktop, site: HQ, genuine: true, licensed: true,"
        f' os: {{name: Windows 7 Professional, build: "7601.24544"}}}}\n'
        for n in range(count)
    )
    path = tmp_path / "big.yaml"
    path.write_text(f"client: {{name: Big Ltd, sites: [{{name: HQ}}]}}\nassets:\n{assets}")
    inventory = load_inventory(path)
    result = run_audit(inventory, ruleset, lifecycle, AS_OF)
    (doc,) = plan_drafts(result, asset_details(inventory), DraftOptions())
    return doc


def test_many_items_with_one_fact_are_one_row_in_a_short_draft(
    tmp_path: Path, ruleset: Ruleset, lifecycle: Lifecycle
) -> None:
    """600 PCs with the same problems: three rows with compact host lists, the asset
    table cut short; every PC is in the CSV beside the PDF."""
    doc = big_draft(tmp_path, ruleset, lifecycle, 600)
    assert len(doc.items) == 1 + 2 * 600  # MS-6 for the site; MS-2, MS-3 (+SC-7) per PC
    assert [len(r.subjects) for r in doc.rows] == [1, 600, 600]
    rendered = render_pdf(doc, DraftSettings(), "9.9")
    pages = page_texts(rendered.data)
    assert rendered.pages == len(pages) <= 6
    flat = squash("\n".join(pages))
    assert squash("600 items") in flat
    assert squash("and 595 more (CSV)") in flat
    assert squash(f"Every item, with its exact finding, is listed in {doc.csv_name}") in flat
    assert squash(f"… and 551 more: all 601 are listed in {doc.csv_name}") in flat  # + the site
    assert "PC-0004" in flat and "PC-0599" not in flat
    assert "Page 1 of" in pages[0] and f"Page {len(pages)} of {len(pages)}" in pages[-1]
    listed = items_csv(doc)
    for n in range(600):
        assert f"PC-{n:04d}" in listed


def test_section_headings_stay_with_what_follows(
    tmp_path: Path, ruleset: Ruleset, lifecycle: Lifecycle
) -> None:
    """No page ends with a section heading (it sat alone at the foot of page 1)."""
    settings = DraftSettings()
    for count in range(1, 40, 3):
        doc = big_draft(tmp_path, ruleset, lifecycle, count)
        for page in page_texts(render_pdf(doc, settings, "9.9").data):
            body = [
                line
                for line in page.splitlines()
                if line.strip() and "Page " not in line and "Draft for signature" not in line
            ]
            body = [line for line in body if "Liability waiver:" not in line]
            assert body, count
            assert not re.match(r"^\d+\. [A-Z]", body[-1]), (count, body[-1])
            # sections 4 and 5 start on the page where their tables start
            if "4. Affected assets" in page:
                assert "Host name / item" in page, count
            if "5. Non-compliant findings" in page:
                assert "Found, and what is required" in page, count


def test_per_finding_drafts_keep_the_findings_heading_with_its_table(
    midsize: AuditResult, midsize_inventory: Inventory
) -> None:
    """The heading sat alone at the foot of page 1 in the per-finding draft."""
    details = asset_details(midsize_inventory)
    docs = plan_drafts(midsize, details, DraftOptions(grouping=Grouping.FINDING))
    for doc in docs[:12]:
        for page in page_texts(render_pdf(doc, DraftSettings(), "9.9").data):
            if "5. Non-compliant findings" in page:
                assert "Found, and what is required" in page, doc.document_id


def test_form_fields_for_names_titles_signatures_dates_and_controls(
    midsize: AuditResult, midsize_inventory: Inventory, tmp_path: Path
) -> None:
    (doc,) = plan_drafts(midsize, asset_details(midsize_inventory), DraftOptions())
    plain = PdfReader(io.BytesIO(render_pdf(doc, DraftSettings(), "9.9").data))
    assert not plain.get_fields()  # only when asked for
    settings_file = tmp_path / "s.yaml"
    settings_file.write_text(
        "provider:\n  legal_name: Example MSP Ltd\n"
        "  signatory: {name: Dana Whitfield, title: Account Manager}\n",
        encoding="utf-8",
    )
    rendered = render_pdf(doc, load_settings(settings_file), "9.9", form_fields=True)
    reader = PdfReader(io.BytesIO(rendered.data))
    fields = reader.get_fields() or {}
    who = ("provider", "client")
    what = ("name", "title", "signature", "date")
    expected = {f"{w}_{x}" for w in who for x in what} | {f"control_{n}" for n in range(1, 5)}
    assert set(fields) == expected
    assert fields["provider_name"].get("/V") == "Dana Whitfield"
    assert fields["provider_title"].get("/V") == "Account Manager"
    assert not fields["client_name"].get("/V")
    # all on the last page, with the signature blocks
    last = reader.pages[-1]
    annotations = [a.get_object() for a in last.get("/Annots", [])]
    assert {a["/T"] for a in annotations if "/T" in a} >= {f"client_{x}" for x in what}
    assert "Signatures" in page_texts(rendered.data)[-1]
    # same input, same bytes, fields too
    again = render_pdf(doc, load_settings(settings_file), "9.9", form_fields=True)
    assert again.data == rendered.data


def test_settings_change_provider_page_size_wording_and_controls(
    tmp_path: Path, unicode_result: AuditResult
) -> None:
    wording = tmp_path / "wording.yaml"
    wording.write_text(
        "title: Haftungsverzicht\nacknowledgement: $client akzeptiert das Risiko bis $expires.\n",
        encoding="utf-8",
    )
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text(
        textwrap.dedent(
            """\
            provider:
              legal_name: Example Managed Services GmbH
              address: [Bahnhofstrasse 1, 8001 Zürich]
              signatory: {name: Dana Whitfield, title: Account Manager}
            page_size: letter
            wording: wording.yaml
            """
        ),
        encoding="utf-8",
    )
    settings = load_settings(settings_file)
    (doc,) = plan_drafts(
        unicode_result, {}, DraftOptions(controls=("Isolated VLAN", "No internet access"))
    )
    rendered = render_pdf(doc, settings, "9.9")
    reader = PdfReader(io.BytesIO(rendered.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    flat = squash("\n".join(page.extract_text() or "" for page in reader.pages))
    for needle in [
        "Haftungsverzicht",
        "Example Managed Services GmbH; Bahnhofstrasse 1; 8001 Zürich",
        "Zürich GmbH akzeptiert das Risiko bis 2027-05-25.",
        "Dana Whitfield",
        "Account Manager",
        "Isolated VLAN",
        "No internet access",
        "Effect on the Services",  # keys the replacement leaves out keep the default text
    ]:
        assert squash(needle) in flat, needle


@needs_poppler
def test_page_one_renders_to_png(tmp_path: Path, unicode_pdf: RenderedDraft) -> None:
    pdf = tmp_path / "draft.pdf"
    pdf.write_bytes(unicode_pdf.data)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(tmp_path / "page1"),
        ],
        check=True,
        capture_output=True,
    )
    png = (tmp_path / "page1.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (414, 585)  # A4 at 50 dpi
    assert len(png) > 5_000  # not a blank page
    # poppler reads the same text back, CJK included, from fonts embedded in the file
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for name in ("Zürich GmbH", "Ålesund", "東京"):
        assert name in text
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts), fonts
