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

# --- versions and builds ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WinVersion:
    """What a version or build column says: NT version, build, revision, feature release."""

    nt: tuple[int, int] | None = None
    build: int | None = None
    revision: int | None = None
    feature: str | None = None


_FEATURE = re.compile(r"\b(\d\d[hH][12])\b", re.ASCII)
_CLIENT_FEATURES = frozenset(
    {"1507", "1511", "1607", "1703", "1709", "1803", "1809", "1903", "1909", "2004"}
)
# Numbers of at most 15 digits (tma_audit.limits.MAX_INT_DIGITS): int() refuses more
# than 4,300, and no version part has more than a few.
_PAREN = re.compile(r"^(\d{1,15})\.(\d{1,15})\s*\((\d{1,15})\)", re.ASCII)
_DOTTED = re.compile(r"^(\d{1,15})\.(\d{1,15})(?:\.(\d{1,15}))?(?:\.(\d{1,15}))?$", re.ASCII)
_OS_BUILD = re.compile(r"\bos build (\d{4,5})(?:\.(\d{1,15})(?!\d))?", re.ASCII)


@lru_cache(maxsize=65536)
def parse_version(text: str | None) -> WinVersion:
    """``10.0 (17763)``, ``10.0.19045.6456``, ``6.3.9600``, ``6.1``, ``22H2``, ``19045.6456``."""
    if not text:
        return WinVersion()
    value = text.strip().lower()
    feature_match = _FEATURE.search(value)
    feature = feature_match.group(1).upper() if feature_match else None
    if feature is None and value in _CLIENT_FEATURES:
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
        parts = [int(g) for g in dotted.groups() if g is not None]
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
    if re.fullmatch(r"[0-9]{4,5}", value) and int(value) >= 2000 and value not in _CLIENT_FEATURES:
        return WinVersion(build=int(value), feature=feature)
    return WinVersion(feature=feature)


# --- Windows names -----------------------------------------------------------------------

_WINDOWS = re.compile(r"\bwin(?:dows)?\b|\bwin(?:xp|7|8|10|11|\d{4})\b|\bwindows\d")
_CLIENT_GEN = re.compile(r"\bwin(?:dows)?\s*(xp|vista|7|8\.1|8|10|11|2000|me|98|95|nt)\b")
_SERVER_YEAR = re.compile(r"\b(2000|2003|2008|2012|2016|2019|2022|2025)(\s*r2)?\b")
_SAC = re.compile(r"\b(1709|1803|1809|1903|1909|2004|20h2|23h2)\b")
_LTS = re.compile(r"\blts[bc]\b|\blong term servicing\b")
_LTS_YEAR = re.compile(
    r"\blts[bc]\s*(2015|2016|2019|2021|2024)\b|\b(2015|2016|2019|2021|2024)\s*lts[bc]\b"
)
_OTHER = re.compile(
    r"\bembedded\b|\bposready\b|\bthin pc\b|\bwindows ce\b|\bwindows mobile\b"
    r"|\bwindows phone\b|\bhome server\b|\bwepos\b"
)
_EVAL = re.compile(r"\beval(?:uation)?\b")

#: LTSC/LTSB year -> build.
LTS_BUILDS = {2015: 10240, 2016: 14393, 2019: 17763, 2021: 19044, 2024: 26100}
#: Builds not covered by the update history.
CLIENT_OLD_BUILDS = {
    2195: "2000",
    2600: "XP",
    3790: "XP",
    6000: "Vista",
    6001: "Vista",
    6002: "Vista",
    6003: "Vista",
    7600: "7",
    7601: "7",
    9200: "8",
    9600: "8.1",
}
SERVER_OLD_BUILDS = {
    2195: "2000",
    3790: "2003",
    6001: "2008",
    6002: "2008",
    6003: "2008",
    7600: "2008 R2",
    7601: "2008 R2",
    9200: "2012",
    9600: "2012 R2",
}
CLIENT_NT = {
    (5, 0): "2000",
    (5, 1): "XP",
    (5, 2): "XP",
    (6, 0): "Vista",
    (6, 1): "7",
    (6, 2): "8",
    (6, 3): "8.1",
}
SERVER_NT = {
    (5, 0): "2000",
    (5, 2): "2003",
    (6, 0): "2008",
    (6, 1): "2008 R2",
    (6, 2): "2012",
    (6, 3): "2012 R2",
}
#: Azure Stack HCI (Azure Local) versions by build.
HCI_BUILDS = {17784: "20H2", 20348: "21H2", 20349: "22H2", 25398: "23H2", 26100: "24H2"}
#: Server generation -> windows-server cycle.
SERVER_CYCLES = {
    "2000": "2000",
    "2003": "2003-sp2",
    "2008": "2008-sp2",
    "2008 R2": "2008-r2-sp1",
    "2012": "2012",
    "2012 R2": "2012-r2",
    "2016": "2016",
    "2019": "2019",
    "2022": "2022",
    "2025": "2025",
    "1709": "1709-sac",
    "1803": "1803-sac",
    "1809": "1809-sac",
    "1903": "1903-sac",
    "1909": "1909-sac",
    "2004": "2004-sac",
    "20H2": "20h2-sac",
    "23H2": "23h2-ac",
}
#: Client generation -> windows cycle, for the fixed-lifecycle releases.
CLIENT_CYCLES = {"XP": "5-sp3", "Vista": "6-sp2", "7": "7-sp1", "8": "8", "8.1": "8.1"}
#: The service pack each of those cycles is, by build (a build not listed: a note).
_SP_BUILDS = {
    "2008": {6002, 6003},
    "2008 R2": {7601},
    "7": {7601},
    "Vista": {6002, 6003},
    "XP": {2600},
    "2003": {3790},
}

# Edition words, localised spellings included, in matching order:
# (pattern, edition, family) with family "e" (Enterprise/Education), "w" (Home/Pro) or "".
_CLIENT_EDITIONS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(p), e, f)
    for p, e, f in (
        (r"\bmulti ?-?session\b|\bfor virtual desktops\b|\bavd\b", "Enterprise multi-session", "e"),
        (r"\biot (?:enterprise|entreprise)\b", "IoT Enterprise", "e"),
        (r"\biot core\b", "IoT Core", ""),
        (r"\bpro(?:fessional)? (?:education|edu)\b", "Pro Education", "w"),
        (r"\bpro(?:fessional)? (?:for|pour) workstations?\b", "Pro for Workstations", "w"),
        (r"\b(?:enterprise|entreprise|empresa|unternehmen|enterprises)\b", "Enterprise", "e"),
        (r"\b(?:education|educacion|educacao|istruzione|bildung)\b", "Education", "e"),
        (r"\bhome premium\b|\bfamille premium\b", "Home Premium", "w"),
        (r"\bhome basic\b|\bfamille basique\b", "Home Basic", "w"),
        (r"\b(?:home|famille|hogar|famiglia|domestico)\b", "Home", "w"),
        (
            r"\b(?:pro|professional|professionnel|profesional|profissional|professionale)\b",
            "Pro",
            "w",
        ),
        (r"\bultimate\b|\bintegrale\b", "Ultimate", ""),
        (r"\bstarter\b", "Starter", ""),
        (r"\bbusiness\b", "Business", ""),
        (r"\bmedia center\b", "Media Center", ""),
        (r"\btablet pc\b", "Tablet PC", ""),
        (r"\bteam\b", "Team", ""),
        (r"\bse\b", "SE", "w"),
    )
)
_SERVER_EDITIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), e)
    for p, e in (
        (r"\bazure edition\b", "Datacenter Azure Edition"),
        (r"\bdatacenter\b|\bdatacentre\b|\bcentre de donnees\b", "Datacenter"),
        (r"\bstandard\b", "Standard"),
        (r"\benterprise\b|\bentreprise\b", "Enterprise"),
        (r"\bessentials\b", "Essentials"),
        (r"\bfoundation\b", "Foundation"),
        (r"\bsmall business\b|\bsbs\b", "Small Business Server"),
        (r"\bessential business\b", "Essential Business Server"),
        (r"\bmultipoint\b", "MultiPoint Server"),
        (r"\bweb\b", "Web Server"),
        (r"\bhpc\b|\bcompute cluster\b", "HPC"),
    )
)
#: Windows EditionID / SKU names as MDM and WMI report them.
_EDITION_IDS: dict[str, tuple[str, str, bool]] = {
    "core": ("Home", "w", False),
    "coren": ("Home N", "w", False),
    "coresinglelanguage": ("Home", "w", False),
    "corecountryspecific": ("Home", "w", False),
    "professional": ("Pro", "w", False),
    "professionaln": ("Pro N", "w", False),
    "professionalworkstation": ("Pro for Workstations", "w", False),
    "professionaleducation": ("Pro Education", "w", False),
    "enterprise": ("Enterprise", "e", False),
    "enterprisen": ("Enterprise N", "e", False),
    "enterprises": ("Enterprise LTSC", "e", True),
    "enterprisesn": ("Enterprise LTSC N", "e", True),
    "iotenterprise": ("IoT Enterprise", "e", False),
    "iotenterprises": ("IoT Enterprise LTSC", "e", True),
    "education": ("Education", "e", False),
    "educationn": ("Education N", "e", False),
    "serverrdsh": ("Enterprise multi-session", "e", False),
    "enterprisemultisession": ("Enterprise multi-session", "e", False),
    "serverstandard": ("Standard", "", False),
    "serverdatacenter": ("Datacenter", "", False),
    "serverazurestackhcicor": ("Azure Stack HCI", "", False),
    "serverturbine": ("Datacenter Azure Edition", "", False),
}


@dataclass(frozen=True, slots=True)
class _Edition:
    name: str | None
    family: str  # "e", "w" or ""
    lts: bool


def _client_edition(text: str, lts: bool, iot: bool) -> _Edition:
    for pattern, edition, family in _CLIENT_EDITIONS:
        if pattern.search(text):
            name = edition
            if iot and edition == "Enterprise":
                name = "IoT Enterprise"
            if lts and name in ("Enterprise", "IoT Enterprise"):
                name += " LTSB" if re.search(r"\bltsb\b", text) else " LTSC"
            suffix = re.search(r"\b(k?n)\b", text)
            if suffix and not name.endswith((" N", " KN")):
                name += " " + suffix.group(1).upper()
            return _Edition(name, family, lts)
    if lts or iot:
        name = ("IoT " if iot else "") + "Enterprise" + (" LTSC" if lts else "")
        return _Edition(name, "e", lts)
    return _Edition(None, "", lts)


def _server_edition(text: str) -> str | None:
    if re.search(r"\bhyper ?-?v server\b", text):
        return "Hyper-V Server"
    if re.search(r"\bazure stack hci\b|\bazure local\b", text):
        return "Azure Stack HCI"
    storage = re.search(r"\bstorage server\b", text)
    for pattern, edition in _SERVER_EDITIONS:
        if pattern.search(text):
            if storage and edition != "Web Server":
                return f"Storage Server {edition}"
            return edition
    if storage:
        for word in ("workgroup", "essentials", "standard", "enterprise"):
            if re.search(rf"\b{word}\b", text):
                return f"Storage Server {word.capitalize()}"
        return "Storage Server"
    return None


def _edition_param(edition: str | None) -> tuple[str | None, _Edition | None]:
    """The caller's edition column: an EditionID ("EnterpriseS") or a name ("Enterprise")."""
    if not edition:
        return None, None
    folded = fold(edition)
    key = re.sub(r"[^a-z]", "", folded)
    if key in _EDITION_IDS:
        name, family, lts = _EDITION_IDS[key]
        return folded, _Edition(name, family, lts)
    return folded, None


# --- the recogniser ----------------------------------------------------------------------

_WINDOWS_SERVER_PRODUCTS = re.compile(r"\bhyper ?-?v server\b|\bazure stack hci\b|\bazure local\b")


@lru_cache(maxsize=4096)
def is_windows_name(name: str) -> bool:
    text = fold(name)
    return bool(_WINDOWS.search(text) or _WINDOWS_SERVER_PRODUCTS.search(text))


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
            ("11" if build >= 22000 else "10", feature): build
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

    # The cached body: everything that decides the answer, but no build revision.
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
                if stated and re.search(r"[0-9]", stated)
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
        edition_text, edition_id = _edition_param(edition)
        is_hci = bool(re.search(r"\bazure stack hci\b|\bazure local\b", text))
        server_named = bool(re.search(r"\bserver\b|\bhyper ?-?v\b|\bsbs\b", text) or is_hci)
        client_gen = _CLIENT_GEN.search(text)
        year = _SERVER_YEAR.search(text)
        notes: list[str] = []
        if server_named:
            line_server = True
        elif client_gen and client_gen.group(1) != "2000":
            line_server = False
        elif year and year.group(1) != "2000" and not _LTS.search(text):
            line_server = True  # Lansweeper's "Win 2012 R2"
        else:
            line_server = server
        if edition_id is not None and edition_id.family in ("e", "w") and not server_named:
            line_server = False
        if line_server and not server and (server_named or year):
            notes.append("a server operating system on a device not listed as a server")
        if not line_server and server and client_gen:
            notes.append("a client operating system on a device listed as a server")
        if line_server:
            server_edition = edition_id.name if edition_id and not edition_id.family else None
            return self._windows_server(
                text, server_edition or edition_text, nt, build, year, is_hci, evaluation, notes
            )
        return self._windows_client(
            text,
            edition_text,
            edition_id,
            nt,
            build,
            feature,
            client_gen.group(1) if client_gen else None,
            evaluation,
            notes,
        )

    def _windows_other(
        self, text: str, nt: tuple[int, int] | None, build: int | None, evaluation: bool
    ) -> OsRecognition:
        cycle: str | None = None
        if re.search(r"\bposready 7\b", text):
            cycle = "posready-7"
        elif re.search(r"\bcompact 2013\b", text):
            cycle = "compact-2013"
        elif re.search(r"\bcompact 7\b", text):
            cycle = "compact-7"
        elif re.search(r"\b8\.1 industry\b", text):
            cycle = "8.1-industry"
        elif re.search(r"\b8\.1 pro\b", text):
            cycle = "8.1-pro"
        elif re.search(r"\bembedded standard\b", text) and (
            re.search(r"\bstandard 7\b", text) or build in (7600, 7601) or nt == (6, 1)
        ):
            cycle = "standard-7-sp1"
        product = self._products.get("windows-embedded")
        release = product.release(cycle) if product and cycle else None
        note = None if release else "Windows Embedded: release not recognisable"
        return OsRecognition(OsFamily.WINDOWS_OTHER, None, release, None, evaluation, note)

    def _windows_server(
        self,
        text: str,
        edition_text: str | None,
        nt: tuple[int, int] | None,
        build: int | None,
        year: re.Match[str] | None,
        is_hci: bool,
        evaluation: bool,
        notes: list[str],
    ) -> OsRecognition:
        edition = _server_edition(edition_text.lower()) if edition_text else None
        edition = edition or _server_edition(text)
        if is_hci:
            generation = HCI_BUILDS.get(build) if build is not None else None
            if generation is None:
                notes.append(
                    "Azure Stack HCI version unknown"
                    if build is None
                    else f"Azure Stack HCI build {build} unknown"
                )
            notes.append("Azure Stack HCI lifecycle is not in the snapshot")
            return _result(
                OsFamily.WINDOWS_SERVER, generation, None, "Azure Stack HCI", evaluation, notes
            )
        named: str | None = None
        if re.search(r"\bsmall business server 2011\b|\bsbs 2011\b", text):
            named = "2008 R2"
        elif year:
            # R2 is its own release only for 2008 and 2012 (2003 R2 has 2003's lifecycle).
            r2 = bool(year.group(2)) and year.group(1) in ("2008", "2012")
            named = year.group(1) + (" R2" if r2 else "")
        else:
            sac = _SAC.search(text)
            named = sac.group(1).upper() if sac else None
        by_build: str | None = None
        if build is not None:
            by_build = self._server_builds.get(build) or SERVER_OLD_BUILDS.get(build)
            if by_build is None:
                notes.append(f"build {build} is not a known Windows Server build")
        by_nt = SERVER_NT.get(nt) if nt else None
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
            notes.append(
                "Windows Server release not recognisable"
                + ("" if build or nt else ": build missing")
            )
            return _result(OsFamily.WINDOWS_SERVER, None, None, edition, evaluation, notes)
        release = self._release("windows-server", SERVER_CYCLES.get(generation))
        if release is None:
            notes.append(f"no lifecycle data for Windows Server {generation}")
        elif generation in _SP_BUILDS and build is not None and build not in _SP_BUILDS[generation]:
            notes.append(f"build {build} predates {release.label}; its dates are used")
        return _result(OsFamily.WINDOWS_SERVER, generation, release, edition, evaluation, notes)

    def _windows_client(
        self,
        text: str,
        edition_text: str | None,
        edition_id: _Edition | None,
        nt: tuple[int, int] | None,
        build: int | None,
        feature: str | None,
        named: str | None,
        evaluation: bool,
        notes: list[str],
    ) -> OsRecognition:
        named_gen = {"xp": "XP", "vista": "Vista"}.get(named or "", named)
        if named_gen in ("me", "98", "95", "nt"):
            notes.append(f"Windows {named_gen.upper() if named_gen else ''}: long unsupported")
            return _result(OsFamily.WINDOWS_CLIENT, None, None, None, evaluation, notes)
        both = f"{text} {edition_text or ''}"
        lts = bool(_LTS.search(both)) or bool(edition_id and edition_id.lts)
        iot = bool(re.search(r"\biot\b", both))
        lts_year_match = _LTS_YEAR.search(text)
        lts_year = (
            int(lts_year_match.group(1) or lts_year_match.group(2)) if lts_year_match else None
        )
        if edition_id is not None:
            ed = edition_id
        else:
            ed = (
                _client_edition(edition_text, lts, iot) if edition_text else _Edition(None, "", lts)
            )
            if ed.name is None:
                ed = _client_edition(text, lts, iot)
        if build is None and lts_year is not None:
            build = LTS_BUILDS[lts_year]
        if feature is None:
            name_feature = _FEATURE.search(text)
            if name_feature:
                feature = name_feature.group(1).upper()
            elif named_gen == "10":
                old = re.search(r"\b(1507|1511|1607|1703|1709|1803|1809|1903|1909|2004)\b", text)
                feature = old.group(1) if old else None
        by_build: str | None = None
        build_feature: str | None = None
        if build is not None:
            if build in self._client_builds:
                by_build = "11" if build >= 22000 else "10"
                build_feature = self._client_builds[build]
            elif build in CLIENT_OLD_BUILDS:
                by_build = CLIENT_OLD_BUILDS[build]
            elif build >= 22000:
                by_build = "11"
            elif build >= 10240:
                by_build = "10"
            if by_build in ("10", "11") and build_feature is None:
                notes.append(f"build {build} is not in the snapshot")
        by_nt = CLIENT_NT.get(nt) if nt else None
        generation = by_build or named_gen or by_nt
        if named_gen and by_build and named_gen != by_build:
            notes.append(
                f"the name says Windows {named_gen} but build {build} is Windows {by_build}"
            )
        if generation is None:
            notes.append(
                "Windows release not recognisable" + ("" if build or nt else ": build missing")
            )
            return _result(OsFamily.WINDOWS_CLIENT, None, None, ed.name, evaluation, notes)
        if build_feature is not None:
            if feature and feature != build_feature:
                notes.append(f"version {feature} does not match build {build} ({build_feature})")
            feature = build_feature
        release: ProductRelease | None
        if generation in CLIENT_CYCLES:
            release = self._release("windows", CLIENT_CYCLES[generation])
            sp_builds = _SP_BUILDS.get(generation)
            if release and sp_builds and build is not None and build not in sp_builds:
                notes.append(f"build {build} predates {release.label}; its dates are used")
        elif generation in ("10", "11"):
            release = self._client_release(generation, feature, build, ed, lts, iot, notes)
        else:
            release = None
            notes.append(f"no lifecycle data for Windows {generation}")
        return _result(OsFamily.WINDOWS_CLIENT, generation, release, ed.name, evaluation, notes)

    def _client_release(
        self,
        generation: str,
        feature: str | None,
        build: int | None,
        edition: _Edition,
        lts: bool,
        iot: bool,
        notes: list[str],
    ) -> ProductRelease | None:
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
        key = re.sub(r"\s*[-_]?\s*r2$", " R2", generation.strip(), flags=re.IGNORECASE).upper()
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
