"""The fonts a draft embeds: DejaVu Sans, and Droid Sans Fallback for CJK.

Both ship in `tma_audit/waivers/fonts/` (licences and sources in NOTICE.md there), so a
draft does not depend on the machine's fonts. Each character is set in the first font
that has a glyph for it; a character that no shipped font has is recorded, and the CLI
warns about it: text never silently turns into boxes.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SANS = "TMA-Sans"
SANS_BOLD = "TMA-Sans-Bold"
CJK = "TMA-CJK"
FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    CJK: "DroidSansFallback.ttf",
}

_glyphs: dict[str, frozenset[int] | dict[int, int]] = {}


def _font(name: str) -> dict[int, int] | frozenset[int]:
    """Register a shipped font once per process; its character-to-glyph map."""
    glyphs = _glyphs.get(name)
    if glyphs is None:
        font = TTFont(name, str(FONT_DIR / FILES[name]))
        pdfmetrics.registerFont(font)
        glyphs = _glyphs[name] = font.face.charToGlyph
        if name in (SANS, SANS_BOLD) and SANS in _glyphs and SANS_BOLD in _glyphs:
            pdfmetrics.registerFontFamily(
                SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD
            )
    return glyphs


def register_base_fonts() -> None:
    """DejaVu Sans regular and bold (the CJK font is registered when first needed)."""
    _font(SANS)
    _font(SANS_BOLD)


class FontRuns:
    """Splits text into runs by the font that can draw them; remembers what none can."""

    def __init__(self) -> None:
        register_base_fonts()
        self.missing: set[str] = set()

    def font_for(self, char: str, base: str = SANS) -> str:
        code = ord(char)
        if code in _font(base):
            return base
        if code in _font(CJK):
            return CJK
        if not char.isspace():
            self.missing.add(char)
        return base

    def runs(self, text: str, base: str = SANS) -> list[tuple[str, str]]:
        """[(font name, text)] covering `text` in order."""
        if text.isascii():
            return [(base, text)] if text else []
        out: list[tuple[str, str]] = []
        for char in text:
            font = self.font_for(char, base)
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + char)
            else:
                out.append((font, char))
        return out

    def markup(self, text: str, bold: bool = False) -> str:
        """Paragraph markup for plain text: escaped, with fallback-font runs tagged."""
        base = SANS_BOLD if bold else SANS
        if text.isascii():
            body = escape(text)
        else:
            body = "".join(
                escape(chunk) if font == base else f'<font name="{font}">{escape(chunk)}</font>'
                for font, chunk in self.runs(text, base)
            )
        return f"<b>{body}</b>" if bold else body
