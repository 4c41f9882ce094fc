"""Products and their releases, and the matching of a version string to a release."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from packaging.version import Version

from tma_audit.lifecycle.records import ProductRelease
from tma_audit.lifecycle.versioning import NO_VERSION, dotted_version, release_of


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    """What a ProductRelease cannot carry: flags without dates, and matching keys."""

    eol_flag: bool | None  # True: ended, date unknown; False: not ended; None: dated or absent
    esu_flag: bool | None  # the same for extended security updates
    lts: bool
    latest: str | None
    codename: str | None
    eol_label: str


@dataclass(frozen=True, slots=True)
class _MsKey:
    """Year, R2, service pack … of a Microsoft server product release ("2014 SP3")."""

    year: int | None
    r2: bool
    sp: int
    ltsc: bool
    mac: bool
    acp: bool
    subscription: bool
    #: the newest build, ordered as a PEP 440 version (tma_audit.lifecycle.versioning)
    latest: Version | None


_NUMBER_RUN = re.compile(r"(?<![\w.])v?(\d+(?:\.\d+)*)")
_CYCLE_NUMERIC = re.compile(r"\d+(?:\.\d+)*")
# Numbers in inventory text have at most 15 digits (tma_audit.limits.MAX_INT_DIGITS):
# int() refuses more than 4,300.
_SP = re.compile(r"\b(\d{1,15})\s*[-.]?\s*(?:sp|service pack)\s*(\d{1,15})\b")
_YEAR = re.compile(r"\b(199\d|20\d\d)\b")
_BUILD = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,3})\.(\d{1,15})(?:\.(\d{1,15}))?(?!\d)")
_SUBSCRIPTION = re.compile(r"\bsubscription\b|\bse\b")
_SP_WORD = re.compile(r"\bsp\s*(\d{1,15})\b")
_SP_LABEL = re.compile(r"\bsp(\d+)")
_R2 = re.compile(r"\br2\b")
_MAC = re.compile(r"\bmac\b")
_WORD = re.compile(r"[a-z]+")
_NOT_SIMPLE = re.compile(r"[^a-z0-9.]+")
#: Products whose releases are named by year and service pack and identified by build.
MS_YEAR_PRODUCTS = frozenset({"mssqlserver", "msexchange", "sharepoint", "office"})


def numeric_tuple(text: str) -> tuple[int, ...]:
    """`15.0.4480` as (15, 0, 4480); parts after one of more than 15 digits are left out.

    A lookup key (a release cycle by its number, or a prefix of it), not an order."""
    return release_of(dotted_version(text))


def _ms_key(release: ProductRelease, facts: ReleaseFacts) -> _MsKey:
    label = facts.eol_label.lower()
    year = _YEAR.search(label)
    sp = _SP_LABEL.search(label)
    latest = _BUILD.search(facts.latest or "")
    return _MsKey(
        year=int(year.group(1)) if year else None,
        r2=bool(_R2.search(label)),
        sp=int(sp.group(1)) if sp else 0,
        ltsc="ltsc" in label,
        mac="for mac" in label,
        acp="azure connect" in label,
        subscription=release.cycle == "subscription",
        latest=dotted_version(latest.group(0)) if latest else None,
    )


class Product:
    """One endoflife.date product and its releases (newest first, as published)."""

    __slots__ = (
        "_by_codename",
        "_by_cycle",
        "_by_name",
        "_by_number",
        "_facts",
        "_indexed",
        "_ms_keys",
        "aliases",
        "category",
        "label",
        "releases",
        "slug",
    )

    def __init__(
        self,
        slug: str,
        label: str,
        category: str,
        aliases: Sequence[str],
        releases: Sequence[tuple[ProductRelease, ReleaseFacts]],
    ) -> None:
        self.slug = slug
        self.label = label
        self.category = category
        self.aliases = tuple(aliases)
        self.releases = tuple(release for release, _ in releases)
        self._facts = {release.cycle: facts for release, facts in releases}
        self._by_cycle = {release.cycle.lower(): release for release in self.releases}
        self._indexed = False
        self._by_name: dict[str, ProductRelease] = {}
        self._by_number: dict[tuple[int, ...], ProductRelease] = {}
        self._by_codename: dict[str, ProductRelease] = {}
        self._ms_keys: dict[str, _MsKey] = {}

    def _index(self) -> None:
        """Build the matching indexes on first use (most products are never asked about)."""
        if self._indexed:
            return
        for release in self.releases:
            facts = self._facts[release.cycle]
            for name in (facts.eol_label, release.label):
                self._by_name.setdefault(_simplify(name), release)
            if _CYCLE_NUMERIC.fullmatch(release.cycle):
                self._by_number.setdefault(numeric_tuple(release.cycle), release)
            if facts.codename:
                code = facts.codename.lower()
                self._by_codename.setdefault(code, release)
                self._by_codename.setdefault(code.split()[0], release)
            if self.slug in MS_YEAR_PRODUCTS:
                self._ms_keys[release.cycle] = _ms_key(release, facts)
        self._indexed = True

    def facts(self, cycle: str) -> ReleaseFacts | None:
        return self._facts.get(cycle)

    def release(self, cycle: str) -> ProductRelease | None:
        return self._by_cycle.get(cycle.lower())

    # --- matching a version ---------------------------------------------------------------

    def match(self, texts: Iterable[str | None]) -> ProductRelease | None:
        """The release a version (or a product-name remainder) designates, if unambiguous."""
        candidates = [t.strip() for t in texts if t and t.strip()]
        if not candidates:
            return None
        self._index()
        if self._ms_keys:
            return self._match_ms(" ".join(candidates))
        for text in candidates:
            found = self._match_one(text)
            if found is not None:
                return found
        return None

    def _match_one(self, text: str) -> ProductRelease | None:
        lowered = text.lower()
        exact = self._by_cycle.get(lowered) or self._by_name.get(_simplify(text))
        if exact is not None:
            return exact
        sp = _SP.search(lowered)
        if sp:
            found = self._by_number.get((int(sp.group(1)), int(sp.group(2))))
            if found is not None:
                return found
        for match in _NUMBER_RUN.finditer(lowered):
            found = self._match_number(numeric_tuple(match.group(1)))
            if found is not None:
                return found
        words = _WORD.findall(lowered)
        for index, word in enumerate(words):
            pair = " ".join(words[index : index + 2])
            found = self._by_codename.get(pair) or self._by_codename.get(word)
            if found is not None:
                return found
        return None

    def _match_number(self, number: tuple[int, ...]) -> ProductRelease | None:
        for length in range(len(number), 0, -1):
            prefix = number[:length]
            found = self._by_number.get(prefix)
            if found is not None:
                return found
            # "ESXi 7" -> 7.0 when it is the only 7.x; "FortiOS 7" stays ambiguous.
            under = [r for key, r in self._by_number.items() if key[:length] == prefix]
            if len(under) == 1:
                return under[0]
            if under:
                return None
        return None

    def _match_ms(self, text: str) -> ProductRelease | None:
        """A Microsoft server product by year, R2, LTSC, Mac, service pack and build."""
        lowered = text.lower()
        keys = self._ms_keys
        subscription = [r for r in self.releases if keys[r.cycle].subscription]
        if subscription and _SUBSCRIPTION.search(lowered):
            return subscription[0]
        build = _build_number(lowered)
        year_match = _YEAR.search(_BUILD.sub(" ", lowered))
        if year_match is None and build is None:
            return None
        pool = list(self.releases)
        if year_match is not None:
            pool = self._ms_of_year(pool, int(year_match.group(1)), lowered)
        sp_match = _SP_WORD.search(lowered)
        if sp_match is not None:
            pool = [r for r in pool if keys[r.cycle].sp == int(sp_match.group(1))]
        if build is not None:
            by_build = [
                r for r in pool if release_of(keys[r.cycle].latest)[:2] == build.release[:2]
            ]
            # Office 2016/2019/2021 all report 16.0.x: when the name's year already chose
            # the release and the build says nothing more, the year decides.
            if by_build or year_match is None:
                return self._ms_first_at_least(by_build, build)
        return self._ms_newest_service_pack(pool, lowered)

    def _ms_newest_service_pack(
        self, pool: list[ProductRelease], lowered: str
    ) -> ProductRelease | None:
        """A year without its service pack: the newest service pack of that year (not the
        Azure Connect Program's unless the name says so)."""
        keys = self._ms_keys
        if "azure connect" not in lowered:
            pool = [r for r in pool if not keys[r.cycle].acp] or pool
        if not pool:
            return None
        return max(pool, key=lambda r: keys[r.cycle].sp)

    def _ms_of_year(
        self, pool: list[ProductRelease], year: int, lowered: str
    ) -> list[ProductRelease]:
        """The releases of the name's year, R2 or not; "LTSC" and "for Mac" when it says."""
        keys = self._ms_keys
        r2 = bool(_R2.search(lowered))
        pool = [r for r in pool if keys[r.cycle].year == year and keys[r.cycle].r2 == r2]
        # "Office 2021 LTSC" has the dates of Office 2021; "for Mac" releases differ.
        ltsc = [r for r in pool if keys[r.cycle].ltsc == ("ltsc" in lowered)]
        pool = ltsc or [r for r in pool if not keys[r.cycle].ltsc]
        mac = bool(_MAC.search(lowered))
        return [r for r in pool if keys[r.cycle].mac == mac]

    def _ms_first_at_least(
        self, releases: list[ProductRelease], build: Version
    ) -> ProductRelease | None:
        """The oldest release whose latest build is ``build`` or newer, else the newest."""
        keys = self._ms_keys
        ranked = sorted(releases, key=lambda r: keys[r.cycle].latest or NO_VERSION)
        for release in ranked:
            if (keys[release.cycle].latest or NO_VERSION) >= build:
                return release
        return ranked[-1] if ranked else None


def _build_number(lowered: str) -> Version | None:
    """A dotted build ("15.0.4160.1") in a text, as a version."""
    match = _BUILD.search(lowered)
    return dotted_version(match.group(0)) if match else None


def _simplify(text: str) -> str:
    return _NOT_SIMPLE.sub(" ", text.lower()).strip()
