"""Windows version and build columns as exports write them, and the order of generations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tma_audit.lifecycle.records import OsFamily


@dataclass(frozen=True, slots=True)
class WinVersion:
    """What a version or build column says: NT version, build, revision, feature release."""

    nt: tuple[int, int] | None = None
    build: int | None = None
    revision: int | None = None
    feature: str | None = None


FEATURE = re.compile(r"\b(\d\d[hH][12])\b", re.ASCII)
CLIENT_FEATURES = frozenset(
    {"1507", "1511", "1607", "1703", "1709", "1803", "1809", "1903", "1909", "2004"}
)
# Numbers of at most 15 digits (tma_audit.limits.MAX_INT_DIGITS): int() refuses more
# than 4,300, and no version part has more than a few.
_PAREN = re.compile(r"^(\d{1,15})\.(\d{1,15})\s*\((\d{1,15})\)", re.ASCII)
_DOTTED = re.compile(r"^(\d{1,15})\.(\d{1,15})(?:\.(\d{1,15}))?(?:\.(\d{1,15}))?$", re.ASCII)
_OS_BUILD = re.compile(r"\bos build (\d{4,5})(?:\.(\d{1,15})(?!\d))?", re.ASCII)
_BARE_BUILD = re.compile(r"[0-9]{4,5}")
_R2_SUFFIX = re.compile(r"\s*[-_]?\s*r2$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def parse_version(text: str | None) -> WinVersion:
    """``10.0 (17763)``, ``10.0.19045.6456``, ``6.3.9600``, ``6.1``, ``22H2``, ``19045.6456``."""
    if not text:
        return WinVersion()
    value = text.strip().lower()
    feature_match = FEATURE.search(value)
    feature = feature_match.group(1).upper() if feature_match else None
    if feature is None and value in CLIENT_FEATURES:
        return WinVersion(feature=value)
    paren = _PAREN.match(value)
    if paren:
        major, minor, build = (int(g) for g in paren.groups())
        return WinVersion(nt=(major, minor), build=build, feature=feature)
    os_build = _OS_BUILD.search(value)
    if os_build:
        revision = int(os_build.group(2)) if os_build.group(2) else None
        return WinVersion(build=int(os_build.group(1)), revision=revision, feature=feature)
    dotted = _DOTTED.match(value)
    if dotted:
        found = _dotted_version([int(g) for g in dotted.groups() if g is not None], feature)
        if found is not None:
            return found
    if _BARE_BUILD.fullmatch(value) and int(value) >= 2000 and value not in CLIENT_FEATURES:
        return WinVersion(build=int(value), feature=feature)
    return WinVersion(feature=feature)


def _dotted_version(parts: list[int], feature: str | None) -> WinVersion | None:
    """``10.0.19045.6456``, ``6.3.9600``, ``19045.6456``, ``6.1``; None: none of those."""
    if len(parts) >= 3 and parts[0] in (5, 6, 10) and parts[1] <= 3:
        return WinVersion(
            nt=(parts[0], parts[1]),
            build=parts[2],
            revision=parts[3] if len(parts) > 3 else None,
            feature=feature,
        )
    if len(parts) == 2 and parts[0] >= 1000:  # 19045.6456
        return WinVersion(build=parts[0], revision=parts[1], feature=feature)
    if len(parts) == 2 and parts[0] in (5, 6, 10):
        return WinVersion(nt=(parts[0], parts[1]), feature=feature)
    return None


# --- generations -------------------------------------------------------------------------

_SERVER_ORDER: dict[str, tuple[int, ...]] = {
    "2000": (0,),
    "2003": (1,),
    "2008": (2,),
    "2008 R2": (3,),
    "2012": (4,),
    "2012 R2": (5,),
    "2016": (6,),
    "2019": (7,),
    "2022": (8,),
    "2025": (9,),
}
# Semi-Annual / Annual Channel and Azure Stack HCI versions: at least 2016, below 2019.
for _index, _sac in enumerate(
    ("1709", "1803", "1809", "1903", "1909", "2004", "20H2", "21H2", "22H2", "23H2", "24H2")
):
    _SERVER_ORDER[_sac] = (6, 1, _index)
_CLIENT_ORDER: dict[str, tuple[int, ...]] = {
    g: (i,) for i, g in enumerate(("2000", "XP", "Vista", "7", "8", "8.1", "10", "11"))
}


def _generation_key(family: OsFamily, generation: str) -> tuple[int, ...]:
    if family is OsFamily.WINDOWS_SERVER:
        order = _SERVER_ORDER
        key = _R2_SUFFIX.sub(" R2", generation.strip()).upper()
    elif family is OsFamily.WINDOWS_CLIENT:
        order = _CLIENT_ORDER
        key = {"XP": "XP", "VISTA": "Vista"}.get(generation.strip().upper(), generation.strip())
    else:
        raise ValueError(f"generations are only defined for Windows client and server: {family}")
    if key not in order:
        raise ValueError(f"unknown {family.value} generation: {generation!r}")
    return order[key]


def windows_generation_at_least(family: OsFamily, generation: str, minimum: str) -> bool:
    """Whether ``generation`` is ``minimum`` or newer within one Windows family.

    Server: 2000 < 2003 < 2008 < 2008 R2 < 2012 < 2012 R2 < 2016 < (SAC/AC and Azure Stack
    HCI versions 1709 … 24H2) < 2019 < 2022 < 2025. Client: 2000 < XP < Vista < 7 < 8 < 8.1
    < 10 < 11. Raises ValueError for another family or an unknown generation.
    """
    return _generation_key(family, generation) >= _generation_key(family, minimum)
