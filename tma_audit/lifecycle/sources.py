"""Upstream documents: validate them, and turn them into snapshot records. Pure.

Two sources feed a refresh (see docs/data.md):

- endoflife.date API v1, ``/api/v1/products/{slug}/``: one product with its release
  cycles (``ProductResponse`` in the API's OpenAPI description);
- a Windows update history: a JSON document shaped like DataForGeeks'
  ``win-buildnumbers.json`` (``metadata.lastCollected`` and one row per update).

Every check here raises SourceError with a message that says what was wrong; nothing is
used until the whole document passed. The records produced have the shape the snapshot
builder (:mod:`tma_audit.lifecycle.builder`) writes, so the snapshot loader reads them
unchanged; the builder reads its update history with :func:`parse_update_history` too.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tma_audit.lifecycle.bounded import JsonLimitError, loads
from tma_audit.lifecycle.shape import Shape

#: Where endoflife.date serves its API v1 (a setting may name a mirror).
DEFAULT_ENDOFLIFE_URL = "https://endoflife.date/api/v1"
#: The endoflife.date API major version this code understands (schema_version "1.x.y").
API_SCHEMA_MAJOR = "1"
#: Update kinds that count as cumulative updates (the snapshot builder keeps the same).
#: Previews are optional non-security updates; Hotpatch revisions are numbered below the
#: same month's cumulative update (26100.9106 hotpatch vs 26100.9168 CU on 2026-08-11), so
#: mixing them in would make "the latest update" go backwards for every device that is not
#: enrolled in hotpatching.
KEPT_UPDATE_TYPES = frozenset({"Standard", "Out-of-band"})

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HTML_TAG = re.compile(r"<[^>]+>")
_LTS_SUFFIX = re.compile(r" \([^()]*\)$")
_BUILD = re.compile(r"(\d+)\.(\d+)")
_KB = re.compile(r"KB\d+")
_FEATURE_RELEASE = re.compile(r"\d\dH\d")


class SourceError(Exception):
    """An upstream document that cannot be used; the message says why."""


# --- decoding ----------------------------------------------------------------------------


def decode_json(body: bytes, content_type: str | None) -> Any:
    """The JSON value of a response body; an HTML page or broken JSON is a SourceError."""
    kind = (content_type or "").split(";")[0].strip().lower()
    head = body.lstrip()[:64].lower()
    if "html" in kind or head.startswith((b"<!doctype", b"<html", b"<")):
        shown = kind or "no Content-Type"
        raise SourceError(f"the answer is an HTML page ({shown}), not JSON")
    if not body.strip():
        raise SourceError("the answer is empty")
    try:
        return loads(body.decode("utf-8"), max_bytes=len(body))
    except UnicodeDecodeError as exc:
        raise SourceError(f"the answer is not UTF-8 text: {exc.reason}") from None
    except JsonLimitError as exc:
        raise SourceError(f"the answer is not acceptable JSON: {exc}") from None
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"the answer is not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg}); "
            "it may have been cut short"
        ) from None


# --- small validators --------------------------------------------------------------------


_shape = Shape(SourceError)
_obj, _list, _str, _opt_str, _bool = (
    _shape.obj,
    _shape.array,
    _shape.text,
    _shape.opt_text,
    _shape.flag,
)


def _opt_date(value: Any, where: str) -> str | None:
    """An ISO date (kept as its text) or null."""
    if value is None:
        return None
    text = _str(value, where)
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        dt.date.fromisoformat(text)
    except ValueError:
        raise SourceError(f"{where}: not a date: {text!r}") from None
    return text


def _datetime(value: Any, where: str) -> dt.datetime:
    text = _str(value, where)
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SourceError(f"{where}: not a date and time: {text!r}") from None


# --- endoflife.date API v1 ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiProduct:
    """A validated ``/api/v1/products/{slug}/`` answer."""

    name: str
    label: str
    category: str
    aliases: tuple[str, ...]
    link: str | None
    policy: str | None
    releases: tuple[dict[str, Any], ...]  # snapshot release records, newest first
    schema_version: str
    generated_at: dt.datetime


def parse_product_response(data: Any, expected: str) -> ApiProduct:
    """Validate an API v1 product answer for the product ``expected`` (a slug we asked for).

    The answer may name the product differently after a 301 (a renamed product): then the
    slug we asked for must be one of its aliases.
    """
    top = _obj(data, "answer")
    version = _str(top.get("schema_version"), "schema_version")
    if version.split(".")[0] != API_SCHEMA_MAJOR:
        raise SourceError(
            f"schema_version {version!r} is not supported (expected {API_SCHEMA_MAJOR}.x)"
        )
    generated = _datetime(top.get("generated_at"), "generated_at")
    if top.get("last_modified") is not None:
        _datetime(top["last_modified"], "last_modified")
    result = _obj(top.get("result"), "result")
    name = _str(result.get("name"), "result.name")
    aliases = tuple(_str(a, "result.aliases[]") for a in _list(result.get("aliases"), "aliases"))
    if expected not in (name, *aliases):
        raise SourceError(f"asked for product {expected!r}, the answer is about {name!r}")
    links = _obj(result.get("links", {}), "result.links")
    raw_releases = _list(result.get("releases"), "result.releases")
    if not raw_releases:
        raise SourceError("result.releases: no release cycles")
    releases: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_releases):
        record = _api_release(raw, f"result.releases[{index}]")
        if record["cycle"] in seen:
            raise SourceError(f"result.releases: cycle {record['cycle']!r} listed twice")
        seen.add(record["cycle"])
        releases.append(record)
    return ApiProduct(
        name=name,
        label=_str(result.get("label"), "result.label"),
        category=_str(result.get("category"), "result.category"),
        aliases=aliases,
        link=_opt_str(links.get("html"), "result.links.html"),
        policy=_opt_str(links.get("releasePolicy"), "result.links.releasePolicy"),
        releases=tuple(releases),
        schema_version=version,
        generated_at=generated,
    )


def _phase(raw: dict[str, Any], flag_key: str, date_key: str, where: str) -> str | bool | None:
    """A lifecycle phase as the snapshot stores it: its end date, else a flag, else None.

    The API omits both keys when a product has no such phase; ``isEoes`` is null when a
    release is not eligible for extended support.
    """
    if flag_key not in raw and date_key not in raw:
        return None
    date = _opt_date(raw.get(date_key), f"{where}.{date_key}")
    flag = raw.get(flag_key)
    if flag is not None:
        _bool(flag, f"{where}.{flag_key}")
    if date is not None:
        return date
    return flag if isinstance(flag, bool) else None


def _api_release(raw: Any, where: str) -> dict[str, Any]:
    item = _obj(raw, where)
    cycle = _str(item.get("name"), f"{where}.name")
    where = f"{where} ({cycle})"
    label = _HTML_TAG.sub("", _str(item.get("label"), f"{where}.label"))
    is_lts = _bool(item.get("isLts"), f"{where}.isLts")
    lts_from = _opt_date(item.get("ltsFrom"), f"{where}.ltsFrom")
    _bool(item.get("isEol"), f"{where}.isEol")
    latest_raw = item.get("latest")
    latest = link = None
    if latest_raw is not None:
        latest_obj = _obj(latest_raw, f"{where}.latest")
        latest = _str(latest_obj.get("name"), f"{where}.latest.name").strip() or None
        _opt_date(latest_obj.get("date"), f"{where}.latest.date")
        link = _opt_str(latest_obj.get("link"), f"{where}.latest.link")
    record: dict[str, Any] = {
        "cycle": cycle,
        # endoflife.date's API appends " (LTS)" to the label of LTS cycles; the product
        # pages (and so the snapshot) do not.
        "eol_label": _LTS_SUFFIX.sub("", label) if is_lts else label,
        "release_date": _opt_date(item.get("releaseDate"), f"{where}.releaseDate"),
        "eoas": _phase(item, "isEoas", "eoasFrom", where),
        "eol": _phase(item, "isEol", "eolFrom", where),
        "eoes": _phase(item, "isEoes", "eoesFrom", where),
        "lts": lts_from if (is_lts and lts_from) else is_lts,
        "latest": latest,
        "codename": _opt_str(item.get("codename"), f"{where}.codename"),
        "link": link,
    }
    return {k: v for k, v in record.items() if v is not None and (v is not False or k != "lts")}


def merge_product(
    base: Mapping[str, Any], slug: str, api: ApiProduct, facts: list[dict[str, Any]]
) -> dict[str, Any]:
    """The snapshot record of a product: the API's releases, our labels and curated facts.

    Cycles the snapshot already knows keep their display label, label and notes (the rules
    match inventory text against them; the snapshot builder cross-checks them with the
    API). New cycles get a label built like their siblings'. Curated facts (an ESU end
    endoflife.date lacks, the last free revision) are applied again, as the builder does.
    """
    known = {r["cycle"]: r for r in base.get("releases", [])}
    releases: list[dict[str, Any]] = []
    for api_release in api.releases:
        record = dict(api_release)
        old = known.get(record["cycle"])
        if old is not None:
            record["eol_label"] = old.get("eol_label", record["eol_label"])
            record["label"] = old.get("label", record["eol_label"])
            if "link" not in record and old.get("link"):
                record["link"] = old["link"]  # the builder renders changelog templates
            if old.get("notes"):
                record["notes"] = list(old["notes"])
        else:
            record["label"] = _display_label(slug, list(known.values()), record["eol_label"])
        releases.append(dict(sorted(record.items())))
    by_cycle = {r["cycle"]: r for r in releases}
    for fact in facts:
        if fact.get("product") != slug:
            continue
        release = by_cycle.get(str(fact.get("cycle")))
        if release is None:
            continue
        field, value = fact.get("field"), fact.get("value")
        if field == "eoes" and release.get("eoes") is None:
            release["eoes"] = value
        elif field == "last_free_revision":
            release["last_free_revision"] = value
    aliases = set(base.get("aliases", [])) | set(api.aliases) | ({api.name} - {slug})
    product: dict[str, Any] = {
        **copy.deepcopy(dict(base)),
        "label": api.label,
        "category": api.category,
        "aliases": sorted(aliases - {slug}),
        "releases": releases,
    }
    if api.link:
        product["link"] = api.link
    if api.policy:
        product["policy"] = api.policy
    return product


def _marks(label: str) -> str:
    """Windows' edition marks spelt out, as the snapshot builder does."""
    return label.replace("(E)", "(Enterprise/Education)").replace("(W)", "(Home/Pro)")


def _display_label(slug: str, siblings: list[dict[str, Any]], eol_label: str) -> str:
    """A readable label for a new cycle: the prefix its siblings' labels share."""
    prefixes: Counter[str] = Counter()
    for sibling in siblings:
        label, short = str(sibling.get("label", "")), _marks(str(sibling.get("eol_label", "")))
        if short and label != short and label.endswith(short):
            prefixes[label[: -len(short)]] += 1
    text = _marks(eol_label) if slug == "windows" else eol_label
    if not prefixes:
        return text
    prefix = prefixes.most_common(1)[0][0]
    if text.lower().startswith(prefix.strip().lower()):
        return text
    return f"{prefix}{text}"


# --- Windows update history --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpdateHistoryDoc:
    """A validated Windows update history, in the snapshot's shapes."""

    collected: dt.date
    updates: dict[str, dict[str, list[str]]]  # {"client"|"server": {build: ["rev:KB:date"]}}
    client_builds: dict[str, str]  # build -> feature release ("22H2")
    server_builds: dict[str, str]  # build -> server generation ("2022", "23H2")
    provider: str | None
    licence: str | None
    source_urls: tuple[str, ...]
    #: Builds the history gives two generations ("server build 20348 is both 2022 and
    #: 21H2"); the first is kept. A refresh takes the history anyway, the snapshot builder
    #: refuses it.
    conflicts: tuple[str, ...] = ()


def parse_update_history(data: Any, expected_lines: Mapping[str, Any]) -> UpdateHistoryDoc:
    """Validate a Windows update history (the shape of DataForGeeks' win-buildnumbers.json).

    ``expected_lines`` is the snapshot's ``updates`` table: every build line it knows must
    still be present (a source that lost lines is not trusted).
    """
    top = _obj(data, "answer")
    meta = _obj(top.get("metadata"), "metadata")
    collected = _datetime(meta.get("lastCollected"), "metadata.lastCollected").date()
    rows = _list(top.get("data"), "data")
    if not rows:
        raise SourceError("data: no updates")
    count = meta.get("recordCount")
    if count is not None and count != len(rows):
        raise SourceError(
            f"data has {len(rows)} rows but metadata.recordCount says {count}; "
            "the document may be cut short"
        )
    lines: dict[tuple[str, int], dict[int, tuple[str, str]]] = defaultdict(dict)
    builds: dict[str, dict[str, str]] = {"client": {}, "server": {}}
    conflicts: list[str] = []
    for index, raw in enumerate(rows):
        where = f"data[{index}]"
        row = _obj(raw, where)
        os_type = _str(row.get("os_type"), f"{where}.os_type")
        if os_type not in ("client", "server"):
            raise SourceError(f"{where}.os_type: expected client or server, got {os_type!r}")
        build_text = _str(row.get("build"), f"{where}.build")
        match = _BUILD.fullmatch(build_text)
        if not match:
            raise SourceError(f"{where}.build: expected BUILD.REVISION, got {build_text!r}")
        build, revision = int(match.group(1)), int(match.group(2))
        generation = _row_generation(row, os_type)
        if generation is not None:
            previous = builds[os_type].setdefault(str(build), generation)
            if previous != generation:
                conflicts.append(f"{os_type} build {build} is both {previous} and {generation}")
        kind = _str(row.get("release_type"), f"{where}.release_type")
        if kind not in KEPT_UPDATE_TYPES:
            continue
        kb, released = _row_update(row, where, collected)
        existing = lines[(os_type, build)].get(revision)
        if existing is not None and existing != (kb, released):
            raise SourceError(f"{where}: {os_type} {build}.{revision} is listed twice")
        lines[(os_type, build)][revision] = (kb, released)
    updates: dict[str, dict[str, list[str]]] = {"client": {}, "server": {}}
    for (os_type, build), revisions in sorted(lines.items()):
        ordered = sorted(revisions.items(), key=lambda item: (item[1][1], item[0]))
        revs = [rev for rev, _ in ordered]
        if revs != sorted(revs):
            raise SourceError(f"{os_type} build {build}: revisions are not in date order")
        updates[os_type][str(build)] = [f"{rev}:{kb}:{day}" for rev, (kb, day) in ordered]
    missing = [
        f"{line} {build}"
        for line in ("client", "server")
        for build in sorted(_obj(expected_lines.get(line, {}), line), key=int)
        if build not in updates[line]
    ]
    if missing:
        raise SourceError(f"build lines missing from the history: {', '.join(missing)}")
    urls = meta.get("sourceUrls", [])
    return UpdateHistoryDoc(
        collected=collected,
        updates=updates,
        client_builds=builds["client"],
        server_builds=builds["server"],
        provider=_opt_str(meta.get("provider"), "metadata.provider"),
        licence=_opt_str(meta.get("licence", meta.get("license")), "metadata.licence"),
        source_urls=tuple(u for u in urls if isinstance(u, str)) if isinstance(urls, list) else (),
        conflicts=tuple(conflicts),
    )


def _row_generation(row: Mapping[str, Any], os_type: str) -> str | None:
    """The feature release ("22H2") or server generation ("2022", "23H2") a row names."""
    version = row.get("windows_version")
    if not (isinstance(version, str) and version.strip()):
        return None
    generation = version.strip().upper()
    if os_type == "server" and not _FEATURE_RELEASE.fullmatch(generation):
        generation = str(row.get("major_version", generation))
    return generation


def _row_update(row: Mapping[str, Any], where: str, collected: dt.date) -> tuple[str, str]:
    """A kept row's KB and release date, checked."""
    kb = _str(row.get("kb_article"), f"{where}.kb_article")
    if not _KB.fullmatch(kb):
        raise SourceError(f"{where}.kb_article: expected KBnnnnnnn, got {kb!r}")
    released = _opt_date(row.get("release_date"), f"{where}.release_date")
    if released is None:
        raise SourceError(f"{where}.release_date: missing")
    if dt.date.fromisoformat(released) > collected:
        raise SourceError(
            f"{where}: released {released}, after the history was collected ({collected})"
        )
    return kb, released
