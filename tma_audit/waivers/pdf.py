"""Render a waiver draft to PDF bytes with reportlab. Pure: returns content, writes nothing.

Layout (A4 or US letter, portrait): a header on every page with the provider, the
document ID, its version and DRAFT; a footer with the client, the draft notice and
"Page X of Y"; a light DRAFT watermark. Then: parties, the clause the waiver rests on,
the audit, the affected assets, one row per finding (tables repeat their header row on
every page), the requirements and risks accepted, the effect on the Services, the
client's acknowledgement, compensating controls, expiry, and signature blocks.

Tagged (`waivers.tagging`): headings, paragraphs, quotes, lists, tables with header cells
and form fields in a structure tree; page furniture as artifacts.

Deterministic: reportlab's invariant mode, the audit date as the creation date, and a
document fingerprint derived from the content only: the same draft gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from tma_audit.errors import WaiverError
from tma_audit.model import Outcome, Payer, Rule, SubjectType
from tma_audit.plan import needs_purchase, payer_of
from tma_audit.waivers.drafts import DraftDocument, DraftRow
from tma_audit.waivers.fonts import SANS, SANS_BOLD, FontRuns
from tma_audit.waivers.settings import DraftSettings
from tma_audit.waivers.tagging import TableTags, TaggedParagraph, Tagger, tagger_of

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#52606D")
RULE = colors.HexColor("#C5CCD6")
HEAD = colors.HexColor("#2F3B4C")
ZEBRA = colors.HexColor("#F3F5F8")
NOTICE = colors.HexColor("#FFF4D6")
PAYERS = {
    Payer.CLIENT_PURCHASE: "client purchase (Schedule C)",
    Payer.PROJECT: "project, billed separately (Schedule B)",
    Payer.MINOR_CHANGE: "minor change, included in the Services",
}


def abbreviated(document: DraftDocument) -> bool:
    """Whether the PDF leaves items or texts out (the CSV beside it lists them all)."""
    return len(document.assets) > ASSET_ROWS or any(
        len(row.items) > HOSTS_SHOWN or len(row.reasons) > REASONS_SHOWN for row in document.rows
    )


def who_pays(rule: Rule) -> str:
    """Who pays, as the remediation plan decides it (over 4 hours is a project)."""
    payer = payer_of(rule)
    text = PAYERS[payer]
    if payer == Payer.PROJECT and needs_purchase(rule):
        text += ", plus the client's purchase"
    hours = rule.remediation.effort_hours
    return text + (f"; about {hours:g} h per item" if hours else "")


MARGIN = 18 * mm
#: a findings row names this many items, then "and N more" (all are in the CSV)
HOSTS_SHOWN = 5
#: a findings row quotes this many of its exact texts (each item's own is in the CSV)
REASONS_SHOWN = 2
#: the affected-assets table lists this many, then points to the CSV
ASSET_ROWS = 50


class _Cell(TaggedParagraph):
    """A table cell's paragraph, laid out once per width.

    Tables wrap every cell several times (to size rows, to split across pages, to
    draw); a cell's lines depend only on its width, and tables never split a cell, so
    the repeats are skipped: drafts with 1,000 findings render about twice as fast.
    """

    _wrapped_width: float | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self._wrapped_width == avail_width and "blPara" in self.__dict__:
            return self.width, self.height
        size: tuple[float, float] = super().wrap(avail_width, avail_height)
        self._wrapped_width = avail_width
        return size


class _FormField(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A fillable text field (AcroForm) where a name, title, signature or date goes.

    Plain text fields: a signature field (/FT /Sig) needs a signing tool; a typed name
    in a text field is what a client can fill in any PDF reader.
    """

    def __init__(self, name: str, tooltip: str, width: float, height: float, value: str = ""):
        super().__init__()
        self.name = name
        self.tooltip = tooltip
        self.field_width = width
        self.field_height = height
        self.value = value

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.field_width, self.field_height

    def draw(self) -> None:
        self.canv.acroForm.textfield(
            name=self.name,
            tooltip=self.tooltip,
            value=self.value,
            x=0,
            y=0,
            width=self.field_width,
            height=self.field_height,
            relative=True,
            borderWidth=0,
            fillColor=colors.HexColor("#EEF3FA"),
            textColor=INK,
            fontSize=9,
            maxlen=200,
        )
        tagger = tagger_of(self.canv)
        if tagger is not None:
            tagger.widget(self.canv)


def _style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A table style whose empty cells are set in the embedded font too (not Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), *commands])


@dataclass(frozen=True, slots=True)
class RenderedDraft:
    data: bytes
    pages: int
    #: characters that no shipped font can draw (the CLI warns about them)
    missing_glyphs: frozenset[str]


def render_pdf(
    document: DraftDocument,
    settings: DraftSettings,
    tool_version: str,
    *,
    form_fields: bool = False,
) -> RenderedDraft:
    """The draft as PDF; `form_fields` adds fillable fields for the signatories' names,
    titles, signatures and dates (and the client's compensating controls)."""
    return _Renderer(document, settings, tool_version, form_fields).render()


class _Styles:
    def __init__(self) -> None:
        base = ParagraphStyle(
            "body", fontName=SANS, bulletFontName=SANS, fontSize=9, leading=12.2, textColor=INK
        )
        self.body = base
        self.title = ParagraphStyle("title", base, fontName=SANS_BOLD, fontSize=18, leading=22)
        self.subtitle = ParagraphStyle("subtitle", base, fontSize=10, leading=13, textColor=MUTED)
        self.h2 = ParagraphStyle(
            "h2",
            base,
            fontName=SANS_BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=9,
            spaceAfter=4,
            keepWithNext=1,  # never alone at the foot of a page
        )
        self.quote = ParagraphStyle("quote", base, leftIndent=12, textColor=MUTED)
        self.bullet = ParagraphStyle("bullet", base, leftIndent=12, bulletIndent=2)
        self.cell = ParagraphStyle("cell", base, fontSize=7.6, leading=9.4)
        self.head = ParagraphStyle("head", self.cell, fontName=SANS_BOLD, textColor=colors.white)
        self.label = ParagraphStyle("label", base, fontName=SANS_BOLD, textColor=MUTED)


class _Renderer:
    def __init__(
        self,
        document: DraftDocument,
        settings: DraftSettings,
        tool_version: str,
        form_fields: bool = False,
    ):
        self.form_fields = form_fields
        self.doc = document
        self.settings = settings
        self.tool_version = tool_version
        self.fonts = FontRuns()
        self.styles = _Styles()
        result = document.result
        provider = settings.provider
        self.values = {
            "provider": provider.legal_name,
            "client": result.client.name,
            "client_contact": result.client.contact or "",
            "audit_date": result.as_of.isoformat(),
            "expires": document.expires.isoformat(),
            "ruleset": f"{result.ruleset.id} {result.ruleset.version}",
            "document_id": document.document_id,
            "version": str(document.version),
            "finding_count": str(len(document.items)),
            "item_count": str(len(document.entries)),
            "scope": document.scope_label,
        }
        self.page_size = LETTER if settings.page_size == "letter" else A4
        self.width = self.page_size[0] - 2 * MARGIN

    # --- text helpers --------------------------------------------------------------

    def text(self, value: str, bold: bool = False) -> str:
        return self.fonts.markup(value, bold)

    def wording(self, key: str) -> str:
        return self.settings.wording.render(key, self.values)

    def para(
        self,
        value: str,
        style: ParagraphStyle | None = None,
        bold: bool = False,
        tag: str = "P",
    ) -> TaggedParagraph:
        return TaggedParagraph(self.text(value, bold), style or self.styles.body, tag=tag)

    def paragraphs(self, key: str) -> list[Flowable]:
        """A wording text: blank lines separate paragraphs, "- " starts a bullet."""
        out: list[Flowable] = []
        for block in self.wording(key).split("\n\n"):
            lines = [line.strip() for line in block.strip().splitlines()]
            if not any(lines):
                continue
            bullets: list[list[str]] = []
            plain: list[str] = []
            for line in lines:
                if line.startswith("- "):
                    bullets.append([line[2:]])
                elif bullets:
                    bullets[-1].append(line)
                else:
                    plain.append(line)
            if plain:
                out.append(self.para(" ".join(plain)))
                out.append(Spacer(1, 3))
            for bullet in bullets:
                out.append(
                    TaggedParagraph(
                        self.text(" ".join(bullet)), self.styles.bullet, bulletText="•", tag="LI"
                    )
                )
            if bullets:
                out.append(Spacer(1, 3))
        return out

    def heading(self, number: int, key: str) -> TaggedParagraph:
        text = self.text(f"{number}. {self.wording(key)}")
        return TaggedParagraph(text, self.styles.h2, tag="H2")

    def cell(self, value: str, bold: bool = False) -> TaggedParagraph:
        return _Cell(self.text(value, bold), self.styles.cell)

    # --- the document --------------------------------------------------------------

    def render(self) -> RenderedDraft:
        import io

        story = self.story()
        buffer = io.BytesIO()
        pages: list[int] = []
        frame = Frame(
            MARGIN,
            MARGIN + 4 * mm,
            self.width,
            self.page_size[1] - 2 * MARGIN - 10 * mm,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        result = self.doc.result
        template = BaseDocTemplate(
            buffer,
            pagesize=self.page_size,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"{self.wording('title')} {self.doc.document_id}: {result.client.name}",
            author=self.settings.provider.legal_name,
            subject=self.wording("subtitle"),
            creator=f"tma-audit {self.tool_version}",
            invariant=1,
            # otherwise every page starts in Helvetica, a font the PDF would not embed
            initialFontName=SANS,
            pageTemplates=[PageTemplate(id="page", frames=[frame], onPage=self.decorate)],
        )
        stamp = "D:" + result.as_of.strftime("%Y%m%d") + "000000+00'00'"
        seed = f"tma-audit waiver draft {self.doc.document_id} {self.doc.version}"
        a85, rl_config.useA85 = rl_config.useA85, 0  # binary streams: smaller and faster
        try:
            template.build(
                story,
                canvasmaker=partial(
                    _NumberedCanvas,
                    date_stamp=stamp,
                    seed=seed.encode("utf-8"),
                    footer=self.page_number,
                    pages=pages,
                    language=self.settings.language,
                ),
            )
        except LayoutError:
            # a table row taller than a page: some text thousands of characters long
            raise WaiverError(
                f"waiver draft {self.doc.document_id} cannot be laid out: a text in it is "
                "too long for one page (a host name, compensating control or address "
                "thousands of characters long?); shorten it"
            ) from None
        finally:
            rl_config.useA85 = a85
        return RenderedDraft(
            buffer.getvalue(), pages[0] if pages else 0, frozenset(self.fonts.missing)
        )

    def story(self) -> list[Flowable]:
        doc = self.doc
        s = self.styles
        story: list[Flowable] = [
            self.para(self.wording("title"), s.title, tag="H1"),
            Spacer(1, 2),
            self.para(self.wording("subtitle"), s.subtitle),
            Spacer(1, 6),
            self.notice(),
            self.heading(1, "heading_parties"),
            self.parties(),
            self.heading(2, "heading_basis"),
            *self.paragraphs("basis"),
            self.quote(self.wording("basis_clause_ref"), self.wording("basis_clause")),
            self.heading(3, "heading_audit"),
            self.audit_table(),
            Spacer(1, 5),
            *self.paragraphs("audit_intro"),
            *self.with_table_start(
                [self.heading(4, "heading_assets")], self.assets_table(1), self.assets_table()
            ),
            *self.with_table_start(
                [
                    self.heading(5, "heading_findings"),
                    *self.paragraphs("findings_note"),
                    *self.listing_note(),
                ],
                self.findings_table(1),
                self.findings_table(),
            ),
        ]
        # the heading goes into the first rule's block: a KeepTogether is a container,
        # which keepWithNext does not reach into
        heading: list[Flowable] = [self.heading(6, "heading_risks")]
        for rule in doc.rules:
            block: list[Flowable] = [
                *heading,
                self.para(
                    f"{rule.id}: {rule.title} (impact {rule.impact.value})", bold=True, tag="H3"
                ),
            ]
            heading = []
            for clause in rule.clauses:
                block.append(self.quote(clause.ref, clause.text))
            block.append(self.labelled("Risk accepted", rule.waiver_text))
            block.append(
                self.labelled("Remediation", f"{rule.remediation.text} Who pays: {who_pays(rule)}.")
            )
            block.append(Spacer(1, 5))
            story.append(KeepTogether(block))
        story += heading
        story += [
            self.heading(7, "heading_effect"),
            *self.paragraphs("effect_on_services"),
            self.heading(8, "heading_acknowledgement"),
            *self.paragraphs("acknowledgement"),
            KeepTogether(
                [
                    self.heading(9, "heading_controls"),
                    *self.paragraphs("controls_intro"),
                    self.controls(),
                ]
            ),
            KeepTogether(
                [
                    self.heading(10, "heading_expiry"),
                    *self.paragraphs("expiry"),
                    self.para(f"Expiry / review date: {doc.expires.isoformat()}", bold=True),
                ]
            ),
            KeepTogether(
                [
                    self.heading(11, "heading_signatures"),
                    *self.paragraphs("signatures_intro"),
                    Spacer(1, 4),
                    self.signatures(),
                ]
            ),
        ]
        return story

    def listing_note(self) -> list[Flowable]:
        if not abbreviated(self.doc):
            return []
        return [
            self.para(
                "One row per kind of finding, with the items it was found on. Every item, "
                f"with its exact finding, is listed in {self.doc.csv_name} (CSV), sent with "
                "this document and part of it."
            ),
            Spacer(1, 3),
        ]

    def notice(self) -> Table:
        text = f"{self.wording('draft_mark')}: {self.wording('draft_notice')}"
        table = Table(
            [[self.para(text, bold=True)]], colWidths=[self.width], renderCB=TableTags(data=False)
        )
        table.setStyle(
            _style(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), NOTICE),
                    ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#E0B84C")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        return table

    def quote(self, ref: str, text: str) -> Table:
        body = f"{self.text(ref, bold=True)}<br/>{self.text(chr(0x201C) + text + chr(0x201D))}"
        table = Table(
            [[_Cell(body, self.styles.quote, tag="BlockQuote")]],
            colWidths=[self.width],
            renderCB=TableTags(data=False),
        )
        table.setStyle(
            _style(
                [
                    ("LINEBEFORE", (0, 0), (0, -1), 2, RULE),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        return table

    def labelled(self, label: str, text: str) -> TaggedParagraph:
        return TaggedParagraph(
            f"{self.text(label, bold=True)}: {self.text(text)}", self.styles.body
        )

    def key_values(self, rows: list[tuple[str, str]]) -> Table:
        data = [
            [_Cell(self.text(k), self.styles.label), _Cell(self.text(v), self.styles.body)]
            for k, v in rows
        ]
        table = Table(
            data,
            colWidths=[38 * mm, self.width - 38 * mm],
            renderCB=TableTags(header_column=True),
        )
        table.setStyle(
            _style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                ]
            )
        )
        return table

    def parties(self) -> Table:
        provider = self.settings.provider
        client = self.doc.result.client
        provider_text = "; ".join([provider.legal_name, *provider.address])
        if provider.contact:
            provider_text += f"; {provider.contact}"
        sites = ", ".join(site.name for site in client.sites)
        client_text = client.name + (f"; sites: {sites}" if sites else "")
        return self.key_values(
            [
                ("Provider", provider_text),
                ("Client", client_text),
                ("Client contact", client.contact or "(not stated in the inventory)"),
            ]
        )

    def audit_table(self) -> Table:
        result = self.doc.result
        data = result.data
        updates = (
            f"; Windows updates to {data.updates_date.isoformat()}" if data.updates_date else ""
        )
        ruleset = result.ruleset
        title = f": {ruleset.title}" if ruleset.title else ""
        return self.key_values(
            [
                ("Document", f"{self.doc.document_id}, version {self.doc.version}"),
                ("This waiver covers", self.doc.scope_label),
                ("Audit date", result.as_of.isoformat()),
                ("Ruleset", f"{ruleset.id} {ruleset.version}{title}"),
                ("Lifecycle data", f"{data.date.isoformat()} ({data.origin}){updates}"),
                ("Inventory", ", ".join(result.inventory_sources) or "(not recorded)"),
                ("Expiry / review", self.doc.expires.isoformat()),
            ]
        )

    def grid(self, header: list[str], rows: list[list[Flowable]], widths: list[float]) -> Table:
        data: list[list[Any]] = [[_Cell(self.text(h), self.styles.head) for h in header]]
        data.extend(rows)
        table = LongTable(data, colWidths=widths, repeatRows=1, renderCB=TableTags(header_rows=1))
        table.setStyle(
            _style(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, ZEBRA]),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    def with_table_start(self, intro: list[Flowable], start: Table, table: Table) -> list[Flowable]:
        """A heading and its intro, never alone at the foot of a page: a page break first
        unless they fit with the table's header and first row (`start`)."""
        height = 0.0
        for flowable in [*intro, start]:
            height += flowable.wrap(self.width, self.page_size[1])[1]
            height += flowable.getSpaceBefore() + flowable.getSpaceAfter()
        return [CondPageBreak(height + 1), *intro, table]

    def assets_table(self, limit: int = ASSET_ROWS) -> Table:
        """The affected assets, the first `limit` of them (and how many more)."""
        assets = self.doc.assets
        limit = min(limit, ASSET_ROWS)
        rows: list[list[Any]] = [
            [
                self.cell(a.name, bold=True),
                self.cell(a.kind),
                self.cell(a.os or "—"),
                self.cell(a.site or "—"),
            ]
            for a in assets[:limit]
        ]
        more_rows = limit == ASSET_ROWS and len(assets) > ASSET_ROWS
        if more_rows:
            more = (
                f"… and {len(assets) - ASSET_ROWS:,} more: all {len(assets):,} are listed "
                f"in {self.doc.csv_name}, sent with this document"
            )
            rows.append([self.cell(more, bold=True), "", "", ""])
        w = self.width
        table = self.grid(
            ["Host name / item", "Kind", "OS / firmware", "Site"],
            rows,
            [0.26 * w, 0.22 * w, 0.32 * w, 0.20 * w],
        )
        if more_rows:
            table.setStyle(TableStyle([("SPAN", (0, -1), (-1, -1))]))
        return table

    def findings_table(self, limit: int | None = None) -> Table:
        w = self.width
        return self.grid(
            [
                "#",
                "Items",
                "Rule and clause",
                "Found, and what is required",
                "Risk and priority",
                "Remediation and who pays",
            ],
            [self.finding_row(row) for row in self.doc.rows[:limit]],
            [0.035 * w, 0.17 * w, 0.165 * w, 0.27 * w, 0.11 * w, 0.25 * w],
        )

    def finding_row(self, row: DraftRow) -> list[Flowable]:
        t = self.text
        subjects = row.subjects
        shown = []
        for subject in subjects[:HOSTS_SHOWN]:
            if len(subjects) > 1:  # a list of names; each one's kind and site in the CSV
                shown.append(t(subject.id, bold=True))
                continue
            kind = (
                subject.kind if subject.type in (SubjectType.ASSET, SubjectType.SOFTWARE) else None
            )
            where = [kind.value if kind is not None else subject.type.value]
            if subject.site and subject.site != subject.id:
                where.append(subject.site)
            shown.append(f"{t(subject.id, bold=True)} ({t(', '.join(where))})")
        if len(subjects) > HOSTS_SHOWN:
            shown.append(t(f"and {len(subjects) - HOSTS_SHOWN:,} more (CSV)"))
        count = f"{len(subjects):,} item{'' if len(subjects) == 1 else 's'}"
        item_cell = f"{t(count, bold=True)}<br/>" + ", ".join(shown)
        rule_cell = "<br/>".join(
            f"{t(rule.id, bold=True)}<br/>{t('; '.join(c.ref for c in rule.clauses))}"
            for rule in row.rules
        )
        found = "Found (evidence missing)" if row.outcome == Outcome.UNKNOWN else "Found"
        required = "<br/>".join(
            f"{t('Required', bold=True)}: {t(rule.title)}"
            for rule in row.rules
            if rule.title not in {r.title for r in row.rules[: row.rules.index(rule)]}
        )
        texts = [
            t(reason) + (f" ({count:,})" if len(row.reasons) > 1 else "")
            for reason, count in row.reasons[:REASONS_SHOWN]
        ]
        if len(row.reasons) > REASONS_SHOWN:
            texts.append(t(f"and {len(row.reasons) - REASONS_SHOWN:,} more variants (CSV)"))
        found_cell = f"{t(found, bold=True)}: {'<br/>'.join(texts)}<br/>{required}"
        first = row.rules[0]
        risk_cell = (
            f"{t(row.priority.label + ' ' + row.priority.name, bold=True)}<br/>"
            f"impact {first.impact.value}, urgency {row.urgency.value}"
        )
        pay_cell = (
            f"{t(first.remediation.text)}<br/>{t('Who pays', bold=True)}: {t(who_pays(first))}"
        )
        style = self.styles.cell
        return [
            _Cell(str(row.number), style),
            _Cell(item_cell, style),
            _Cell(rule_cell, style),
            _Cell(found_cell, style),
            _Cell(risk_cell, style),
            _Cell(pay_cell, style),
        ]

    def controls(self) -> Table:
        rows: list[list[Any]]
        style: list[tuple[Any, ...]]
        if self.doc.controls:
            rows = [
                [TaggedParagraph(self.text(c), self.styles.bullet, bulletText="•", tag="LI")]
                for c in self.doc.controls
            ]
            style = [("LEFTPADDING", (0, 0), (-1, -1), 0)]
        elif self.form_fields:
            lines = max(1, self.settings.control_lines)
            rows = [
                [_FormField(f"control_{n}", "A compensating control", self.width, 16)]
                for n in range(1, lines + 1)
            ]
            style = [
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, MUTED),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        else:
            lines = max(1, self.settings.control_lines)
            rows = [[""] for _ in range(lines)]
            style = [("LINEBELOW", (0, 0), (-1, -1), 0.5, MUTED)]
        table = Table(
            rows,
            colWidths=[self.width],
            rowHeights=None if self.doc.controls else 18,
            renderCB=TableTags(data=False),
        )
        table.setStyle(_style(style))
        return table

    def signatures(self) -> Table:
        provider = self.settings.provider
        client = self.doc.result.client
        half = self.width / 2
        label_w = 20 * mm
        t = self.text
        s = self.styles

        def head(who: str, name: str) -> TaggedParagraph:
            return TaggedParagraph(f"{t(who, bold=True)}<br/>{t(name)}", s.body)

        field_width = half - label_w - 6 * mm - 2

        def value(text: str | None, who: str = "", what: str = "") -> Flowable | str:
            if self.form_fields and who:
                tip = f"{what.capitalize()} of the signatory for the {who}"
                return _FormField(f"{who}_{what}", tip, field_width, 16, text or "")
            return TaggedParagraph(t(text), s.body) if text else ""

        rows: list[list[Any]] = [
            [
                head("For the Provider", provider.legal_name),
                "",
                head("For the Client", client.name),
                "",
            ],
            [
                self.para("Name", s.label),
                value(provider.signatory_name, "provider", "name"),
                self.para("Name", s.label),
                value(None, "client", "name"),
            ],
            [
                self.para("Title", s.label),
                value(provider.signatory_title, "provider", "title"),
                self.para("Title", s.label),
                value(None, "client", "title"),
            ],
            [
                self.para("Signature", s.label),
                value(None, "provider", "signature"),
                self.para("Signature", s.label),
                value(None, "client", "signature"),
            ],
            [
                self.para("Date", s.label),
                value(None, "provider", "date"),
                self.para("Date", s.label),
                value(None, "client", "date"),
            ],
        ]
        table = Table(
            rows,
            colWidths=[label_w, half - label_w - 6 * mm, label_w + 6 * mm, half - label_w - 6 * mm],
            rowHeights=[None, 20, 20, 34, 20],
            renderCB=TableTags(data=False),
        )
        table.setStyle(
            _style(
                [
                    ("SPAN", (0, 0), (1, 0)),
                    ("SPAN", (2, 0), (3, 0)),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LINEBELOW", (1, 1), (1, -1), 0.6, INK),
                    ("LINEBELOW", (3, 1), (3, -1), 0.6, INK),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("LEFTPADDING", (2, 0), (2, -1), 6 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return table

    # --- page decoration ------------------------------------------------------------

    def draw(
        self,
        canvas: Canvas,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        align: str = "left",
    ) -> None:
        base = SANS_BOLD if bold else SANS
        runs = self.fonts.runs(text, base)
        if align != "left":
            width = sum(canvas.stringWidth(chunk, font, size) for font, chunk in runs)
            x -= width if align == "right" else width / 2
        for font, chunk in runs:
            canvas.setFont(font, size)
            canvas.drawString(x, y, chunk)
            x += canvas.stringWidth(chunk, font, size)

    def decorate(self, canvas: _NumberedCanvas, _doc: object) -> None:
        """Header, footer and watermark of every page (the page number comes last): page
        furniture, artifacts to a screen reader."""
        width, height = self.page_size
        mark = self.wording("draft_mark")
        tagger = canvas.tagger
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#E9ECF1"))
        canvas.translate(width / 2, height / 2)
        canvas.rotate(45)
        with tagger.artifact(canvas, "Watermark"):
            self.draw(canvas, 0, -30, mark, 110, bold=True, align="center")
        canvas.restoreState()
        canvas.saveState()
        top = height - MARGIN + 2 * mm
        with tagger.artifact(canvas, "Header"):
            canvas.setFillColor(MUTED)
            self.draw(canvas, MARGIN, top, self.settings.provider.legal_name, 8)
            canvas.setFillColor(INK)
            head = f"{self.doc.document_id} · version {self.doc.version} · {mark}"
            self.draw(canvas, width - MARGIN, top, head, 8, bold=True, align="right")
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.line(MARGIN, top - 2.5 * mm, width - MARGIN, top - 2.5 * mm)
        with tagger.artifact(canvas, "Footer"):
            canvas.line(MARGIN, MARGIN, width - MARGIN, MARGIN)
            canvas.setFillColor(MUTED)
            bottom = MARGIN - 4 * mm
            client = self.doc.result.client.name
            self.draw(canvas, MARGIN, bottom, f"{self.wording('title')}: {client}", 7)
            notice = self.wording("draft_notice")
            self.draw(canvas, width / 2, bottom - 3.5 * mm, notice, 7, align="center")
        canvas.restoreState()

    def page_number(self, canvas: _NumberedCanvas, page: int, total: int) -> None:
        width = self.page_size[0]
        canvas.saveState()
        canvas.setFillColor(MUTED)
        with canvas.tagger.artifact(canvas, "Footer"):
            text = f"Page {page} of {total}"
            self.draw(canvas, width - MARGIN, MARGIN - 4 * mm, text, 7, align="right")
        canvas.restoreState()


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """A canvas that holds pages back until the end, to print "Page X of Y" on each.

    Also makes the output reproducible: the audit date as creation date, and the file
    fingerprint seeded from the document, not the clock or SOURCE_DATE_EPOCH; and tagged:
    the structure tree drawn into it (`tagger`) is written with it.
    """

    def __init__(
        self,
        *args: Any,
        date_stamp: str,
        seed: bytes,
        footer: Callable[[_NumberedCanvas, int, int], None],
        pages: list[int],
        language: str,
        **kwargs: Any,
    ) -> None:
        kwargs["invariant"] = 1
        super().__init__(*args, **kwargs)
        self.setDateFormatter(lambda *_parts: date_stamp)
        document = getattr(self, "_doc", None)
        if document is not None and hasattr(document, "signature"):
            document.signature = hashlib.md5(seed, usedforsecurity=False)
        self._footer = footer
        self._pages_out = pages
        self._language = language
        self._held: list[dict[str, Any]] = []
        self.tagger = Tagger()

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()
        self.tagger.next_page()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._footer(self, number, total)
            Canvas.showPage(self)
        self.tagger.write(self._doc, self._doc.Pages.pages, self._language)
        self._pages_out.append(total)
        Canvas.save(self)
