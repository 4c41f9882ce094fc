"""Tagged PDF (issue 16): the waiver draft's structure tree, read back with pypdf and with
poppler (a PDF reader that is not ours), checked against what PDF 1.7 §14.6–14.8 asks:
every mark on a page is content of an element or an artifact; each page's marked
content leads back to its element (ParentTree) and each element to its content; the
tree reads in order (title, numbered sections, tables with header cells, lists, form
fields); the catalog says Marked, the language and to show the title."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, IndirectObject

from tests.waivers.test_pdf import needs_poppler
from tma_audit.errors import WaiverError
from tma_audit.model import AuditResult, Inventory
from tma_audit.waivers.drafts import DraftDocument, DraftOptions, asset_details, plan_drafts
from tma_audit.waivers.pdf import render_pdf
from tma_audit.waivers.settings import DraftSettings, load_settings

#: operators that put marks on the page: text, paths, shadings, images and forms
PAINTING = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do"}
SECTIONS = 11


@pytest.fixture(scope="module")
def document(midsize: AuditResult, midsize_inventory: Inventory) -> DraftDocument:
    (doc,) = plan_drafts(midsize, asset_details(midsize_inventory), DraftOptions())
    return doc


@pytest.fixture(scope="module")
def tagged(document: DraftDocument) -> bytes:
    return render_pdf(document, DraftSettings(), "9.9", form_fields=True).data


def resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def kids(element: Any) -> list[Any]:
    k = element.get("/K")
    if k is None:
        return []
    k = resolve(k)
    return [resolve(x) for x in k] if isinstance(k, list) else [k]


def ref(obj: Any, key: str) -> int:
    """The object number an entry refers to (pypdf resolves entries on reading)."""
    value = obj.raw_get(key)
    assert isinstance(value, IndirectObject), key
    return int(value.idnum)


def catalog(reader: PdfReader) -> Any:
    return reader.trailer["/Root"]


def number(page: Any) -> int:
    """A page's object number."""
    return int(page.indirect_reference.idnum)


def walk(element: Any, depth: int = 0) -> Iterator[tuple[int, Any]]:
    yield depth, element
    for kid in kids(element):
        if isinstance(kid, DictionaryObject) and kid.get("/Type") == "/StructElem":
            yield from walk(kid, depth + 1)


def marked_content(reader: PdfReader) -> list[list[tuple[str, int | None]]]:
    """Per page, its marked-content sequences (tag, MCID) in order; fails on any mark
    made outside one, or on content nested in content."""
    pages = []
    for number, page in enumerate(reader.pages):
        stack: list[tuple[str, int | None, bool]] = []
        found: list[tuple[str, int | None]] = []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            op = operator.decode()
            if op in ("BDC", "BMC"):
                tag = str(operands[0])
                props = resolve(operands[1]) if op == "BDC" else {}
                mcid = props.get("/MCID") if isinstance(props, dict) else None
                artifact = tag == "/Artifact"
                if mcid is not None:
                    assert not any(m is not None or a for _, m, a in stack), (
                        f"page {number + 1}: content nested in content or in an artifact"
                    )
                    found.append((tag, int(mcid)))
                else:
                    assert artifact, f"page {number + 1}: {tag} without MCID"
                stack.append((tag, mcid, artifact))
            elif op == "EMC":
                assert stack, f"page {number + 1}: EMC without BDC"
                stack.pop()
            elif op in PAINTING:
                assert stack, f"page {number + 1}: {op} outside marked content"
        assert not stack, f"page {number + 1}: marked content left open"
        pages.append(found)
    return pages


def test_every_mark_is_content_of_an_element_or_an_artifact(tagged: bytes) -> None:
    reader = PdfReader(io.BytesIO(tagged))
    pages = marked_content(reader)
    assert len(pages) > 2
    for found in pages:
        # MCIDs number a page's sequences from 0, each once
        assert [mcid for _, mcid in found] == list(range(len(found)))
        assert found  # every page has content


def test_the_parent_tree_leads_from_content_to_its_element_and_back(tagged: bytes) -> None:
    reader = PdfReader(io.BytesIO(tagged))
    root = catalog(reader)
    tree = resolve(root["/StructTreeRoot"])
    nums = resolve(tree["/ParentTree"])["/Nums"]
    parents = {int(nums[i]): resolve(nums[i + 1]) for i in range(0, len(nums), 2)}
    assert int(tree["/ParentTreeNextKey"]) == max(parents) + 1
    pages = marked_content(reader)
    all_pages: list[Any] = list(reader.pages)
    for index, (page, found) in enumerate(zip(all_pages, pages, strict=True)):
        assert page["/Tabs"] == "/S"
        elements = parents[int(page["/StructParents"])]
        assert len(elements) == len(found)
        for (tag, mcid), entry in zip(found, elements, strict=True):
            element = resolve(entry)
            assert f"/{element['/S'][1:]}" == tag
            here = number(page)
            claims = [
                kid
                for kid in kids(element)
                if (kid == mcid and ref(element, "/Pg") == here)
                or (
                    isinstance(kid, DictionaryObject)
                    and kid.get("/Type") == "/MCR"
                    and kid["/MCID"] == mcid  # type: ignore[comparison-overlap]  # NumberObject is an int
                    and ref(kid, "/Pg") == here
                )
            ]
            assert len(claims) == 1, (index, mcid)
    # each form field's widget leads to its Form element, and that element to the widget
    widgets = [
        resolve(a) for page in reader.pages for a in page.get("/Annots", []) if "/T" in resolve(a)
    ]
    assert len(widgets) == 12
    for widget in widgets:
        form = resolve(parents[int(widget["/StructParent"])])
        assert form["/S"] == "/Form"
        (objr,) = kids(form)
        assert objr["/Type"] == "/OBJR"
        assert ref(objr, "/Obj") == number(widget)


def test_a_paragraph_split_over_two_pages_is_one_element(
    document: DraftDocument, tmp_path: Path
) -> None:
    """Its second part is a marked-content reference to the next page (MCR)."""
    words = " ".join(f"word{n}" for n in range(1500))
    (tmp_path / "wording.yaml").write_text(f"acknowledgement: {words}\n", encoding="utf-8")
    (tmp_path / "s.yaml").write_text("wording: wording.yaml\n", encoding="utf-8")
    data = render_pdf(document, load_settings(tmp_path / "s.yaml"), "9.9").data
    reader = PdfReader(io.BytesIO(data))
    marked_content(reader)  # still every mark in a sequence
    top = kids(resolve(catalog(reader)["/StructTreeRoot"]))[0]
    (split,) = [
        element
        for _, element in walk(top)
        if any(isinstance(k, DictionaryObject) and k.get("/Type") == "/MCR" for k in kids(element))
    ]
    assert split["/S"] == "/P"
    first, *rest = kids(split)
    assert isinstance(first, int) and rest  # on its own page, then on the next ones
    page_numbers = [number(page) for page in reader.pages]
    home = page_numbers.index(ref(split, "/Pg"))
    assert [page_numbers.index(ref(part, "/Pg")) for part in rest] == [
        home + n for n in range(1, len(rest) + 1)
    ]
    texts = [page.extract_text() for page in reader.pages]
    assert any("word0" in t for t in texts) and any("word1499" in t for t in texts)


def test_the_tree_reads_as_the_document_does(tagged: bytes, document: DraftDocument) -> None:
    reader = PdfReader(io.BytesIO(tagged))
    tree = resolve(catalog(reader)["/StructTreeRoot"])
    (top,) = kids(tree)
    assert top["/S"] == "/Document"
    nodes = list(walk(top))
    types = [element["/S"] for _, element in nodes]
    assert types[1] == "/H1"
    assert types.count("/H2") == SECTIONS
    assert types.count("/H3") == len(document.rules)  # each rule's risks, under section 6
    assert types.count("/Form") == 12
    tables = [element for _, element in nodes if element["/S"] == "/Table"]
    # parties, the audit, the assets, the findings: layout tables (notice, quotes,
    # signatures) are not tables to a screen reader
    assert len(tables) == 4
    findings = tables[-1]
    rows = kids(findings)
    assert {row["/S"] for row in rows} == {"/TR"}
    assert len(rows) == 1 + len(document.rows)
    header = kids(rows[0])
    assert [cell["/S"] for cell in header] == ["/TH"] * 6
    assert all(resolve(cell["/A"])["/Scope"] == "/Column" for cell in header)
    assert all(cell["/S"] == "/TD" for row in rows[1:] for cell in kids(row))
    # the findings table runs over pages; its header row, repeated on each, is tagged once
    on_pages = {ref(cell, "/Pg") for row in rows for cell in kids(row)}
    assert len(on_pages) > 1
    # key-value tables head each row
    parties = kids(tables[0])
    assert [resolve(kids(row)[0]["/A"])["/Scope"] for row in parties] == ["/Row"] * 3
    # bullets are list items
    lists = [element for _, element in nodes if element["/S"] == "/L"]
    assert lists
    for item in (kid for element in lists for kid in kids(element)):
        assert item["/S"] == "/LI"
        assert [kid["/S"] for kid in kids(item)] == ["/LBody"]


@needs_poppler
def test_a_pdf_reader_finds_the_headings_and_table_headers(
    tagged: bytes, tmp_path: Path, document: DraftDocument
) -> None:
    """poppler's reading of the tree: section headings in order, header cells' text."""
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo (poppler-utils) missing")
    path = tmp_path / "draft.pdf"
    path.write_bytes(tagged)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    out = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout
    lines = out.splitlines()
    headings = [
        lines[i + 1].strip().strip('"')
        for i, line in enumerate(lines)
        if line.strip() == "H2" or line.strip().startswith("H2 ")
    ]
    assert [h.split(".")[0] for h in headings] == [str(n) for n in range(1, SECTIONS + 1)]
    assert headings[0] == "1. Parties"
    assert any(h.startswith("5. Non-compliant findings") for h in headings)
    text = "\n".join(lines)
    for header in ("Host name / item", "Found, and what is required", "Remediation and who pays"):
        assert f'"{header}"' in text
    # the page furniture is not content: the footer's page numbers are not in the tree
    assert "Page 1 of" not in text
    assert document.document_id + " · version" not in text


def test_the_catalog_says_marked_language_and_title(
    document: DraftDocument, tmp_path: Path
) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(document, DraftSettings(), "9.9").data))
    root = catalog(reader)
    assert resolve(root["/MarkInfo"])["/Marked"] == True  # noqa: E712 - a PDF boolean
    assert root["/Lang"] == "en"
    assert resolve(root["/ViewerPreferences"])["/DisplayDocTitle"] == True  # noqa: E712
    settings = tmp_path / "s.yaml"
    settings.write_text("language: de-CH\n", encoding="utf-8")
    reader = PdfReader(io.BytesIO(render_pdf(document, load_settings(settings), "9.9").data))
    assert catalog(reader)["/Lang"] == "de-CH"
    settings.write_text("page_size: A4\nlanguage: Deutsch (Schweiz)\n", encoding="utf-8")
    with pytest.raises(WaiverError) as caught:
        load_settings(settings)
    assert caught.value.line == 2
    assert caught.value.field == "language"
    assert "en-GB" in str(caught.value)
