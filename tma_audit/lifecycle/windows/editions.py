"""Windows editions: the words names use (localised spellings included) and EditionIDs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tma_audit.lifecycle.products import fold

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
_LTSB = re.compile(r"\bltsb\b")
_N_SUFFIX = re.compile(r"\b(k?n)\b")
_HYPER_V_SERVER = re.compile(r"\bhyper ?-?v server\b")
HCI = re.compile(r"\bazure stack hci\b|\bazure local\b")
_STORAGE_SERVER = re.compile(r"\bstorage server\b")
_STORAGE_WORDS = tuple(
    (re.compile(rf"\b{word}\b"), word)
    for word in ("workgroup", "essentials", "standard", "enterprise")
)
_NOT_LETTERS = re.compile(r"[^a-z]")


@dataclass(frozen=True, slots=True)
class Edition:
    name: str | None
    family: str  # "e", "w" or ""
    lts: bool


def client_edition(text: str, lts: bool, iot: bool) -> Edition:
    for pattern, edition, family in _CLIENT_EDITIONS:
        if pattern.search(text):
            name = edition
            if iot and edition == "Enterprise":
                name = "IoT Enterprise"
            if lts and name in ("Enterprise", "IoT Enterprise"):
                name += " LTSB" if _LTSB.search(text) else " LTSC"
            suffix = _N_SUFFIX.search(text)
            if suffix and not name.endswith((" N", " KN")):
                name += " " + suffix.group(1).upper()
            return Edition(name, family, lts)
    if lts or iot:
        name = ("IoT " if iot else "") + "Enterprise" + (" LTSC" if lts else "")
        return Edition(name, "e", lts)
    return Edition(None, "", lts)


def server_edition(text: str) -> str | None:
    if _HYPER_V_SERVER.search(text):
        return "Hyper-V Server"
    if HCI.search(text):
        return "Azure Stack HCI"
    storage = _STORAGE_SERVER.search(text)
    for pattern, edition in _SERVER_EDITIONS:
        if pattern.search(text):
            if storage and edition != "Web Server":
                return f"Storage Server {edition}"
            return edition
    if storage:
        for pattern, word in _STORAGE_WORDS:
            if pattern.search(text):
                return f"Storage Server {word.capitalize()}"
        return "Storage Server"
    return None


def edition_param(edition: str | None) -> tuple[str | None, Edition | None]:
    """The caller's edition column: an EditionID ("EnterpriseS") or a name ("Enterprise")."""
    if not edition:
        return None, None
    folded = fold(edition)
    key = _NOT_LETTERS.sub("", folded)
    if key in _EDITION_IDS:
        name, family, lts = _EDITION_IDS[key]
        return folded, Edition(name, family, lts)
    return folded, None
