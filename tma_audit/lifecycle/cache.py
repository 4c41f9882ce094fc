"""The user's cache of refreshed lifecycle data, and the choice of the data an audit uses.

``tma-audit data update`` writes one file, ``snapshot.json``, in the user's cache directory
(``$XDG_CACHE_HOME/tma-audit`` on Linux, ``~/Library/Caches/tma-audit`` on macOS,
``%LOCALAPPDATA%\\tma-audit\\Cache`` on Windows). It is a snapshot in the shipped format,
plus a ``refresh`` section (ETag / Last-Modified per URL) that the loader ignores. It is
written atomically: a temporary file beside it, flushed, then renamed over it, so readers
see the old file or the new one, never a partial one.

Audits use the newer of the shipped snapshot and the cache (lifecycle date, then update
history date; a tie goes to the cache, which was checked against upstream). A cache that
cannot be read or parsed (JSON within the bounds of ``bounded``), or that is dated after
the day the caller passes, is a warning, and the shipped snapshot is used. No network,
no clock: only files.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from tma_audit.config import APP_NAME
from tma_audit.errors import DataError
from tma_audit.lifecycle.bounded import loads
from tma_audit.lifecycle.snapshot import (
    FORMAT_VERSION,
    MAX_SNAPSHOT_BYTES,
    SHIPPED_ORIGIN,
    SnapshotError,
    load_shipped,
    parse_snapshot,
)
from tma_audit.lifecycle.store import Lifecycle

CACHE_FILE = "snapshot.json"
CACHED_ORIGIN = "cached"


class CacheError(DataError):
    """The cache cannot be written (exit 3); the previous file is untouched."""


@dataclass(frozen=True, slots=True)
class SourceInfo:
    id: str
    description: str
    url: str
    licence: str
    date: str


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """What `data show` says about one snapshot."""

    kind: str  # "shipped" | "cached" | "pinned"
    file: str
    date: dt.date
    updates_date: dt.date | None
    sources: tuple[SourceInfo, ...]
    products: tuple[str, ...]

    @property
    def sort_key(self) -> tuple[dt.date, dt.date]:
        return (self.date, self.updates_date or dt.date.min)


@dataclass(frozen=True, slots=True)
class DataInUse:
    """The lifecycle data chosen for a run, the alternatives, and warnings to show."""

    lifecycle: Lifecycle
    info: SnapshotInfo
    document: Mapping[str, Any]  # the parsed JSON: the base of a refresh
    warnings: tuple[str, ...] = ()
    shipped: SnapshotInfo | None = None
    cached: SnapshotInfo | None = None
    cache_file: Path | None = None
    cache_problem: str | None = None

    @property
    def from_cache(self) -> bool:
        return self.info.kind == CACHED_ORIGIN


# --- where ---------------------------------------------------------------------------------


def default_cache_dir(env: Mapping[str, str], platform: str, home: Path) -> Path:
    """The platform's per-user cache directory for tma-audit."""
    if platform == "win32":
        local = env.get("LOCALAPPDATA")
        base = Path(local) if local else home / "AppData" / "Local"
        return base / APP_NAME / "Cache"
    if platform == "darwin":
        return home / "Library" / "Caches" / APP_NAME
    xdg = env.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".cache"
    return base / APP_NAME


def cache_file(cache_dir: Path) -> Path:
    return cache_dir / CACHE_FILE


# --- writing -------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once; on any failure the old file stays."""
    from tma_audit.fileio import write_file

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheError(f"cannot write the cache: {exc.strerror or exc}", file=str(path)) from None
    write_file(
        path,
        data,
        field=None,
        error=CacheError,
        durable=True,
        failure="cannot write the cache",
        replace_input=True,  # the cache is read, then refreshed
    )


def dump_document(document: Mapping[str, Any]) -> bytes:
    """A snapshot document as the builder writes it: sorted keys, stable."""
    return (json.dumps(document, sort_keys=True, indent=1, ensure_ascii=True) + "\n").encode()


def save_cache(cache_dir: Path, document: Mapping[str, Any]) -> SnapshotInfo:
    """Validate a snapshot document as an audit would load it, then write it atomically."""
    path = cache_file(cache_dir)
    raw = dump_document(document)
    parse_snapshot(raw, CACHED_ORIGIN, str(path))  # raises SnapshotError: nothing written
    info = summarize(loads(raw, max_bytes=MAX_SNAPSHOT_BYTES), CACHED_ORIGIN, str(path))
    write_atomic(path, raw)
    return info


# --- reading -------------------------------------------------------------------------------


def summarize(document: Any, kind: str, file: str) -> SnapshotInfo:
    """The dates, sources and products of a snapshot document (light validation)."""
    if not isinstance(document, dict):
        raise SnapshotError("invalid lifecycle snapshot: expected an object", file=file)
    if document.get("format") != FORMAT_VERSION:
        raise SnapshotError(
            f"invalid lifecycle snapshot: format {document.get('format')!r} is not supported "
            f"(expected {FORMAT_VERSION})",
            file=file,
        )
    try:
        date = dt.date.fromisoformat(document["date"])
        updates = document.get("updates_date")
        updates_date = None if updates is None else dt.date.fromisoformat(updates)
        sources = tuple(
            SourceInfo(
                id=str(s.get("id", "")),
                description=str(s["description"]),
                url=str(s.get("url", "")),
                licence=str(s.get("licence", "")),
                date=str(dt.date.fromisoformat(s["date"])),
            )
            for s in document.get("sources", [])
        )
        products = tuple(sorted(document["products"]))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SnapshotError(
            f"invalid lifecycle snapshot: bad date, source or product list ({exc})", file=file
        ) from None
    return SnapshotInfo(kind, file, date, updates_date, sources, products)


def _shipped_document() -> tuple[dict[str, Any], SnapshotInfo]:
    resource = resources.files("tma_audit.lifecycle").joinpath("data/snapshot.json")
    try:
        document = json.loads(resource.read_bytes())
    except (OSError, ValueError) as exc:
        raise SnapshotError(
            f"the shipped lifecycle snapshot cannot be read: {exc}", file=str(resource)
        ) from exc
    return document, summarize(document, SHIPPED_ORIGIN, str(resource))


def _read_cache(
    path: Path,
) -> tuple[bytes | None, dict[str, Any] | None, SnapshotInfo | None, str | None]:
    """(raw, document, info, problem); all None when there is no cache."""
    from tma_audit.fileio import read_input

    if not path.exists() and not path.is_symlink():
        return None, None, None, None
    try:
        raw = read_input(path, error=SnapshotError)
    except SnapshotError as exc:
        return None, None, None, str(exc)
    try:
        document = loads(raw, max_bytes=MAX_SNAPSHOT_BYTES)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, None, None, f"{path} is not valid JSON ({exc})"
    try:
        info = summarize(document, CACHED_ORIGIN, str(path))
    except SnapshotError as exc:
        return None, None, None, str(exc)
    return raw, document, info, None


def future_dates(info: SnapshotInfo, today: dt.date) -> str | None:
    """Why data dated after ``today`` (a day's slack for time zones) cannot be true."""
    latest = today + dt.timedelta(days=1)
    for what, day in (("lifecycle data", info.date), ("update history", info.updates_date)):
        if day is not None and day > latest:
            return f"its {what} is dated {day}, after today ({today})"
    return None


def load_best(cache_dir: Path | None, *, today: dt.date | None = None) -> DataInUse:
    """The newer of the shipped snapshot and the cached one; a broken cache is a warning.

    ``today`` (the clock's day, from the caller): a cache dated after it was poisoned by
    a source answering with future dates, and is not used.
    """
    shipped_doc, shipped_info = _shipped_document()
    path = cache_file(cache_dir) if cache_dir is not None else None
    raw, cached_doc, cached_info, problem = (
        _read_cache(path) if path is not None else (None, None, None, None)
    )
    if cached_info is not None and today is not None:
        problem = future_dates(cached_info, today)
        if problem is not None:
            raw = cached_doc = None
    if (
        raw is not None
        and cached_doc is not None
        and cached_info is not None
        and cached_info.sort_key >= shipped_info.sort_key
    ):
        try:
            lifecycle = parse_snapshot(raw, CACHED_ORIGIN, str(path))
        except SnapshotError as exc:
            problem = str(exc)
        else:
            return DataInUse(
                lifecycle=lifecycle,
                info=cached_info,
                document=cached_doc,
                shipped=shipped_info,
                cached=cached_info,
                cache_file=path,
            )
    warnings: tuple[str, ...] = ()
    if problem is not None:
        cached_info = None
        warnings = (
            f"the cached lifecycle data is unusable ({problem}); using the shipped snapshot "
            f"of {shipped_info.date} (run `tma-audit data update` to replace the cache)",
        )
    return DataInUse(
        lifecycle=load_shipped(),
        info=shipped_info,
        document=shipped_doc,
        warnings=warnings,
        shipped=shipped_info,
        cached=cached_info,
        cache_file=path,
        cache_problem=problem,
    )


def load_pinned(path: Path) -> DataInUse:
    """A snapshot file named by the user (``--data``): used as it is, or a SnapshotError."""
    from tma_audit.fileio import read_input

    raw = read_input(Path(path), error=SnapshotError, what="lifecycle snapshot")
    lifecycle = parse_snapshot(raw, str(path), str(path))
    document = loads(raw, max_bytes=MAX_SNAPSHOT_BYTES)
    return DataInUse(
        lifecycle=lifecycle, info=summarize(document, "pinned", str(path)), document=document
    )
