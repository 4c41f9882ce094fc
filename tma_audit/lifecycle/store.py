"""Lifecycle: the lookups the rules use, over one loaded snapshot. Pure: no clock, no I/O."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from enum import Enum
from functools import lru_cache

from tma_audit.lifecycle.catalogue import Product, ReleaseFacts
from tma_audit.lifecycle.products import find_alias, fold
from tma_audit.lifecycle.records import (
    OsRecognition,
    ProductRelease,
    SupportStatus,
    SupportVerdict,
    UpdateInfo,
)
from tma_audit.lifecycle.updates import UpdateHistory
from tma_audit.lifecycle.windows import Recogniser

_WINDOWS_PRODUCT = re.compile(r"\bwin(?:dows)?\b|\bhyper ?-?v server\b")
_EMBEDDED_PRODUCT = re.compile(r"\bembedded\b|\bposready\b")
_SERVER_PRODUCT = re.compile(r"\bserver\b|\bhyper ?-?v\b")


class _Route(Enum):
    """How `Lifecycle.find_release` reads a product name (`Lifecycle._route`)."""

    NONE = "none"  # no release can be found, whatever the version
    WINDOWS = "windows"  # a Windows release: the OS recogniser decides
    MATCH = "match"  # the version (and the rest of the name) matched in a catalogue


class Lifecycle:
    """A dated lifecycle snapshot and the questions the rules ask of it."""

    date: dt.date
    updates_date: dt.date | None
    origin: str
    sources: tuple[tuple[str, str], ...]

    def __init__(
        self,
        *,
        date: dt.date,
        updates_date: dt.date | None,
        origin: str,
        sources: tuple[tuple[str, str], ...],
        products: Mapping[str, Product],
        updates: UpdateHistory,
        client_builds: Mapping[int, str],
        server_builds: Mapping[int, str],
    ) -> None:
        self.date = date
        self.updates_date = updates_date
        self.origin = origin
        self.sources = sources
        self._products = dict(products)
        self._by_alias: dict[str, Product] = {}
        for product in self._products.values():
            for key in (product.slug, *product.aliases, product.label):
                self._by_alias.setdefault(fold(key), product)
        self._updates = updates
        self._recogniser = Recogniser(self._products, client_builds, server_builds)
        self._routes: dict[str, tuple[_Route, Product | None, str]] = {}
        self._find_cached: Callable[[str, str | None], ProductRelease | None] = lru_cache(
            maxsize=4096
        )(self._find_release)

    def __repr__(self) -> str:
        return f"Lifecycle(date={self.date}, origin={self.origin!r})"

    # --- operating systems -------------------------------------------------------------

    def recognise_os(
        self,
        name: str | None,
        version: str | None,
        build: str | None,
        edition: str | None,
        server: bool,
    ) -> OsRecognition:
        """Recognise an OS as an inventory states it (name, version, build, edition).

        ``server`` is the asset's kind (True for servers): it decides the product line when
        the name does not (client and server Windows share builds). Memoised.
        """
        return self._recogniser.recognise(name, version, build, edition, server)

    # --- products ----------------------------------------------------------------------

    def find_release(self, product: str, version: str | None) -> ProductRelease | None:
        """The release of a product an inventory names, or None when it cannot be decided.

        Tolerant of vendor prefixes, marks, case and version noise ("v7.4.1-build2463",
        "10.1.9-h3", "2019 CU18"); the release may also be carried by the product name
        ("SQL Server 2014", "Office 2016"). A product name with a year but no service pack
        gives the newest service pack of that year. Memoised.
        """
        return self._find_cached(product, version)

    def _find_release(self, product: str, version: str | None) -> ProductRelease | None:
        route = self._routes.get(product)
        if route is None:
            route = self._routes[product] = self._route(product)
        how, catalogue, text = route
        if how is _Route.NONE:
            return None
        if how is _Route.WINDOWS:
            server = bool(_SERVER_PRODUCT.search(text))
            return self._recogniser.recognise(product, version, None, None, server).release
        assert catalogue is not None
        return catalogue.match([version, text] if text else [version])

    def _route(self, product: str) -> tuple[_Route, Product | None, str]:
        """What a product name says, whatever the version: memoised per name (a fleet
        names a few products, at near-unique versions). (how, catalogue, text): the
        catalogue to match the version in, with the rest of the name (or the folded
        name, for Windows)."""
        text = fold(product)
        if not text:
            return _Route.NONE, None, ""
        found = find_alias(text)
        if found is None and _WINDOWS_PRODUCT.search(text):
            if _EMBEDDED_PRODUCT.search(text):
                catalogue = self._products.get("windows-embedded")
                return (_Route.MATCH, catalogue, text) if catalogue else (_Route.NONE, None, "")
            return _Route.WINDOWS, None, text
        if found is not None:
            alias, remainder = found
            catalogue = self._products.get(alias.slug) if alias.slug else None
            if catalogue is None:
                return _Route.NONE, None, ""
            return _Route.MATCH, catalogue, remainder
        catalogue = self._by_alias.get(text)
        if catalogue is not None:
            return _Route.MATCH, catalogue, ""
        # "<product> <version>" where the product is a known slug, alias or title.
        words = text.split()
        for cut in range(len(words) - 1, 0, -1):
            catalogue = self._by_alias.get(" ".join(words[:cut]))
            if catalogue is not None:
                return _Route.MATCH, catalogue, " ".join(words[cut:])
        return _Route.NONE, None, ""

    def release(self, product: str, cycle: str) -> ProductRelease | None:
        """The release of an endoflife.date product by its cycle ("windows-server", "2016")."""
        catalogue = self._products.get(product) or self._by_alias.get(fold(product))
        return catalogue.release(cycle) if catalogue else None

    # --- support -----------------------------------------------------------------------

    def _facts(self, release: ProductRelease) -> ReleaseFacts | None:
        catalogue = self._products.get(release.product)
        return catalogue.facts(release.cycle) if catalogue else None

    def support_status(
        self, release: ProductRelease, as_of: dt.date, esu_evidence: bool
    ) -> SupportVerdict:
        """Whether the vendor supports the release on ``as_of`` (all dates inclusive).

        SUPPORTED up to the end of support; then ESU_ONLY while extended security updates
        run, but only with evidence of enrolment; ENDED otherwise; UNKNOWN when neither a
        date nor a flag says.
        """
        name = release.label
        facts = self._facts(release)
        end = release.support_end
        if end is not None:
            if as_of <= end:
                return SupportVerdict(
                    SupportStatus.SUPPORTED, release, end, f"{name}: supported until {end}"
                )
            ended = f"support ended {end}"
        elif facts is not None and facts.eol_flag is False:
            return SupportVerdict(
                SupportStatus.SUPPORTED,
                release,
                None,
                f"{name}: supported (no end of support announced)",
            )
        elif facts is not None and facts.eol_flag is True:
            ended = "support has ended (date not published)"
        else:
            return SupportVerdict(
                SupportStatus.UNKNOWN, release, None, f"{name}: end of support not known"
            )
        esu_end = release.esu_end
        if esu_end is not None:
            if as_of > esu_end:
                return SupportVerdict(
                    SupportStatus.ENDED,
                    release,
                    None,
                    f"{name}: extended security updates ended {esu_end}",
                )
            if esu_evidence:
                return SupportVerdict(
                    SupportStatus.ESU_ONLY,
                    release,
                    esu_end,
                    f"{name}: {ended}; extended security updates until {esu_end}",
                )
            return SupportVerdict(
                SupportStatus.ENDED,
                release,
                None,
                f"{name}: {ended}; no evidence of ESU enrolment "
                f"(extended security updates available until {esu_end})",
            )
        if facts is not None and facts.esu_flag is False:
            if esu_evidence:
                return SupportVerdict(
                    SupportStatus.ESU_ONLY,
                    release,
                    None,
                    f"{name}: {ended}; extended security updates (no end date published)",
                )
            return SupportVerdict(
                SupportStatus.ENDED,
                release,
                None,
                f"{name}: {ended}; no evidence of ESU enrolment",
            )
        return SupportVerdict(SupportStatus.ENDED, release, None, f"{name}: {ended}")

    # --- updates -----------------------------------------------------------------------

    def latest_update(
        self, build: int, server: bool, released_on_or_before: dt.date
    ) -> UpdateInfo | None:
        """The newest cumulative update of a build line released on or before a date.

        Standard (Patch Tuesday) and out-of-band updates count; previews and hotpatches do
        not. Client and server lines are separate (26100 differs). None: no history.
        """
        return self._updates.latest(build, server, released_on_or_before)

    def latest_known_update(self, build: int, server: bool) -> UpdateInfo | None:
        """The newest cumulative update of a build line in the snapshot."""
        return self._updates.latest_known(build, server)
