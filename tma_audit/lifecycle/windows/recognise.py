"""Operating-system strings as real exports write them, recognised.

Windows is decided from three witnesses, most precise first: the build number (from the
build or the version column), the name ("Windows Server 2019 Standard"), and the NT
version (6.3). Client and server share builds, so the line (client or server) comes from
the name when it says, else from the caller's ``server`` flag. Everything else goes
through the product table in :mod:`tma_audit.lifecycle.products`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from tma_audit.lifecycle.catalogue import Product
from tma_audit.lifecycle.products import find_alias, fold, is_unknown_name
from tma_audit.lifecycle.records import OsFamily, OsRecognition, ProductRelease
from tma_audit.lifecycle.windows.builds import (
    CLIENT_CYCLES,
    CLIENT_NT,
    CLIENT_OLD_BUILDS,
    FIRST_WINDOWS_10,
    HCI_BUILDS,
    LTS_BUILDS,
    SERVER_CYCLES,
    SERVER_NT,
    SERVER_OLD_BUILDS,
    SP_BUILDS,
    client_generation,
)
from tma_audit.lifecycle.windows.editions import (
    HCI,
    Edition,
    client_edition,
    edition_param,
    server_edition,
)
from tma_audit.lifecycle.windows.versions import FEATURE, parse_version

_WINDOWS = re.compile(r"\bwin(?:dows)?\b|\bwin(?:xp|7|8|10|11|\d{4})\b|\bwindows\d")
_WINDOWS_SERVER_PRODUCTS = re.compile(r"\bhyper ?-?v server\b|\bazure stack hci\b|\bazure local\b")
_CLIENT_GEN = re.compile(r"\bwin(?:dows)?\s*(xp|vista|7|8\.1|8|10|11|2000|me|98|95|nt)\b")
_SERVER_YEAR = re.compile(r"\b(2000|2003|2008|2012|2016|2019|2022|2025)(\s*r2)?\b")
_SERVER_NAMED = re.compile(r"\bserver\b|\bhyper ?-?v\b|\bsbs\b")
_SAC = re.compile(r"\b(1709|1803|1809|1903|1909|2004|20h2|23h2)\b")
_SBS_2011 = re.compile(r"\bsmall business server 2011\b|\bsbs 2011\b")
_LTS = re.compile(r"\blts[bc]\b|\blong term servicing\b")
_LTS_YEAR = re.compile(
    r"\blts[bc]\s*(2015|2016|2019|2021|2024)\b|\b(2015|2016|2019|2021|2024)\s*lts[bc]\b"
)
_IOT = re.compile(r"\biot\b")
_OLD_FEATURE = re.compile(r"\b(1507|1511|1607|1703|1709|1803|1809|1903|1909|2004)\b")
_OTHER = re.compile(
    r"\bembedded\b|\bposready\b|\bthin pc\b|\bwindows ce\b|\bwindows mobile\b"
    r"|\bwindows phone\b|\bhome server\b|\bwepos\b"
)
_EMBEDDED_CYCLES = tuple(
    (re.compile(pattern), cycle)
    for pattern, cycle in (
        (r"\bposready 7\b", "posready-7"),
        (r"\bcompact 2013\b", "compact-2013"),
        (r"\bcompact 7\b", "compact-7"),
        (r"\b8\.1 industry\b", "8.1-industry"),
        (r"\b8\.1 pro\b", "8.1-pro"),
    )
)
_EMBEDDED_STANDARD = re.compile(r"\bembedded standard\b")
_STANDARD_7 = re.compile(r"\bstandard 7\b")
_EVAL = re.compile(r"\beval(?:uation)?\b")
_DIGIT = re.compile(r"[0-9]")
_GONE_CLIENTS = ("me", "98", "95", "nt")


@lru_cache(maxsize=4096)
def is_windows_name(name: str) -> bool:
    text = fold(name)
    return bool(_WINDOWS.search(text) or _WINDOWS_SERVER_PRODUCTS.search(text))


@dataclass(frozen=True, slots=True)
class WindowsClues:
    """What one Windows OS string and its columns say, once read."""

    text: str  # the name, folded
    edition_text: str | None  # the edition column, folded
    edition_id: Edition | None  # the edition column when it is an EditionID ("EnterpriseS")
    server: bool  # the caller lists the device as a server
    nt: tuple[int, int] | None
    build: int | None
    feature: str | None  # "22H2", "1809"
    named: str | None  # the client generation the name says ("10", "xp"), lower-case
    year: re.Match[str] | None  # a server year in the name ("2012 r2")
    is_hci: bool  # Azure Stack HCI / Azure Local
    evaluation: bool


class Recogniser:
    """Recognises OS strings against one snapshot's products and Windows build tables."""

    def __init__(
        self,
        products: Mapping[str, Product],
        client_builds: Mapping[int, str],
        server_builds: Mapping[int, str],
    ) -> None:
        self._products = products
        self._client_builds = dict(client_builds)
        self._server_builds = dict(server_builds)
        # Generation + feature -> build, for "Windows 10 22H2" without a build.
        self._feature_builds = {
            (client_generation(build), feature): build
            for build, feature in sorted(self._client_builds.items())
        }
        self._cached: Callable[
            [str, str | None, bool, tuple[int, int] | None, int | None, str | None],
            OsRecognition,
        ] = lru_cache(maxsize=8192)(self._recognise)

    def recognise(
        self,
        name: str | None,
        version: str | None,
        build: str | None,
        edition: str | None,
        server: bool,
    ) -> OsRecognition:
        if not is_windows_name(name or ""):
            # A non-Windows version ("14.5", "7.2.8") is handed on as it is.
            stated = version if version and version.strip() else build
            return self._cached(name or "", None, server, None, None, stated)
        ver = parse_version(version)
        bld = parse_version(build)
        build_no = bld.build if bld.build is not None else ver.build
        nt = ver.nt or bld.nt
        feature = ver.feature or bld.feature
        return self._cached(name or "", edition, server, nt, build_no, feature)

    # The cached body: everything that decides the answer, but no build revision. Its key
    # is a tuple of plain values (hashing a record per call would cost the hot path).
    def _recognise(
        self,
        name: str,
        edition: str | None,
        server: bool,
        nt: tuple[int, int] | None,
        build: int | None,
        feature: str | None,
    ) -> OsRecognition:
        text = fold(name)
        if is_windows_name(name):
            return self._windows(text, edition, server, nt, build, feature)
        if is_unknown_name(text):
            return OsRecognition(
                OsFamily.UNKNOWN, None, None, None, False, "operating system not stated"
            )
        found = find_alias(text)
        if found is None:
            return OsRecognition(
                OsFamily.UNKNOWN,
                None,
                None,
                None,
                False,
                f"unrecognised operating system: {name.strip()!r}",
            )
        alias, remainder = found
        family = alias.family or OsFamily.UNKNOWN
        if alias.slug is None:
            return OsRecognition(
                family, None, None, None, False, f"{alias.name}: lifecycle not in the snapshot"
            )
        product = self._products.get(alias.slug)
        version_text = feature  # a non-Windows version travels in `feature`
        release = product.match([version_text, remainder]) if product else None
        note = None
        if release is None:
            stated = version_text or remainder
            note = (
                f"{alias.name}: version {stated.strip()!r} not found in the snapshot"
                if stated and _DIGIT.search(stated)
                else f"{alias.name}: version missing"
            )
        return OsRecognition(family, None, release, None, False, note)

    # --- Windows ---------------------------------------------------------------------

    def _windows(
        self,
        text: str,
        edition: str | None,
        server: bool,
        nt: tuple[int, int] | None,
        build: int | None,
        feature: str | None,
    ) -> OsRecognition:
        evaluation = bool(_EVAL.search(text)) or bool(edition and _EVAL.search(fold(edition)))
        if _OTHER.search(text):
            return self._windows_other(text, nt, build, evaluation)
        edition_text, edition_id = edition_param(edition)
        is_hci = bool(HCI.search(text))
        client_gen = _CLIENT_GEN.search(text)
        clues = WindowsClues(
            text=text,
            edition_text=edition_text,
            edition_id=edition_id,
            server=server,
            nt=nt,
            build=build,
            feature=feature,
            named=client_gen.group(1) if client_gen else None,
            year=_SERVER_YEAR.search(text),
            is_hci=is_hci,
            evaluation=evaluation,
        )
        server_named = bool(_SERVER_NAMED.search(text) or is_hci)
        line_server = _server_line(clues, server_named)
        notes: list[str] = []
        if line_server and not server and (server_named or clues.year):
            notes.append("a server operating system on a device not listed as a server")
        if not line_server and server and clues.named is not None:
            notes.append("a client operating system on a device listed as a server")
        if line_server:
            return self._windows_server(clues, notes)
        return self._windows_client(clues, notes)

    def _windows_other(
        self, text: str, nt: tuple[int, int] | None, build: int | None, evaluation: bool
    ) -> OsRecognition:
        cycle = _embedded_cycle(text, nt, build)
        product = self._products.get("windows-embedded")
        release = product.release(cycle) if product and cycle else None
        note = None if release else "Windows Embedded: release not recognisable"
        return OsRecognition(OsFamily.WINDOWS_OTHER, None, release, None, evaluation, note)

    # --- Windows Server --------------------------------------------------------------

    def _windows_server(self, clues: WindowsClues, notes: list[str]) -> OsRecognition:
        if clues.is_hci:
            return _azure_stack_hci(clues, notes)
        edition = _server_edition_of(clues)
        build = clues.build
        named = _server_named(clues)
        by_build = self._server_by_build(build, notes)
        by_nt = SERVER_NT.get(clues.nt) if clues.nt else None
        generation = by_build or named or by_nt
        if named and by_build and named != by_build:
            notes.append(f"the name says {named} but build {build} is {by_build}")
        elif named and by_nt and not by_build and named != by_nt:
            notes.append(f"the name says {named} but the version number says {by_nt}")
        if build == 17763 and not named and edition != "Hyper-V Server":
            notes.append(
                "build 17763 without a year: taken as Windows Server 2019 "
                "(the Semi-Annual Channel 1809 shares this build)"
            )
        if generation is None:
            notes.append(_not_recognisable("Windows Server release", clues, build))
            return _result(OsFamily.WINDOWS_SERVER, None, None, edition, clues.evaluation, notes)
        release = self._release("windows-server", SERVER_CYCLES.get(generation))
        if release is None:
            notes.append(f"no lifecycle data for Windows Server {generation}")
        _service_pack_note(generation, build, release, notes)
        return _result(
            OsFamily.WINDOWS_SERVER, generation, release, edition, clues.evaluation, notes
        )

    def _server_by_build(self, build: int | None, notes: list[str]) -> str | None:
        if build is None:
            return None
        by_build = self._server_builds.get(build) or SERVER_OLD_BUILDS.get(build)
        if by_build is None:
            notes.append(f"build {build} is not a known Windows Server build")
        return by_build

    # --- Windows client --------------------------------------------------------------

    def _windows_client(self, clues: WindowsClues, notes: list[str]) -> OsRecognition:
        named_gen = {"xp": "XP", "vista": "Vista"}.get(clues.named or "", clues.named)
        if named_gen in _GONE_CLIENTS:
            notes.append(f"Windows {named_gen.upper() if named_gen else ''}: long unsupported")
            return _result(OsFamily.WINDOWS_CLIENT, None, None, None, clues.evaluation, notes)
        both = f"{clues.text} {clues.edition_text or ''}"
        lts = bool(_LTS.search(both)) or bool(clues.edition_id and clues.edition_id.lts)
        iot = bool(_IOT.search(both))
        edition = _client_edition_of(clues, lts, iot)
        build = clues.build if clues.build is not None else _lts_build(clues.text)
        feature = clues.feature if clues.feature is not None else _name_feature(clues, named_gen)
        by_build, build_feature = self._client_by_build(build, notes)
        by_nt = CLIENT_NT.get(clues.nt) if clues.nt else None
        generation = by_build or named_gen or by_nt
        if named_gen and by_build and named_gen != by_build:
            notes.append(
                f"the name says Windows {named_gen} but build {build} is Windows {by_build}"
            )
        if generation is None:
            notes.append(_not_recognisable("Windows release", clues, build))
            return _result(
                OsFamily.WINDOWS_CLIENT, None, None, edition.name, clues.evaluation, notes
            )
        feature = _build_feature_wins(feature, build_feature, build, notes)
        if generation in ("10", "11"):
            release = self._feature_release(
                generation, feature, build, edition, notes, lts=lts, iot=iot
            )
        else:
            release = self._fixed_release(generation, build, notes)
        return _result(
            OsFamily.WINDOWS_CLIENT, generation, release, edition.name, clues.evaluation, notes
        )

    def _client_by_build(
        self, build: int | None, notes: list[str]
    ) -> tuple[str | None, str | None]:
        """The generation a build says, and its feature release when the snapshot has it."""
        if build is None:
            return None, None
        if build in self._client_builds:
            return client_generation(build), self._client_builds[build]
        by_build: str | None = None
        if build in CLIENT_OLD_BUILDS:
            by_build = CLIENT_OLD_BUILDS[build]
        elif build >= FIRST_WINDOWS_10:
            by_build = client_generation(build)
            notes.append(f"build {build} is not in the snapshot")
        return by_build, None

    def _fixed_release(
        self, generation: str, build: int | None, notes: list[str]
    ) -> ProductRelease | None:
        """The release of a client generation before Windows 10 (one lifecycle each)."""
        if generation not in CLIENT_CYCLES:
            notes.append(f"no lifecycle data for Windows {generation}")
            return None
        release = self._release("windows", CLIENT_CYCLES[generation])
        _service_pack_note(generation, build, release, notes)
        return release

    def _feature_release(
        self,
        generation: str,
        feature: str | None,
        build: int | None,
        edition: Edition,
        notes: list[str],
        *,
        lts: bool,
        iot: bool,
    ) -> ProductRelease | None:
        """The release of a Windows 10/11 feature release, by LTSC and edition family."""
        if feature is None:
            if build is None:
                notes.append("release ambiguous: build missing")
            return None
        if (generation, feature) not in self._feature_builds:
            notes.append(f"Windows {generation} {feature} is not a known feature release")
            return None
        base = f"{generation}-{feature.lower()}"
        if lts:
            for cycle in (f"{base}-iot-lts", f"{base}-e-lts") if iot else (f"{base}-e-lts",):
                release = self._release("windows", cycle)
                if release is not None:
                    return release
            notes.append(
                f"no LTSC release of Windows {generation} {feature}; "
                "general-availability dates used"
            )
        single = self._release("windows", base)
        if single is not None:
            return single
        family = edition.family
        if family in ("e", "w"):
            return self._release("windows", f"{base}-{family}")
        notes.append("edition unknown: Home/Pro and Enterprise/Education dates differ")
        return None

    def _release(self, product: str, cycle: str | None) -> ProductRelease | None:
        catalogue = self._products.get(product)
        return catalogue.release(cycle) if catalogue and cycle else None


# --- the small decisions, one each ---------------------------------------------------------


def _server_line(clues: WindowsClues, server_named: bool) -> bool:
    """Whether the string is of the server line: the name first, then the caller's flag."""
    if server_named:
        return True
    if clues.edition_id is not None and clues.edition_id.family in ("e", "w"):
        return False
    if clues.named is not None and clues.named != "2000":
        return False
    year = clues.year
    if year and year.group(1) != "2000" and not _LTS.search(clues.text):
        return True  # Lansweeper's "Win 2012 R2"
    return clues.server


def _embedded_cycle(text: str, nt: tuple[int, int] | None, build: int | None) -> str | None:
    for pattern, cycle in _EMBEDDED_CYCLES:
        if pattern.search(text):
            return cycle
    if _EMBEDDED_STANDARD.search(text) and (
        _STANDARD_7.search(text) or build in (7600, 7601) or nt == (6, 1)
    ):
        return "standard-7-sp1"
    return None


def _azure_stack_hci(clues: WindowsClues, notes: list[str]) -> OsRecognition:
    build = clues.build
    generation = HCI_BUILDS.get(build) if build is not None else None
    if generation is None:
        notes.append(
            "Azure Stack HCI version unknown"
            if build is None
            else f"Azure Stack HCI build {build} unknown"
        )
    notes.append("Azure Stack HCI lifecycle is not in the snapshot")
    return _result(
        OsFamily.WINDOWS_SERVER, generation, None, "Azure Stack HCI", clues.evaluation, notes
    )


def _server_edition_of(clues: WindowsClues) -> str | None:
    """The server edition: from the edition column (an EditionID or a name), else the name."""
    edition_id = clues.edition_id
    from_id = edition_id.name if edition_id and not edition_id.family else None
    edition_text = from_id or clues.edition_text
    edition = server_edition(edition_text.lower()) if edition_text else None
    return edition or server_edition(clues.text)


def _server_named(clues: WindowsClues) -> str | None:
    """The server generation the name says: a year (with R2), or a SAC version."""
    if _SBS_2011.search(clues.text):
        return "2008 R2"
    year = clues.year
    if year:
        # R2 is its own release only for 2008 and 2012 (2003 R2 has 2003's lifecycle).
        r2 = bool(year.group(2)) and year.group(1) in ("2008", "2012")
        return year.group(1) + (" R2" if r2 else "")
    sac = _SAC.search(clues.text)
    return sac.group(1).upper() if sac else None


def _client_edition_of(clues: WindowsClues, lts: bool, iot: bool) -> Edition:
    """The client edition: an EditionID, else the edition column's words, else the name's."""
    if clues.edition_id is not None:
        return clues.edition_id
    if clues.edition_text:
        edition = client_edition(clues.edition_text, lts, iot)
        if edition.name is not None:
            return edition
    return client_edition(clues.text, lts, iot)


def _lts_build(text: str) -> int | None:
    """The build an LTSC/LTSB year in the name stands for ("LTSC 2021" -> 19044)."""
    match = _LTS_YEAR.search(text)
    return LTS_BUILDS[int(match.group(1) or match.group(2))] if match else None


def _name_feature(clues: WindowsClues, named_gen: str | None) -> str | None:
    """The feature release the name says ("22H2"; "1809" only after "Windows 10")."""
    match = FEATURE.search(clues.text)
    if match:
        return match.group(1).upper()
    if named_gen == "10":
        old = _OLD_FEATURE.search(clues.text)
        return old.group(1) if old else None
    return None


def _build_feature_wins(
    feature: str | None, build_feature: str | None, build: int | None, notes: list[str]
) -> str | None:
    """The feature release the build is (a note when the name or version says another)."""
    if build_feature is None:
        return feature
    if feature and feature != build_feature:
        notes.append(f"version {feature} does not match build {build} ({build_feature})")
    return build_feature


def _not_recognisable(what: str, clues: WindowsClues, build: int | None) -> str:
    return f"{what} not recognisable" + ("" if build or clues.nt else ": build missing")


def _service_pack_note(
    generation: str, build: int | None, release: ProductRelease | None, notes: list[str]
) -> None:
    """A build older than the service pack whose dates the release carries: a note."""
    sp_builds = SP_BUILDS.get(generation)
    if release and sp_builds and build is not None and build not in sp_builds:
        notes.append(f"build {build} predates {release.label}; its dates are used")


def _result(
    family: OsFamily,
    generation: str | None,
    release: ProductRelease | None,
    edition: str | None,
    evaluation: bool,
    notes: list[str],
) -> OsRecognition:
    text = "; ".join(n for n in notes if n)
    return OsRecognition(family, generation, release, edition, evaluation, text or None)
