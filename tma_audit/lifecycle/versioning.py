"""Ordering vendor versions with `packaging.version` (PEP 440), cached per distinct text.

Software, firmware and Microsoft product builds are dotted numbers ("7.2.10",
"15.0.4160.1"), often with vendor noise around them ("v7.4.1-build2463",
"7.4.0build2571"). `dotted_version` takes the leading dotted number and orders it as
PEP 440 does, so "7.2.10" > "7.2.9" and "7.2" == "7.2.0". The noise after it (a FortiOS
build tag) is not part of the order: a release's build number follows from its version.

Windows builds are not read here: "10.0 (17763)", "22H2", "19045.6456" and the NT
version/build/revision split are no PEP 440 versions and need their own parser
(`tma_audit.lifecycle.windows.versions`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from packaging.version import InvalidVersion, Version

from tma_audit.limits import MAX_INT_DIGITS

_LEADING = re.compile(r"(?<![\w.])v?(\d+(?:\.\d+)*)", re.ASCII)
#: what orders below every version: a release without a known build
NO_VERSION = Version("0")


@lru_cache(maxsize=65536)
def dotted_version(text: str | None) -> Version | None:
    """The first dotted number in `text` as a `Version`; None when there is none.

    Parts after one of more than MAX_INT_DIGITS digits are left out (int() refuses
    more than 4,300 digits, and no real version part has more than a few)."""
    if not text:
        return None
    match = _LEADING.search(text)
    if match is None:
        return None
    parts: list[str] = []
    for part in match.group(1).split("."):
        if len(part) > MAX_INT_DIGITS:
            break
        parts.append(part)
    if not parts:
        return None
    try:
        return Version(".".join(parts))
    except InvalidVersion:  # cannot happen for digits and dots; kept as "no version"
        return None


def release_of(version: Version | None) -> tuple[int, ...]:
    """The numbers of a version, () for none."""
    return version.release if version is not None else ()
