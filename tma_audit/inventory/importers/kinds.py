"""Asset kinds from what an export says: a device-type text, the OS, the model."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from tma_audit.lifecycle import Lifecycle, OsFamily
from tma_audit.lifecycle.products import find_alias, fold
from tma_audit.model import AssetKind

if TYPE_CHECKING:
    from tma_audit.inventory.importers.profile import Rows

STATED, DERIVED, GUESSED = 3, 2, 1
"""How sure a kind is: a type column said it, the OS implies it, or a fallback."""


TypeKind = tuple[AssetKind, int] | Literal["skip"] | None

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TYPE_RULES: tuple[tuple[re.Pattern[str], AssetKind | None, int], ...] = tuple(
    (re.compile(pattern), kind, level)
    for pattern, kind, level in (
        (
            r"\b(?:printers?|mfp|copiers?|scanners?|(?:ip )?phones?|voip|mobile|smartphones?"
            r"|tablets?|ipad|iphone|ups|pdu|cameras?|cctv|nvr|dvr|monitors?|displays?|tv"
            r"|projectors?|iot|sensors?|thermostats?|audio|video|licen[cs]es?"
            r"|domains?(?! controllers?)"
            r"|contracts?|documents?|certificates?|ssl|websites?|pos terminal|badge)\b",
            None,
            0,
        ),
        (r"\bfirewalls?\b|\butm\b|\bfortigate\b|\bsecurity appliance\b", AssetKind.FIREWALL, 3),
        (r"\baccess ?points?\b|\bwap\b|\bwireless\b|\bwifi\b|\bap\b", AssetKind.ACCESS_POINT, 3),
        (r"\bswitch(?:es)?\b", AssetKind.SWITCH, 3),
        (r"\brouters?\b|\bgateways?\b", AssetKind.ROUTER, 3),
        (r"\blaptops?\b|\bnotebooks?\b|\bportable\b", AssetKind.NOTEBOOK, 3),
        (r"\bnas\b|\bstorage\b|\bsan\b", AssetKind.SERVER, 1),
        (
            r"\bservers?\b|\bhosts?\b|\bhypervisors?\b|\bvms?\b|\bvirtual machines?\b"
            r"|\bdomain controller\b|\besxi?\b|\bvmware\b",
            AssetKind.SERVER,
            3,
        ),
        (r"\bdesktops?\b|\bthin clients?\b|\ball in one\b|\btower\b", AssetKind.DESKTOP, 3),
        # a client computer, desktop or notebook: a notebook's model still makes a notebook
        (r"\bworkstations?\b|\bpcs?\b|\bcomputers?\b|\bclients?\b", AssetKind.DESKTOP, 2),
    )
)


def kind_from_type(text: str) -> TypeKind:
    """A device-type text -> (kind, how sure), "skip" (a printer, a phone …), or None."""
    folded = fold(_CAMEL.sub(" ", text)).replace("-", " ")
    if not folded:
        return None
    for pattern, kind, level in _TYPE_RULES:
        if pattern.search(folded):
            return "skip" if kind is None else (kind, level)
    return None


_FIREWALL_OS = frozenset(
    {"FortiOS", "PAN-OS", "Stormshield SNS", "OPNsense", "pfSense", "SonicOS"}
    | {"WatchGuard Fireware", "Cisco Meraki"}
)
_FAMILY_KIND: dict[OsFamily, tuple[AssetKind, int]] = {
    OsFamily.WINDOWS_SERVER: (AssetKind.SERVER, DERIVED),
    OsFamily.WINDOWS_CLIENT: (AssetKind.DESKTOP, DERIVED),
    OsFamily.WINDOWS_OTHER: (AssetKind.DESKTOP, DERIVED),
    OsFamily.MACOS: (AssetKind.DESKTOP, DERIVED),
    OsFamily.HYPERVISOR: (AssetKind.SERVER, DERIVED),
    # Linux could be either; an appliance (NetApp, F5, Cisco ISE) is no kind the model
    # has: closest is a server (MS-1 and the update rules are then not-applicable).
    OsFamily.LINUX: (AssetKind.SERVER, GUESSED),
    OsFamily.APPLIANCE: (AssetKind.SERVER, GUESSED),
    OsFamily.UNKNOWN: (AssetKind.DESKTOP, GUESSED),
}


def os_kind(
    lifecycle: Lifecycle,
    name: str | None,
    version: str | None,
    build: str | None,
    edition: str | None,
) -> tuple[AssetKind, int]:
    """The kind an OS implies: `Server` in a Windows name decides server vs workstation."""
    if name is None:
        return AssetKind.DESKTOP, GUESSED
    family = lifecycle.recognise_os(name, version, build, edition, False).family
    if family is OsFamily.NETWORK:
        found = find_alias(fold(name))
        if found is not None and found[0].name in _FIREWALL_OS:
            return AssetKind.FIREWALL, DERIVED
        return AssetKind.SWITCH, GUESSED
    return _FAMILY_KIND[family]


_NOTEBOOK_MODELS = re.compile(
    r"\b(?:latitude|thinkpad|elitebook|probook|zbook|macbook|surface (?:laptop|pro|book|go)"
    r"|xps 1[3-7]|yoga|ideapad|vivobook|zenbook|expertbook|spectre|travelmate|lifebook"
    r"|toughbook|dynabook|galaxy book|chromebook|notebook|laptop)\b"
)


def notebook_model(model: str) -> bool:
    """Whether a model name is a notebook's (Latitude, ThinkPad, MacBook, Surface Pro …)."""
    return bool(_NOTEBOOK_MODELS.search(fold(model)))


def notebooks_from_models(rows: Rows) -> None:
    """Workstations whose model is a notebook's are notebooks."""
    models = rows.col("model")
    verdicts: dict[str, bool] = {}
    for i, model in enumerate(models):
        if model is None or rows.kind[i] not in (None, AssetKind.DESKTOP):
            continue
        hit = verdicts.get(model)
        if hit is None:
            hit = verdicts[model] = notebook_model(model)
        if hit and rows.kind_level[i] <= DERIVED:
            rows.set_kind(i, AssetKind.NOTEBOOK, DERIVED)


def windows_build(version: str) -> bool:
    """Whether a version text is a full Windows build (`10.0.19045.6456`, `6.3.9600.1`)."""
    return bool(_WINDOWS_BUILD.fullmatch(version.strip()))


_WINDOWS_BUILD = re.compile(r"(?:10\.0|6\.[0-3]|5\.[0-2])\.\d{4,5}(?:\.\d+)?")


def camel_words(text: str) -> str:
    """`WindowsServer2019` -> `Windows Server 2019`; `RedHatEnterpriseLinux` likewise."""
    return re.sub(r"(?<=[a-z])(?=[A-Z0-9])|(?<=[0-9])(?=[A-Z])", " ", text)
