"""Escaping for XML and HTML text and attributes: every inventory value goes through here."""

from __future__ import annotations

import re

# Characters XML 1.0 does not allow at all (C0 controls but tab, LF, CR; surrogates;
# U+FFFE/U+FFFF) become U+FFFD. The inventory loader rejects control characters, but
# reasons and evidence may quote other sources: never let one make the document
# unreadable. (`str.replace` chains: far faster than `translate` on clean text.)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(value: str) -> str:
    """The text without characters XML cannot carry (each becomes U+FFFD)."""
    return _ILLEGAL.sub("\ufffd", value) if _ILLEGAL.search(value) else value


def text(value: str) -> str:
    """Escaped for element content (XML or HTML)."""
    return clean(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(value: str) -> str:
    """Escaped for a double- or single-quoted attribute value (XML or HTML)."""
    return (
        clean(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def html_head(title: str, csp: str, style: str) -> list[str]:
    """A self-contained page's opening up to `<body>`: UTF-8, a viewport for phones, the
    Content-Security-Policy, the escaped title and the inlined stylesheet."""
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{attr(csp)}">',
        f"<title>{text(title)}</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
    ]
