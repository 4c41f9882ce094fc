"""Tagged PDF for the waiver drafts: the structure tree reportlab's open-source edition
does not write, so that a screen reader, reflow and copy-and-paste know what the text is.

PDF 1.7 (ISO 32000-1) §14.6–14.8, as the drafts use it:
- every piece of the page is in a marked-content sequence: content as
  `/P <</MCID n>> BDC … EMC` (n numbers the sequences of one page), page furniture
  (header, footer, watermark, table rules and shading) as `/Artifact <<…>> BDC … EMC`;
- a tree of structure elements under the catalog's /StructTreeRoot, in reading order:
  Document > H1, H2, H3, P, BlockQuote, L > LI > LBody, Table > TR > TH/TD, Form. Each
  names its type (/S), parent (/P), page (/Pg) and kids: MCIDs on its page, marked-content
  references (/MCR) for a paragraph that continues on the next page, child elements, and
  an object reference (/OBJR) to a form field's widget;
- the way back, from content to element: the root's /ParentTree maps each page's
  /StructParents to the elements of its MCIDs, and each widget's /StructParent to its
  element;
- the catalog says /MarkInfo <</Marked true>>, the document's /Lang and that viewers show
  the title; pages say /Tabs /S (fields in structure order).

`Tagger` collects the tree while platypus draws (drawing order is reading order); the
flowables and tables of `waivers.pdf` call it through `canvas.tagger`; `write` turns it
into PDF objects before the document is saved.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFPage,
    PDFString,
)
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.paragraph import Paragraph
from reportlab.platypus.tables import TableRenderCB

#: the page entries a tagged PDF adds (reportlab writes only those a page lists)
_PAGE_KEYS = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]


class Element:
    """A structure element: its type, parent, attributes, and kids in reading order."""

    __slots__ = ("attributes", "kids", "kind", "parent")

    def __init__(
        self, kind: str, parent: Element | None, attributes: dict[str, str] | None = None
    ) -> None:
        self.kind = kind
        self.parent = parent
        self.attributes = attributes or {}
        #: child elements, (page, MCID) of content, or (page, annotation name) of a widget
        self.kids: list[Element | tuple[int, int] | tuple[int, str]] = []

    def pages(self) -> Iterator[int]:
        for kid in self.kids:
            if isinstance(kid, tuple):
                yield kid[0]


class Tagger:
    """The structure tree of one document, built while its pages are drawn."""

    def __init__(self) -> None:
        self.root = Element("Document", None)
        #: where new elements go: the innermost open table, row or cell, else the document
        self.parents: list[Element] = [self.root]
        self.page = 0
        #: per page, the element of each MCID
        self.marks: list[list[Element]] = [[]]
        #: inside an artifact, content is not tagged (a repeated table header, a footer)
        self.artifacts = 0

    def next_page(self) -> None:
        self.page += 1
        self.marks.append([])

    def element(self, kind: str, **attributes: str) -> Element:
        """A new element at the current place; an "LI" joins the list just before it (or
        starts one) and its content goes into the LBody returned."""
        parent = self.parents[-1]
        if kind == "LI":
            last = parent.kids[-1] if parent.kids else None
            if not (isinstance(last, Element) and last.kind == "L"):
                last = Element("L", parent)
                parent.kids.append(last)
            item = Element("LI", last)
            last.kids.append(item)
            body = Element("LBody", item)
            item.kids.append(body)
            return body
        element = Element(kind, parent, attributes)
        parent.kids.append(element)
        return element

    def enter(self, element: Element) -> None:
        self.parents.append(element)

    def leave(self) -> None:
        self.parents.pop()

    def begin(self, canvas: Any, element: Element) -> None:
        marks = self.marks[self.page]
        element.kids.append((self.page, len(marks)))
        canvas.addLiteral(f"/{element.kind} <</MCID {len(marks)}>> BDC")
        marks.append(element)

    @staticmethod
    def end(canvas: Any) -> None:
        canvas.addLiteral("EMC")

    @contextmanager
    def content(self, canvas: Any, element: Element) -> Iterator[None]:
        self.begin(canvas, element)
        try:
            yield
        finally:
            self.end(canvas)

    def begin_artifact(self, canvas: Any, subtype: str | None = None) -> None:
        """Furniture: `subtype` Header, Footer or Watermark is pagination; else layout."""
        kind = f"/Pagination /Subtype /{subtype}" if subtype else "/Layout"
        canvas.addLiteral(f"/Artifact <</Type {kind}>> BDC")
        self.artifacts += 1

    def end_artifact(self, canvas: Any) -> None:
        self.artifacts -= 1
        canvas.addLiteral("EMC")

    @contextmanager
    def artifact(self, canvas: Any, subtype: str | None = None) -> Iterator[None]:
        self.begin_artifact(canvas, subtype)
        try:
            yield
        finally:
            self.end_artifact(canvas)

    def widget(self, canvas: Any) -> None:
        """The form field just added to the page (its widget annotation) as a Form element."""
        name: str = canvas._annotationrefs[-1].name  # the annotation's object name
        self.element("Form").kids.append((self.page, name))

    # --- writing -------------------------------------------------------------------

    def write(self, document: Any, pages: Sequence[Any], language: str) -> None:
        """The tree as PDF objects: the catalog's StructTreeRoot, MarkInfo and Lang, each
        page's StructParents and Tabs, each widget's StructParent."""
        root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_ref = document.Reference(root)
        page_refs = [document.Reference(page) for page in pages]
        refs: dict[int, PDFObjectReference] = {}
        objects: list[tuple[Element, PDFDictionary]] = []

        def register(element: Element) -> None:
            obj = PDFDictionary({})
            refs[id(element)] = document.Reference(obj)
            objects.append((element, obj))
            for kid in element.kids:
                if isinstance(kid, Element):
                    register(kid)

        register(self.root)
        widget_keys: list[tuple[str, Element]] = []
        for element, obj in objects:
            entries: dict[str, Any] = {
                "Type": PDFName("StructElem"),
                "S": PDFName(element.kind),
                "P": refs[id(element.parent)] if element.parent else root_ref,
            }
            home = next(element.pages(), None)
            if home is not None:
                entries["Pg"] = page_refs[home]
            kids: list[Any] = []
            for kid in element.kids:
                if isinstance(kid, Element):
                    kids.append(refs[id(kid)])
                elif isinstance(kid[1], str):
                    widget_keys.append((kid[1], element))
                    kids.append(
                        PDFDictionary(
                            {
                                "Type": PDFName("OBJR"),
                                "Obj": PDFObjectReference(kid[1]),
                                "Pg": page_refs[kid[0]],
                            }
                        )
                    )
                elif kid[0] == home:
                    kids.append(kid[1])
                else:
                    kids.append(
                        PDFDictionary(
                            {"Type": PDFName("MCR"), "Pg": page_refs[kid[0]], "MCID": kid[1]}
                        )
                    )
            if kids:
                entries["K"] = kids[0] if len(kids) == 1 else PDFArray(kids)
            if element.attributes:
                entries["A"] = PDFDictionary(
                    {key: PDFName(value) for key, value in element.attributes.items()}
                )
            obj.dict.update(entries)
        numbers: list[Any] = []
        for number, page in enumerate(pages):
            page.__NoDefault__ = _PAGE_KEYS
            page.StructParents = number
            page.Tabs = PDFName("S")
            marks = self.marks[number] if number < len(self.marks) else []
            numbers += [number, PDFArray([refs[id(element)] for element in marks])]
        key = len(pages)
        for name, element in widget_keys:
            annotation = document.idToObject[name]
            annotation.dict["StructParent"] = key
            numbers += [key, refs[id(element)]]
            key += 1
        root.dict.update(
            {
                "K": refs[id(self.root)],
                "ParentTree": PDFDictionary({"Nums": PDFArray(numbers)}),
                "ParentTreeNextKey": key,
            }
        )
        catalog = document.Catalog
        catalog.StructTreeRoot = root
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        catalog.Lang = PDFString(language)
        catalog.ViewerPreferences = PDFDictionary({"DisplayDocTitle": "true"})


def tagger_of(canvas: Any) -> Tagger | None:
    """The canvas's structure tree (`_NumberedCanvas.tagger` in `waivers.pdf`); None on
    a canvas that is not tagged."""
    tagger: Tagger | None = getattr(canvas, "tagger", None)
    return tagger


class TaggedParagraph(Paragraph):  # type: ignore[misc]  # reportlab has no type hints
    """A paragraph tagged as `tag` (P, H1, H2, H3, BlockQuote; LI for a list item) where
    it is drawn; inside an artifact it is not content. The parts of a paragraph split over
    two pages are one element."""

    def __init__(
        self,
        text: str | None,
        style: Any = None,
        bulletText: str | None = None,  # reportlab's names: split passes them
        frags: Any = None,
        caseSensitive: int = 1,
        encoding: str = "utf8",
        *,
        tag: str = "P",
    ) -> None:
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
        self.tag = tag
        #: the element, once drawn: shared with the parts a split makes
        self.tagged: list[Element] = []

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        parts: list[Any] = super().split(avail_width, avail_height)
        for part in parts:
            if isinstance(part, TaggedParagraph):
                part.tag = self.tag
                part.tagged = self.tagged
        return parts

    def draw(self) -> None:
        tagger = tagger_of(self.canv)
        if tagger is None or tagger.artifacts:
            super().draw()
            return
        if not self.tagged:
            parent = tagger.parents[-1]
            # a table cell's text is the cell's content: no P element in each TD
            in_cell = self.tag == "P" and parent.kind in ("TD", "TH")
            self.tagged.append(parent if in_cell else tagger.element(self.tag))
        with tagger.content(self.canv, self.tagged[0]):
            super().draw()


class TableTags(TableRenderCB):  # type: ignore[misc]  # reportlab has no type hints
    """Tags a table as it is drawn (reportlab calls this back for the table, its rows and
    cells, its shading and its rules; a table split over pages calls back one object).

    `data`: a Table of TR rows and TH/TD cells; the first `header_rows` rows are column
    headers (and, repeated on later pages, pagination artifacts); with `header_column`
    the first cell of a row heads the row. Otherwise the table only lays out text: its
    paragraphs and fields are tagged where the table stands. Shading and rules are
    artifacts; an empty text cell too.
    """

    def __init__(self, data: bool = True, header_rows: int = 0, header_column: bool = False):
        self.data = data
        self.header_rows = header_rows
        self.header_column = header_column
        self.table: Element | None = None
        self.parts = 0
        #: what each open row and cell did, to undo it at its end
        self._opened: list[str] = []

    def startTable(self, table: Any) -> None:
        tagger = tagger_of(table.canv)
        self.parts += 1
        if tagger is None or not self.data or tagger.artifacts:
            return
        if self.table is None:
            self.table = tagger.element("Table")
        tagger.enter(self.table)
        self._opened.append("enter")

    def endTable(self, table: Any) -> None:
        tagger = tagger_of(table.canv)
        if tagger is not None and self._opened and self._opened[-1] == "enter":
            self._opened.pop()
            tagger.leave()

    def startBG(self, table: Any) -> None:
        tagger = tagger_of(table.canv)
        if tagger is not None:
            tagger.begin_artifact(table.canv)

    def endBG(self, table: Any) -> None:
        tagger = tagger_of(table.canv)
        if tagger is not None:
            tagger.end_artifact(table.canv)

    startLines = startBG
    endLines = endBG

    def startRow(self, table: Any, row: int) -> None:
        tagger = tagger_of(table.canv)
        if tagger is None:
            return
        if self.data and self.parts > 1 and row < self.header_rows:
            tagger.begin_artifact(table.canv, "Header")
            self._opened.append("artifact")
        elif self.data and not tagger.artifacts:
            tagger.enter(tagger.element("TR"))
            self._opened.append("enter")
        else:
            self._opened.append("")

    def endRow(self, table: Any) -> None:
        self._undo(table)

    def startCell(
        self, table: Any, row: int, col: int, value: Any, style: Any, pos: Any, size: Any
    ) -> None:
        tagger = tagger_of(table.canv)
        if tagger is None:
            return
        drawn_text = not isinstance(value, (Flowable, list, tuple))
        if tagger.artifacts or (drawn_text and not str(value)):
            if drawn_text and not tagger.artifacts:
                tagger.begin_artifact(table.canv)
                self._opened.append("artifact")
            else:
                self._opened.append("")
            return
        if self.data:
            if self.parts == 1 and row < self.header_rows:
                cell = tagger.element("TH", O="Table", Scope="Column")
            elif self.header_column and col == 0:
                cell = tagger.element("TH", O="Table", Scope="Row")
            else:
                cell = tagger.element("TD")
        else:
            cell = tagger.element("P") if drawn_text else tagger.parents[-1]
        if drawn_text:  # a plain string the table draws itself
            tagger.begin(table.canv, cell)
            self._opened.append("content")
        elif self.data:
            tagger.enter(cell)
            self._opened.append("enter")
        else:
            self._opened.append("")

    def endCell(self, table: Any) -> None:
        self._undo(table)

    def _undo(self, table: Any) -> None:
        tagger = tagger_of(table.canv)
        if tagger is None or not self._opened:
            return
        what = self._opened.pop()
        if what == "enter":
            tagger.leave()
        elif what == "artifact":
            tagger.end_artifact(table.canv)
        elif what == "content":
            tagger.end(table.canv)
