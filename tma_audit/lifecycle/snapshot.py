"""Loading a lifecycle snapshot (JSON written by scripts/build_lifecycle_snapshot.py)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from tma_audit.errors import DataError
from tma_audit.lifecycle.bounded import loads
from tma_audit.lifecycle.catalogue import Product, ReleaseFacts
from tma_audit.lifecycle.records import ProductRelease, UpdateInfo
from tma_audit.lifecycle.shape import Shape
from tma_audit.lifecycle.store import Lifecycle
from tma_audit.lifecycle.updates import UpdateHistory

#: The snapshot format this code reads.
FORMAT_VERSION = 1
#: The largest snapshot file read (the shipped one is about 0.3 MB).
MAX_SNAPSHOT_BYTES = 32 * 1024 * 1024
SHIPPED_ORIGIN = "shipped"


class SnapshotError(DataError):
    """A lifecycle snapshot that cannot be used (missing, corrupt, wrong format). Exit 3."""


class _Invalid(Exception):
    """Raised while parsing; turned into SnapshotError with the file name."""


def load_shipped() -> Lifecycle:
    """The snapshot shipped in the package (tma_audit/lifecycle/data/snapshot.json)."""
    return _load_shipped()


@cache
def _load_shipped() -> Lifecycle:
    resource = resources.files("tma_audit.lifecycle").joinpath("data/snapshot.json")
    try:
        raw = resource.read_bytes()
    except OSError as exc:
        raise SnapshotError(
            f"the shipped lifecycle snapshot cannot be read: {exc}", file=str(resource)
        ) from exc
    return parse_snapshot(raw, SHIPPED_ORIGIN, str(resource))


def load_snapshot(path: Path) -> Lifecycle:
    """A snapshot file; raises SnapshotError when it cannot be read or is not valid."""
    from tma_audit.fileio import read_input

    raw = read_input(Path(path), error=SnapshotError, what="lifecycle snapshot")
    return parse_snapshot(raw, str(path), str(path))


def parse_snapshot(raw: bytes, origin: str, file: str) -> Lifecycle:
    """Parse and validate snapshot bytes."""
    try:
        data = loads(raw, max_bytes=MAX_SNAPSHOT_BYTES)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"lifecycle snapshot is not valid JSON: {exc}", file=file) from exc
    try:
        return _build(data, origin)
    except _Invalid as exc:
        raise SnapshotError(f"invalid lifecycle snapshot: {exc}", file=file) from exc


# --- validation helpers -----------------------------------------------------------------


_shape = Shape(_Invalid)
_obj, _list, _str, _opt_str = _shape.obj, _shape.array, _shape.text, _shape.opt_text


def _date(value: Any, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(_str(value, where))
    except ValueError:
        raise _Invalid(f"{where}: not a date: {value!r}") from None


def _date_or_flag(value: Any, where: str) -> tuple[dt.date | None, bool | None]:
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, value
    return _date(value, where), None


# --- assembly ---------------------------------------------------------------------------


_DATE_KEYS = ("eol", "eoas", "eoes")


def _release(slug: str, label: str, raw: Any, where: str) -> tuple[ProductRelease, ReleaseFacts]:
    # Hot path (about 900 releases per load): validation inline, no helper per field.
    if not isinstance(raw, dict):
        raise _Invalid(f"{where}: expected an object")
    cycle = raw.get("cycle")
    if not isinstance(cycle, str):
        raise _Invalid(f"{where}.cycle: expected a string")
    dates: list[dt.date | None] = []
    flags: list[bool | None] = []
    try:
        for key in _DATE_KEYS:
            value = raw.get(key)
            if value is None or isinstance(value, bool):
                dates.append(None)
                flags.append(value)
            else:
                dates.append(dt.date.fromisoformat(value))
                flags.append(None)
        released = raw.get("release_date")
        release_date = None if released is None else dt.date.fromisoformat(released)
    except (TypeError, ValueError):
        raise _Invalid(f"{where} ({cycle}): a date field is not a date or boolean") from None
    free = raw.get("last_free_revision")
    if free is not None and (not isinstance(free, int) or isinstance(free, bool)):
        raise _Invalid(f"{where} ({cycle}).last_free_revision: expected an integer")
    text = {key: raw.get(key) for key in ("label", "link", "latest", "codename", "eol_label")}
    for key, value in text.items():
        if value is not None and not isinstance(value, str):
            raise _Invalid(f"{where} ({cycle}).{key}: expected a string")
    lts = raw.get("lts", False)
    release = ProductRelease(
        product=slug,
        product_label=label,
        cycle=cycle,
        label=text["label"] or cycle,
        release_date=release_date,
        support_end=dates[0],
        active_support_end=dates[1],
        esu_end=dates[2],
        last_free_revision=free,
        link=text["link"],
    )
    facts = ReleaseFacts(
        eol_flag=flags[0],
        esu_flag=flags[2],
        lts=lts is True or isinstance(lts, str),
        latest=text["latest"],
        codename=text["codename"],
        eol_label=text["eol_label"] or cycle,
    )
    return release, facts


def _products(raw: Any) -> dict[str, Product]:
    products: dict[str, Product] = {}
    for slug, value in sorted(_obj(raw, "products").items()):
        where = f"products.{slug}"
        item = _obj(value, where)
        label = _str(item.get("label", slug), f"{where}.label")
        releases = [
            _release(slug, label, r, f"{where}.releases[{i}]")
            for i, r in enumerate(_list(item.get("releases"), f"{where}.releases"))
        ]
        aliases = [_str(a, f"{where}.aliases") for a in _list(item.get("aliases", []), where)]
        category = _str(item.get("category", ""), f"{where}.category")
        products[slug] = Product(slug, label, category, aliases, releases)
    if not products:
        raise _Invalid("no products")
    return products


def _updates(raw: Any) -> UpdateHistory:
    lines: dict[tuple[bool, int], list[UpdateInfo]] = {}
    table = _obj(raw, "updates")
    for line, server in (("client", False), ("server", True)):
        for build_text, entries in _obj(table.get(line, {}), f"updates.{line}").items():
            where = f"updates.{line}.{build_text}"
            try:
                build = int(build_text)
                parsed = []
                for entry in _list(entries, where):
                    revision, kb, released = entry.split(":")
                    if not kb.startswith("KB"):
                        raise ValueError(kb)
                    parsed.append(
                        UpdateInfo(build, int(revision), kb, dt.date.fromisoformat(released))
                    )
            except (AttributeError, TypeError, ValueError):
                raise _Invalid(f"{where}: bad update entry") from None
            lines[(server, build)] = parsed
    return UpdateHistory(lines)


def _builds(raw: Any, where: str) -> dict[int, str]:
    result: dict[int, str] = {}
    for key, value in _obj(raw, where).items():
        try:
            result[int(key)] = _str(value, f"{where}.{key}")
        except ValueError:
            raise _Invalid(f"{where}: build {key!r} is not a number") from None
    return result


def _build(raw: Any, origin: str) -> Lifecycle:
    data = _obj(raw, "snapshot")
    if data.get("format") != FORMAT_VERSION:
        raise _Invalid(
            f"format {data.get('format')!r} is not supported (expected {FORMAT_VERSION})"
        )
    sources = tuple(
        (
            f"{_str(s.get('description'), 'sources.description')} "
            f"({_str(s.get('licence', ''), 'sources.licence')}): "
            f"{_str(s.get('url', ''), 'sources.url')}",
            _date(s.get("date"), "sources.date").isoformat(),
        )
        for s in (_obj(item, "sources[]") for item in _list(data.get("sources", []), "sources"))
    )
    updates_date = data.get("updates_date")
    windows = _obj(data.get("windows", {}), "windows")
    return Lifecycle(
        date=_date(data.get("date"), "date"),
        updates_date=None if updates_date is None else _date(updates_date, "updates_date"),
        origin=origin,
        sources=sources,
        products=_products(data.get("products")),
        updates=_updates(data.get("updates", {})),
        client_builds=_builds(windows.get("client_builds", {}), "windows.client_builds"),
        server_builds=_builds(windows.get("server_builds", {}), "windows.server_builds"),
    )
