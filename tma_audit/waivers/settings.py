"""Draft settings: the provider's details, page size, and the wording template.

A settings file (YAML, `--settings FILE`) is optional; everything has a default:

    provider:
      legal_name: InfiNet Solutions Ltd
      address: [Unit 4, Example Park, Leeds LS1 1AA]   # text or lines
      contact: accounts@infinet.example                 # optional
      signatory: {name: Dana Whitfield, title: Account Manager}   # optional
    page_size: A4              # or letter
    language: en-GB            # the drafts' language (BCP 47), for screen readers
    control_lines: 4           # blank lines for compensating controls
    wording: my-wording.yaml   # relative to this file; default: the shipped template

The wording template (`templates/wording.yaml` in the package) is a mapping of texts
with `$placeholders`; a replacement may leave keys out to keep the default text.
"""

from __future__ import annotations

import difflib
import importlib.resources
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tma_audit.errors import WaiverError
from tma_audit.yamlio import Node, parse_yaml, read_yaml_file

#: The placeholders a wording text may use.
PLACEHOLDERS = (
    "provider",
    "client",
    "client_contact",
    "audit_date",
    "expires",
    "ruleset",
    "document_id",
    "version",
    "finding_count",
    "item_count",
    "scope",
)
#: without a settings file the provider is a placeholder to fill in, never a made-up
#: company: no draft goes out under a wrong name (the CLI warns)
DEFAULT_PROVIDER = "[Provider legal name]"
PAGE_SIZES = ("A4", "letter")
#: the shipped wording is English
DEFAULT_LANGUAGE = "en"
#: a language tag as BCP 47 writes it: en, en-GB, de-CH, pt-BR, zh-Hant-TW
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True, slots=True)
class Provider:
    legal_name: str = DEFAULT_PROVIDER
    address: tuple[str, ...] = ()
    contact: str | None = None
    signatory_name: str | None = None
    signatory_title: str | None = None


@dataclass(frozen=True, slots=True)
class Wording:
    """The texts of a draft, by key, with `$placeholders` checked when loaded."""

    texts: Mapping[str, str]

    def render(self, key: str, values: Mapping[str, str]) -> str:
        return string.Template(self.texts[key]).substitute(values)


_DEFAULT_WORDING: Wording | None = None


def default_wording_text() -> str:
    return (
        importlib.resources.files("tma_audit.waivers") / "templates" / "wording.yaml"
    ).read_text(encoding="utf-8")


def default_wording() -> Wording:
    global _DEFAULT_WORDING  # noqa: PLW0603 - parsed once per process
    if _DEFAULT_WORDING is None:
        root = parse_yaml(default_wording_text(), "wording template (default)", WaiverError)
        _DEFAULT_WORDING = Wording(_wording_texts(root, "wording template (default)", None))
    return _DEFAULT_WORDING


@dataclass(frozen=True, slots=True)
class DraftSettings:
    provider: Provider = field(default_factory=Provider)
    wording: Wording = field(default_factory=default_wording)
    page_size: str = "A4"
    control_lines: int = 4
    #: the language of the wording (a BCP 47 tag), the tagged PDF's /Lang
    language: str = DEFAULT_LANGUAGE


def load_wording(path: Path) -> Wording:
    """A replacement wording file: keys it leaves out keep the default text."""
    root = read_yaml_file(path, WaiverError)
    base = default_wording()
    texts = _wording_texts(root, str(path), base.texts)
    return Wording({**base.texts, **texts})


def _wording_texts(root: Node | None, file: str, known: Mapping[str, str] | None) -> dict[str, str]:
    if root is None:
        return {}
    if root.kind != "map" or root.mapping is None:
        raise WaiverError(f"expected a mapping of texts, got {root.describe()}", file=file, line=1)
    key_lines = root.key_lines or {}
    out: dict[str, str] = {}
    for key, node in root.mapping.items():
        line = key_lines.get(key, root.line)
        if known is not None and key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise WaiverError(
                f"unknown wording key {key!r}{hint}; the template's keys are: {', '.join(known)}",
                file=file,
                line=line,
                field=key,
            )
        if node.kind != "scalar" or node.is_null:
            raise WaiverError(
                f"expected text, got {node.describe()}", file=file, line=line, field=key
            )
        template = string.Template(node.text)
        if not template.is_valid():
            raise WaiverError(
                "a '$' that is not a placeholder: write $$ for a dollar sign",
                file=file,
                line=node.line,
                field=key,
            )
        unknown = [name for name in template.get_identifiers() if name not in PLACEHOLDERS]
        if unknown:
            raise WaiverError(
                f"unknown placeholder ${unknown[0]}; known: "
                f"{', '.join('$' + p for p in PLACEHOLDERS)}",
                file=file,
                line=node.line,
                field=key,
            )
        out[key] = node.text
    return out


def load_settings(path: Path | None) -> DraftSettings:
    """The settings file's settings, or the defaults when `path` is None."""
    if path is None:
        return DraftSettings()
    file = str(path)
    root = read_yaml_file(path, WaiverError)
    if root is None:
        return DraftSettings()
    top = _mapping(
        root, file, "", ("provider", "page_size", "control_lines", "language", "wording")
    )
    provider = Provider()
    if "provider" in top:
        body = _mapping(
            top["provider"],
            file,
            "provider",
            ("legal_name", "address", "contact", "signatory"),
        )
        signatory: dict[str, Node] = {}
        if "signatory" in body:
            signatory = _mapping(body["signatory"], file, "provider.signatory", ("name", "title"))
        provider = Provider(
            legal_name=_text(body.get("legal_name"), file, "provider.legal_name")
            or DEFAULT_PROVIDER,
            address=_lines(body.get("address"), file, "provider.address"),
            contact=_text(body.get("contact"), file, "provider.contact"),
            signatory_name=_text(signatory.get("name"), file, "provider.signatory.name"),
            signatory_title=_text(signatory.get("title"), file, "provider.signatory.title"),
        )
    page_size = "A4"
    if "page_size" in top:
        value = _text(top["page_size"], file, "page_size") or "A4"
        matches = [size for size in PAGE_SIZES if size.lower() == value.lower()]
        if not matches:
            raise WaiverError(
                f"unknown page size {value!r}; expected A4 or letter",
                file=file,
                line=top["page_size"].line,
                field="page_size",
            )
        page_size = matches[0]
    control_lines = 4
    if "control_lines" in top:
        node = top["control_lines"]
        text = _text(node, file, "control_lines") or ""
        # ASCII digits only: str.isdigit also takes '²', which int() refuses
        if not re.fullmatch(r"[0-9]{1,2}", text) or not 0 <= int(text) <= 20:
            raise WaiverError(
                f"expected a whole number from 0 to 20, got {text!r}",
                file=file,
                line=node.line,
                field="control_lines",
            )
        control_lines = int(text)
    language = DEFAULT_LANGUAGE
    if "language" in top:
        node = top["language"]
        language = _text(node, file, "language") or DEFAULT_LANGUAGE
        if not _LANGUAGE.fullmatch(language):
            raise WaiverError(
                f"expected a language tag such as en, en-GB or de-CH, got {language!r}",
                file=file,
                line=node.line,
                field="language",
            )
    wording = default_wording()
    if "wording" in top:
        name = _text(top["wording"], file, "wording")
        if name:
            from tma_audit.fileio import RefusedReference, resolve_reference

            try:
                wording_path = resolve_reference(name, path.parent)
            except RefusedReference as exc:
                raise WaiverError(
                    str(exc), file=file, line=top["wording"].line, field="wording"
                ) from None
            wording = load_wording(wording_path)
    return DraftSettings(provider, wording, page_size, control_lines, language)


def _mapping(node: Node, file: str, field: str, allowed: tuple[str, ...]) -> dict[str, Node]:
    if node.kind != "map" or node.mapping is None:
        raise WaiverError(
            f"expected a mapping, got {node.describe()}", file=file, line=node.line, field=field
        )
    for key in node.mapping:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise WaiverError(
                f"unknown key {key!r}{hint}; expected one of: {', '.join(allowed)}",
                file=file,
                line=(node.key_lines or {}).get(key, node.line),
                field=f"{field}.{key}" if field else key,
            )
    return node.mapping


def _text(node: Node | None, file: str, field: str) -> str | None:
    if node is None or node.is_null:
        return None
    if node.kind != "scalar":
        raise WaiverError(
            f"expected text, got {node.describe()}", file=file, line=node.line, field=field
        )
    return " ".join(node.text.split()) or None


def _lines(node: Node | None, file: str, field: str) -> tuple[str, ...]:
    if node is None or node.is_null:
        return ()
    if node.kind == "seq" and node.items is not None:
        return tuple(t for t in (_text(item, file, field) for item in node.items) if t)
    if node.kind == "scalar":
        return tuple(line.strip() for line in node.text.splitlines() if line.strip())
    raise WaiverError(
        f"expected text or a list of lines, got {node.describe()}",
        file=file,
        line=node.line,
        field=field,
    )
