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
