"""Text from files and the network made safe to print on a terminal.

A rule title, a host name, a waiver id or a mirror's licence can carry escape
sequences (colours, a changed window title, OSC 8 links, a cleared screen), a
carriage return that overwrites what was printed, or bidirectional controls that
show text in another order than it is (U+202E). Everything tma-audit prints for
people goes through `for_terminal` at the point where data becomes output; the
rich-rendered reports also turn markup off, so `[bold]` in a title stays text.
"""

from __future__ import annotations

import re

#: C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional
#: marks, embeddings, overrides and isolates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: str) -> str:
    """`text` without control characters (but tab and line feed) or bidi controls."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub("", text)
