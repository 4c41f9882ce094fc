"""OS names as exports write them: damage cleaned, mobile devices told apart."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tma_audit.inventory.importers.csvfile import NULL
from tma_audit.lifecycle.products import fold

if TYPE_CHECKING:
    from tma_audit.inventory.importers.profile import Rows


_MARKS = re.compile(r"\s*(?:®|™|\(r\)|\(tm\))\s*", re.IGNORECASE)
_DAMAGE = re.compile(r"\?+")
_SPACES = re.compile(r"\s+")
_MICROSOFT = re.compile(r"^microsoft\s+(?=windows|hyper-v)", re.IGNORECASE)
_EDITION_WORD = re.compile(r"(?<!azure)\s+edition$", re.IGNORECASE)


def clean_os_name(name: str) -> str:
    """The OS name with export damage removed, for the native `os.name`.

    Marks (`®`, `™`, `(R)`), the `?` an ASCII export leaves in their place or for
    non-Latin letters, a leading `Microsoft`, a trailing `Edition` (not `Azure Edition`).
    What the name *means* is decided by :meth:`Lifecycle.recognise_os`, not here.
    """
    text = _MARKS.sub(" ", name)
    text = _DAMAGE.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    text = _MICROSOFT.sub("", text)
    text = _EDITION_WORD.sub("", text)
    return text or name.strip()


def count_missing_os(rows: Rows, cells: tuple[str, ...]) -> None:
    """How many rows state no OS: unset (a null, `"X",,`) or empty (`""`)."""
    if rows.skip.count(None) != rows.n:  # leave rows of blanks out of the count
        cells = tuple(c for c, skip in zip(cells, rows.skip, strict=True) if skip is None)
    nulls, empties = cells.count(NULL), cells.count("")
    if nulls or empties:
        header = rows.headers.get("os.name", "os.name")
        rows.report.notes.append(
            f"{nulls + empties:,} row(s) state no {header} ({nulls:,} unset, {empties:,} "
            "empty); a server, desktop or notebook without an OS is audited as unknown"
        )


def clean_os_names(rows: Rows) -> None:
    names = rows.col("os.name")
    cleaned: dict[str | None, str | None] = {None: None}
    changed: list[str] = []
    for name in set(names):
        if name is None:
            continue
        clean = clean_os_name(name)
        cleaned[name] = clean
        if clean != name:
            changed.append(name)
    if changed:
        rows.put("os.name", list(map(cleaned.__getitem__, names)))
        examples = "; ".join(f"{n!r} -> {cleaned[n]!r}" for n in sorted(changed)[:3])
        more = f" (and {len(changed) - 3} more)" if len(changed) > 3 else ""
        rows.report.notes.append(f"OS names cleaned of marks and damage: {examples}{more}")


_MOBILE = re.compile(
    r"^(?:ios|ipados|ios ipados|iphone|ipad|android\w*|tvos|watchos|visionos"
    r"|windows phone|windows mobile|blackberry)\b"
)


def is_mobile_os(name: str) -> bool:
    return bool(_MOBILE.match(fold(name)))
