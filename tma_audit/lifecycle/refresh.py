"""The refresh client: fetch, validate and merge upstream lifecycle data.

The only module that imports requests (ruff bans it elsewhere) and the only one that
touches the network; audits never import it. Every request has a timeout; transient
failures (connection errors, timeouts, cut-short bodies, 429, 5xx) are retried with
exponential backoff, and a 429's ``Retry-After`` is honoured; redirects (endoflife.date
answers 301 for a renamed product) are followed; ETag / Last-Modified from the previous
refresh make an unchanged resource cost a 304.

Three sources: endoflife.date (the lifecycle dates), Microsoft's Security Update Guide
(MSRC CVRF: the Windows security revisions, the default) and an optional mirror of the
Windows update history. Every answer has a deadline besides its read timeout (a server
sending a byte a second is cut off), and so has the whole run.

A source is taken whole or not at all: if any product fails, after retries, or any
answer fails validation, the lifecycle part of the previous data is kept, and the
outcome says what was wrong. The same holds for the Windows update history. Answers
dated after the day of fetching are refused, and so are implausible lifecycle changes
(unless accepted). The result is a new snapshot document; writing it (atomically) is
the caller's job.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import email.utils
import re
import socket
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from tma_audit import __version__
from tma_audit.lifecycle.msrc import (
    Month,
    merge_updates,
    not_after_today,
    parse_cvrf,
    parse_release_list,
)
from tma_audit.lifecycle.sources import (
    DEFAULT_ENDOFLIFE_URL,
    KEPT_UPDATE_TYPES,
    SourceError,
    decode_json,
    merge_product,
    parse_product_response,
    parse_update_history,
)

#: The file the update-history base URL serves (the shape of DataForGeeks' file).
UPDATES_FILE = "win-buildnumbers.json"
ENDOFLIFE = "endoflife.date"
UPDATES = "Windows update history"
#: Source ids in a snapshot's ``sources`` that each refreshed part replaces.
ENDOFLIFE_SOURCE_IDS = ("endoflife-date", "endoflife-date-api")
UPDATES_SOURCE_IDS = ("dataforgeeks-updates", "windows-updates")
_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_STATUS_TEXT = {
    400: "bad request",
    401: "unauthorised",
    403: "forbidden",
    404: "not found",
    410: "gone",
    429: "too many requests",
    500: "server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}


class FetchError(Exception):
    """A resource that could not be fetched; the message says why."""


@dataclass(frozen=True, slots=True)
class RefreshConfig:
    endoflife_url: str = DEFAULT_ENDOFLIFE_URL
    updates_url: str | None = None
    #: MSRC CVRF API base URL; None: not asked (the settings give Microsoft's by default)
    msrc_url: str | None = None
    timeout: float = 10.0  # seconds, to connect and between bytes read
    deadline: float = 300.0  # seconds for the whole run
    document_deadline: float = 120.0  # seconds for one answer, retries included
    accept_changes: bool = False  # take implausible lifecycle changes
    retries: int = 3  # after the first attempt
    backoff: float = 1.0  # first wait; doubles each retry
    max_backoff: float = 30.0
    max_retry_after: float = 300.0  # a longer Retry-After is a failure, not a wait
    max_bytes: int = 64 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class Validators:
    """What makes a request conditional: the previous answer's ETag and Last-Modified."""

    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def from_record(cls, record: Any) -> Validators | None:
        if not isinstance(record, dict):
            return None
        etag, modified = record.get("etag"), record.get("last_modified")
        found = cls(
            etag if isinstance(etag, str) else None,
            modified if isinstance(modified, str) else None,
        )
        return found if found.etag or found.last_modified else None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out

    def record(self) -> dict[str, str]:
        return {k: v for k, v in (("etag", self.etag), ("last_modified", self.last_modified)) if v}


@dataclass(frozen=True, slots=True)
class Answer:
    status: int  # 200 or 304
    url: str  # after redirects
    body: bytes
    content_type: str | None
    validators: Validators


class Deadline:
    """When a fetch must be over (a monotonic instant), and how to say so."""

    __slots__ = ("at", "what")
    at: float
    what: str

    def __init__(self, seconds: float, what: str, within: Deadline | None = None) -> None:
        at = _clock() + seconds
        if within is not None and within.at < at:
            at, what = within.at, within.what
        self.at = at
        self.what = what

    def left(self) -> float:
        return self.at - _clock()

    def error(self) -> FetchError:
        return FetchError(f"not answered within {self.what}")


def _clock() -> float:
    """The monotonic clock (a module function, so tests can move time)."""
    return time.monotonic()


class _Connections:
    """The connections a client opened, so a deadline can cut one mid-answer: the
    timeout bounds each read only, and a server sending a byte a second never trips it."""

    def __init__(self) -> None:
        self._items: weakref.WeakSet[HTTPConnection] = weakref.WeakSet()
        self._lock = threading.Lock()

    def add(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._items.add(connection)

    def cut(self) -> None:
        with self._lock:
            items = list(self._items)
        for connection in items:
            sock = getattr(connection, "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def adapter(self) -> HTTPAdapter:
        """A requests adapter whose connections register here."""
        connections = self

        class _Http(HTTPConnection):
            def connect(self) -> None:
                super().connect()
                connections.add(self)

        class _Https(HTTPSConnection):
            def connect(self) -> None:
                super().connect()
                connections.add(self)

        class _HttpPool(HTTPConnectionPool):
            ConnectionCls = _Http

        class _HttpsPool(HTTPSConnectionPool):
            ConnectionCls = _Https

        class _Adapter(HTTPAdapter):
            def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
                super().init_poolmanager(*args, **kwargs)
                self.poolmanager.pool_classes_by_scheme = {"http": _HttpPool, "https": _HttpsPool}

        return _Adapter()


class HttpClient:
    """GET with timeouts, deadlines, retries, backoff, Retry-After, redirects and
    conditional requests."""

    def __init__(
        self,
        config: RefreshConfig,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.config = config
        self._sleep = sleep or _pause
        self._connections = _Connections()
        self._session = session or requests.Session()
        if session is None:
            adapter = self._connections.adapter()
            self._session.mount("http://", adapter)
            self._session.mount("https://", adapter)
        self._session.max_redirects = config.max_redirects
        self._session.headers.update(
            {"User-Agent": f"tma-audit/{__version__}", "Accept": "application/json"}
        )

    def close(self) -> None:
        self._session.close()

    def get(
        self, url: str, validators: Validators | None = None, deadline: Deadline | None = None
    ) -> Answer:
        config = self.config
        headers = validators.headers() if validators else {}
        attempts = config.retries + 1
        problem = "no attempt made"
        for attempt in range(attempts):
            wait = min(config.max_backoff, config.backoff * 2**attempt)
            try:
                answer = self._once(url, headers, deadline)
            except _Retry as retry:
                problem = retry.reason
                if retry.after is not None:
                    if retry.after > config.max_retry_after:
                        raise FetchError(
                            f"{problem}; the server asks to retry after {retry.after:g} s, "
                            f"longer than tma-audit waits ({config.max_retry_after:g} s)"
                        ) from None
                    wait = retry.after
            else:
                return answer
            if attempt + 1 < attempts:
                if deadline is not None and wait >= deadline.left():
                    raise FetchError(f"{problem}; {deadline.error()} (no time left to retry)")
                self._sleep(wait)
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        raise FetchError(f"{problem} (gave up after {tries})")

    def _once(self, url: str, headers: dict[str, str], deadline: Deadline | None) -> Answer:
        if deadline is None:
            return self._request(url, headers, None)
        left = deadline.left()
        if left <= 0:
            raise deadline.error()
        fired = threading.Event()

        def cut() -> None:
            fired.set()
            self._connections.cut()

        watchdog = threading.Timer(left, cut)
        watchdog.daemon = True
        watchdog.start()
        try:
            answer = self._request(url, headers, deadline)
        except (_Retry, FetchError):
            if fired.is_set() or deadline.left() <= 0:
                raise deadline.error() from None
            raise
        finally:
            watchdog.cancel()
        if fired.is_set():  # the cut may read as a short, even empty, answer
            raise deadline.error()
        return answer

    def _request(self, url: str, headers: dict[str, str], deadline: Deadline | None) -> Answer:
        timeout = self.config.timeout
        if deadline is not None:
            timeout = max(0.001, min(timeout, deadline.left()))
        try:
            response = self._session.get(url, headers=headers, timeout=timeout, stream=True)
        except requests.TooManyRedirects:
            raise FetchError(f"more than {self.config.max_redirects} redirects") from None
        except requests.Timeout:
            raise _Retry(f"no answer within {timeout:g} s") from None
        except requests.ConnectionError as exc:
            raise _Retry(f"cannot connect ({_short(exc)})") from None
        except (requests.RequestException, ValueError) as exc:
            raise FetchError(f"request failed: {_short(exc)}") from None
        with response:
            if url.startswith("https:") and not response.url.startswith("https:"):
                raise FetchError(f"redirected from https to {response.url}: refused")
            status = response.status_code
            if status in RETRY_STATUSES:
                after = None
                if status == 429:
                    after = retry_after_seconds(
                        response.headers.get("Retry-After"), response.headers.get("Date")
                    )
                raise _Retry(_status(response), after)
            if status not in (200, 304):
                raise FetchError(_status(response))
            body = self._read(response) if status == 200 else b""
            return Answer(
                status=status,
                url=response.url,
                body=body,
                content_type=response.headers.get("Content-Type"),
                validators=Validators(
                    response.headers.get("ETag"), response.headers.get("Last-Modified")
                ),
            )

    def _read(self, response: requests.Response) -> bytes:
        limit = self.config.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(f"the answer is too large ({declared} bytes; limit {limit})")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"the answer is too large (over {limit} bytes)")
                chunks.append(chunk)
        except requests.Timeout:
            raise _Retry(f"the answer stalled for more than {self.config.timeout:g} s") from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if "timed out" in str(exc).lower():
                raise _Retry(
                    f"the answer stalled for more than {self.config.timeout:g} s"
                ) from None
            raise _Retry(f"the answer was cut short ({_short(exc)})") from None
        except requests.RequestException as exc:
            raise _Retry(f"the answer could not be read ({_short(exc)})") from None
        return b"".join(chunks)


def _pause(seconds: float) -> None:
    """Wait between attempts (a module function, so tests can make waits instant)."""
    time.sleep(seconds)


class _Retry(Exception):
    """A transient failure: try again (after ``after`` seconds when the server says)."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after = after


def _status(response: requests.Response) -> str:
    code = response.status_code
    text = _STATUS_TEXT.get(code, "")
    kind = (response.headers.get("Content-Type") or "").split(";")[0].strip()
    page = " (an HTML error page)" if "html" in kind else ""
    return f"HTTP {code}{' ' + text if text else ''}{page}"


def _short(exc: BaseException) -> str:
    """The useful part of a requests/urllib3 error ("Connection refused", "IncompleteRead …")."""
    inner = exc
    while inner.args and isinstance(inner.args[0], BaseException):
        inner = inner.args[0]
    text = inner.args[0] if inner.args and isinstance(inner.args[0], str) else str(inner)
    errno = _ERRNO.search(str(exc))
    if errno and "Max retries" in text:
        text = errno.group(1)
    text = text or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def retry_after_seconds(value: str | None, date_header: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number, or an HTTP date.

    An HTTP date is measured from the answer's own Date header (no local clock).
    """
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    if not date_header:
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
        now = email.utils.parsedate_to_datetime(date_header)
        return max(0.0, (when - now).total_seconds())
    except (TypeError, ValueError, IndexError):
        return None


# --- refreshing a snapshot ---------------------------------------------------------------


class Status(StrEnum):
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    source: str
    status: Status
    message: str


@dataclass(frozen=True, slots=True)
class RefreshResult:
    #: the new snapshot document; None when nothing new was fetched (keep the old data)
    document: dict[str, Any] | None
    outcomes: tuple[SourceOutcome, ...]
    notes: tuple[str, ...] = ()
    #: what the refresh changed in the lifecycle dates ("windows-server 2025: eol …")
    changes: tuple[str, ...] = ()

    @property
    def failed(self) -> tuple[SourceOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status is Status.FAILED)


#: progress(label, done, total)
Progress = Callable[[str, int, int], None]


def refresh(
    base: Mapping[str, Any],
    config: RefreshConfig,
    today: dt.date,
    *,
    validators_usable: bool,
    client: HttpClient | None = None,
    progress: Progress | None = None,
) -> RefreshResult:
    """Refresh a snapshot document from upstream; ``today`` dates what was checked.

    ``validators_usable``: ``base`` is the cached document whose ``refresh`` section
    holds the validators of the very answers it was built from (a 304 then keeps them).
    An answer dated after ``today`` is refused: it cannot be true, and it would outrank
    every genuine answer after it.
    """
    own_client = client is None
    http = client or HttpClient(config)
    run = Deadline(config.deadline, f"the run's deadline of {config.deadline:g} s")
    try:
        prior = base.get("refresh") if validators_usable else None
        prior = prior if isinstance(prior, dict) else {}
        notes: list[str] = []
        context = _Context(http, config, today, run, progress)
        products, eol_meta, eol_outcome, changes = _refresh_products(
            context, base, prior.get("endoflife"), notes
        )
        updates, upd_meta, upd_outcome = _refresh_updates(context, base, prior.get("updates"))
        months, msrc_meta, msrc_outcome = _refresh_msrc(context, base, prior.get("msrc"))
    finally:
        if own_client:
            http.close()
    outcomes = (eol_outcome, upd_outcome, msrc_outcome)
    if products is None and updates is None and months is None:
        return RefreshResult(None, outcomes, tuple(notes), changes)
    document = copy.deepcopy(dict(base))
    refresh_meta: dict[str, Any] = dict(prior)
    sources = list(document.get("sources", []))
    if products is not None and eol_meta is not None:
        document["products"] = products
        document["date"] = today.isoformat()
        sources = _replace_source(
            sources,
            ENDOFLIFE_SOURCE_IDS,
            {
                "id": "endoflife-date",
                "description": "endoflife.date API v1",
                "url": f"{config.endoflife_url}/products/",
                "licence": "MIT",
                "date": today.isoformat(),
                "products": sorted(products),
            },
        )
        refresh_meta["endoflife"] = eol_meta
    if updates is not None and upd_meta is not None:
        _apply_updates(document, updates)
        old: dict[str, Any] = next(
            (s for s in sources if isinstance(s, dict) and s.get("id") in UPDATES_SOURCE_IDS), {}
        )
        provider = updates.get("provider")
        sources = _replace_source(
            sources,
            UPDATES_SOURCE_IDS,
            {
                "id": "windows-updates",
                "description": f"Windows update history ({provider})"
                if provider
                else "Windows update history",
                "url": upd_meta["url"],
                "licence": updates.get("licence") or old.get("licence") or "see the source",
                "date": updates["collected"],
                "urls": list(updates.get("source_urls", [])),
                "kept": sorted(KEPT_UPDATE_TYPES),
            },
        )
        refresh_meta["updates"] = upd_meta
    elif upd_meta is not None:
        refresh_meta["updates"] = upd_meta
    # the months in use go into the history when they changed, and when the mirror just
    # replaced the history (it knows nothing of them)
    msrc_record = msrc_meta if msrc_meta is not None else prior.get("msrc")
    held = months if months is not None else _held_months(msrc_record)
    if held and isinstance(msrc_record, dict) and (months is not None or updates is not None):
        document["sources"] = sources
        newest = _apply_months(document, held, today)
        sources = _replace_source(
            sources,
            (MSRC_SOURCE_ID,),
            {
                "id": MSRC_SOURCE_ID,
                "description": "Microsoft Security Update Guide (MSRC CVRF API v3.0)",
                "url": f"{msrc_record.get('url')}/updates",
                "licence": "Microsoft Terms of Use",
                "date": newest,
                "documents": sorted(m.id for m in held),
            },
        )
    if msrc_meta is not None:
        refresh_meta["msrc"] = msrc_meta
    document["sources"] = sources
    document["refresh"] = refresh_meta
    return RefreshResult(document, outcomes, tuple(notes), changes)


@dataclass(frozen=True, slots=True)
class _Context:
    http: HttpClient
    config: RefreshConfig
    today: dt.date
    run: Deadline
    progress: Progress | None

    def deadline(self) -> Deadline:
        """The deadline of one answer: its own, or the run's when that comes first."""
        seconds = self.config.document_deadline
        return Deadline(seconds, f"the deadline of {seconds:g} s per answer", self.run)

    def get(self, url: str, validators: Validators | None = None) -> Answer:
        return self.http.get(url, validators, self.deadline())

    def tell(self, label: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(label, done, total)


def _refresh_products(
    context: _Context, base: Mapping[str, Any], prior: Any, notes: list[str]
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, SourceOutcome, tuple[str, ...]]:
    config = context.config
    base_products: dict[str, Any] = dict(base.get("products", {}))
    facts = [f for f in base.get("facts", []) if isinstance(f, dict)]
    known: dict[str, Any] = {}
    if isinstance(prior, dict) and prior.get("url") == config.endoflife_url:
        known = prior.get("products", {}) if isinstance(prior.get("products"), dict) else {}
    slugs = sorted(base_products)
    products: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    changed = not_modified = 0
    kept = f"kept the lifecycle data of {base.get('date')}"
    for index, slug in enumerate(slugs):
        context.tell(f"{ENDOFLIFE}: {slug}", index, len(slugs))
        url = f"{config.endoflife_url}/products/{quote(slug)}/"
        validators = Validators.from_record(known.get(slug))
        try:
            answer = context.get(url, validators)
            if answer.status == 304:
                if validators is None:
                    raise SourceError("answered 304 Not Modified to an unconditional request")
                products[slug] = copy.deepcopy(base_products[slug])
                fresh = answer.validators
                meta[slug] = (fresh if fresh.etag or fresh.last_modified else validators).record()
                not_modified += 1
                continue
            api = parse_product_response(decode_json(answer.body, answer.content_type), slug)
            not_after_today(api.generated_at, context.today, "generated_at")
        except (FetchError, SourceError) as exc:
            return (
                None,
                None,
                SourceOutcome(ENDOFLIFE, Status.FAILED, f"{slug} ({url}): {exc}; {kept}"),
                (),
            )
        record = merge_product(base_products[slug], slug, api, facts)
        if record != base_products[slug]:
            changed += 1
        products[slug] = record
        meta[slug] = answer.validators.record()
        if api.name != slug:
            notes.append(
                f"{ENDOFLIFE} renamed {slug!r} to {api.name!r} (answered through a redirect); "
                f"kept as {slug!r}, with {api.name!r} as an alias"
            )
    context.tell(ENDOFLIFE, len(slugs), len(slugs))
    if not slugs:
        return None, None, SourceOutcome(ENDOFLIFE, Status.SKIPPED, "no products to refresh"), ()
    moves = date_changes(base_products, products)
    shown = tuple(str(move) for move in moves)
    implausible = implausible_changes(moves, base_products, context.today)
    if implausible and not config.accept_changes:
        return (
            None,
            None,
            SourceOutcome(
                ENDOFLIFE,
                Status.FAILED,
                f"implausible changes refused: {implausible}; if they are right, run again "
                f"with --accept-changes; {kept}",
            ),
            shown,
        )
    same = len(slugs) - changed
    detail = f"{len(slugs)} products checked: {changed} changed, {same} unchanged"
    if not_modified:
        detail += f" ({not_modified} not modified since the last refresh)"
    if implausible:
        notes.append(f"{ENDOFLIFE}: implausible changes accepted (--accept-changes): {implausible}")
    status = Status.UPDATED if changed else Status.UNCHANGED
    return (
        products,
        {"url": config.endoflife_url, "products": meta},
        SourceOutcome(ENDOFLIFE, status, detail),
        shown,
    )


# --- what a refresh changes, and whether it is plausible --------------------------------

#: Release fields that hold dates (or flags in their place).
DATE_FIELDS = ("release_date", "eoas", "eol", "eoes")
#: A support date further ahead than this is not believed without --accept-changes.
HORIZON_YEARS = 30
#: More changed dates than this share of the known ones (and at least MIN_MOVES) at once
#: is not believed either: upstream corrects a few dates a month, not most of them.
MAX_SHARE = 0.10
MIN_MOVES = 20


@dataclass(frozen=True, slots=True)
class DateChange:
    product: str
    cycle: str
    field: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.product} {self.cycle}: {self.field} {_shown(self.old)} → {_shown(self.new)}"


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def date_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[DateChange]:
    """The dates of releases known before that a refresh changes (new releases are not
    changes), in product and release order."""
    out: list[DateChange] = []
    for slug in sorted(new):
        before = {
            r.get("cycle"): r for r in old.get(slug, {}).get("releases", []) if isinstance(r, dict)
        }
        for release in new[slug].get("releases", []):
            previous = before.get(release.get("cycle"))
            if previous is None:
                continue
            for field in DATE_FIELDS:
                if previous.get(field) != release.get(field):
                    out.append(
                        DateChange(
                            slug,
                            str(release["cycle"]),
                            field,
                            previous.get(field),
                            release.get(field),
                        )
                    )
    return out


def implausible_changes(
    moves: list[DateChange], old: Mapping[str, Any], today: dt.date
) -> str | None:
    """Why these changes are not believed, or None."""
    horizon = dt.date(today.year + HORIZON_YEARS, today.month, min(today.day, 28))
    far = [m for m in moves if isinstance(m.new, str) and m.new > horizon.isoformat()]
    known = sum(
        1
        for product in old.values()
        for release in product.get("releases", [])
        if isinstance(release, dict)
        for field in DATE_FIELDS
        if release.get(field) is not None
    )
    reasons = []
    if far:
        reasons.append(f"{len(far)} date{'s' if len(far) != 1 else ''} after {horizon} ({far[0]})")
    if len(moves) >= MIN_MOVES and len(moves) > MAX_SHARE * known:
        reasons.append(f"{len(moves)} of {known} known dates would change at once ({moves[0]} …)")
    return "; ".join(reasons) or None


# --- the Windows update history ----------------------------------------------------------


def _refresh_updates(
    context: _Context, base: Mapping[str, Any], prior: Any
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, SourceOutcome]:
    config = context.config
    have = base.get("updates_date")
    kept = f"kept the update history of {have}" if have else "kept the data in use"
    if not config.updates_url:
        return (
            None,
            None,
            SourceOutcome(
                UPDATES,
                Status.SKIPPED,
                "no mirror configured (updates_url in the settings file, "
                "TMA_AUDIT_UPDATES_URL or --updates-url)",
            ),
        )
    url = f"{config.updates_url}/{UPDATES_FILE}"
    validators = None
    if isinstance(prior, dict) and prior.get("url") == url:
        validators = Validators.from_record(prior)
    context.tell(UPDATES, 0, 1)
    try:
        answer = context.get(url, validators)
        if answer.status == 304:
            if validators is None:
                raise SourceError("answered 304 Not Modified to an unconditional request")
            fresh = answer.validators
            meta = {
                **prior,
                **(fresh if fresh.etag or fresh.last_modified else validators).record(),
            }
            context.tell(UPDATES, 1, 1)
            return (
                None,
                meta,
                SourceOutcome(UPDATES, Status.UNCHANGED, f"not modified since {have}"),
            )
        history = parse_update_history(
            decode_json(answer.body, answer.content_type), base.get("updates", {})
        )
        not_after_today(history.collected, context.today, "metadata.lastCollected")
    except (FetchError, SourceError) as exc:
        return None, None, SourceOutcome(UPDATES, Status.FAILED, f"{url}: {exc}; {kept}")
    context.tell(UPDATES, 1, 1)
    collected = history.collected.isoformat()
    previous = _source_date(base, UPDATES_SOURCE_IDS, context.today)
    if previous and collected < previous:
        return (
            None,
            None,
            SourceOutcome(
                UPDATES,
                Status.FAILED,
                f"{url}: collected {collected}, older than the history in use ({previous}); {kept}",
            ),
        )
    meta = {"url": url, **answer.validators.record()}
    updates = {
        "collected": collected,
        "updates": history.updates,
        "client_builds": history.client_builds,
        "server_builds": history.server_builds,
        "provider": history.provider,
        "licence": history.licence,
        "source_urls": list(history.source_urls),
    }
    status = Status.UPDATED if history.updates != base.get("updates") else Status.UNCHANGED
    return updates, meta, SourceOutcome(UPDATES, status, f"collected {collected}")


def _source_date(base: Mapping[str, Any], ids: tuple[str, ...], today: dt.date) -> str | None:
    """The date of the base's source with one of ``ids``, unless it lies in the future."""
    for source in base.get("sources", []):
        if isinstance(source, dict) and source.get("id") in ids:
            date = source.get("date")
            if isinstance(date, str) and date <= (today + dt.timedelta(days=1)).isoformat():
                return date
    return None


def _apply_updates(document: dict[str, Any], updates: Mapping[str, Any]) -> None:
    document["updates"] = updates["updates"]
    document["updates_date"] = updates["collected"]
    _add_builds(document, updates["client_builds"], updates["server_builds"])


def _add_builds(
    document: dict[str, Any], client: Mapping[str, str], server: Mapping[str, str]
) -> None:
    windows = document.setdefault("windows", {})
    for key, found in (("client_builds", client), ("server_builds", server)):
        table = dict(windows.get(key, {}))
        for build, generation in found.items():
            table.setdefault(build, generation)
        windows[key] = dict(sorted(table.items(), key=lambda item: int(item[0])))


# --- Microsoft's Security Update Guide (MSRC CVRF) -----------------------------------------

MSRC = "MSRC security updates"
MSRC_SOURCE_ID = "msrc-cvrf"
#: The most monthly documents one run fetches (a first refresh of an old history).
MAX_DOCUMENTS = 24


def _refresh_msrc(
    context: _Context, base: Mapping[str, Any], prior: Any
) -> tuple[list[Month] | None, dict[str, Any] | None, SourceOutcome]:
    """The monthly documents in use: those held in the cache, and those the release list
    names that the cache lacks or holds in an older revision (fetched)."""
    config, today = context.config, context.today
    have = base.get("updates_date")
    kept = f"kept the update history of {have}" if have else "kept the data in use"
    if not config.msrc_url:
        return None, None, SourceOutcome(MSRC, Status.SKIPPED, "no source configured")
    held: dict[str, Any] = {}
    if isinstance(prior, dict) and prior.get("url") == config.msrc_url:
        months = prior.get("months")
        held = dict(months) if isinstance(months, dict) else {}
    list_url = f"{config.msrc_url}/updates"
    context.tell(MSRC, 0, 1)
    try:
        answer = context.get(list_url)
        if answer.status != 200:
            raise SourceError("answered 304 Not Modified to an unconditional request")
        releases = parse_release_list(decode_json(answer.body, answer.content_type), today)
    except (FetchError, SourceError) as exc:
        return None, None, SourceOutcome(MSRC, Status.FAILED, f"{list_url}: {exc}; {kept}")
    in_use: dict[str, Month] = {}
    records: dict[str, Any] = {}
    for ident, record in held.items():
        month = Month.from_record(record)
        if month is not None and month.id == ident:
            in_use[ident] = month
            records[ident] = record
    # the months of the window, and the held ones (Microsoft revises old months too)
    window = {r.id for r in _wanted(releases, base, today)}
    wanted = [r for r in releases if r.id in window or r.id in in_use]
    fetched = not_modified = 0
    for index, release in enumerate(wanted):
        context.tell(f"{MSRC}: {release.id}", index, len(wanted))
        month = in_use.get(release.id)
        if month is not None and month.current == release.current_text:
            continue  # held in the revision the list names: nothing to ask
        url = f"{config.msrc_url}/cvrf/{quote(release.id)}"
        validators = Validators.from_record(records.get(release.id)) if month else None
        try:
            got = context.get(url, validators)
            if got.status == 304:
                if month is None or validators is None:
                    raise SourceError("answered 304 Not Modified to an unconditional request")
                not_modified += 1
                continue
            month = parse_cvrf(decode_json(got.body, got.content_type), release, today)
        except (FetchError, SourceError) as exc:
            return None, None, SourceOutcome(MSRC, Status.FAILED, f"{url}: {exc}; {kept}")
        fetched += 1
        in_use[release.id] = month
        records[release.id] = {**month.record(), **got.validators.record()}
    context.tell(MSRC, len(wanted), len(wanted))
    months = sorted(in_use.values(), key=lambda m: (m.initial, m.id))
    if not months:
        return (
            None,
            None,
            SourceOutcome(MSRC, Status.FAILED, f"{list_url}: no monthly documents; {kept}"),
        )
    newest = months[-1]
    merged = merge_updates(base.get("updates", {}), months, latest=today + dt.timedelta(days=1))
    status = Status.UPDATED if merged != base.get("updates") else Status.UNCHANGED
    detail = (
        f"{len(months)} monthly documents in use, the newest {newest.id} "
        f"(released {newest.initial}); {fetched} fetched"
    )
    if not_modified:
        detail += f", {not_modified} not modified"
    meta = {"url": config.msrc_url, "months": dict(sorted(records.items()))}
    if not fetched and status is Status.UNCHANGED:
        return None, meta, SourceOutcome(MSRC, status, detail)  # nothing new to write
    return months, meta, SourceOutcome(MSRC, status, detail)


def _held_months(meta: Any) -> list[Month]:
    """The months a cache's ``refresh.msrc`` section holds (unreadable records left out)."""
    records = meta.get("months") if isinstance(meta, dict) else None
    if not isinstance(records, dict):
        return []
    months = [Month.from_record(record) for record in records.values()]
    return sorted((m for m in months if m is not None), key=lambda m: (m.initial, m.id))


def _wanted(releases: tuple[Any, ...], base: Mapping[str, Any], today: dt.date) -> list[Any]:
    """The releases to hold: from the month before the base's update history ends (the
    shipped history may miss that month's out-of-band releases) to the newest."""
    start = today - dt.timedelta(days=365)
    have = base.get("updates_date")
    if isinstance(have, str):
        try:
            day = dt.date.fromisoformat(have)
        except ValueError:
            day = None
        if day is not None and day <= today + dt.timedelta(days=1):
            start = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    chosen = [r for r in releases if r.initial.date() >= start]
    return chosen[-MAX_DOCUMENTS:]


def _apply_months(document: dict[str, Any], months: list[Month], today: dt.date) -> str:
    """Merge the months into the document's update history; returns the history's date."""
    latest = today + dt.timedelta(days=1)
    document["updates"] = merge_updates(document.get("updates", {}), months, latest=latest)
    for month in months:
        _add_builds(document, month.builds["client"], month.builds["server"])
    newest = max(m.initial for m in months).isoformat()
    dates = [newest]
    mirror = _source_date(document, UPDATES_SOURCE_IDS, today)
    if mirror:
        dates.append(mirror)
    document["updates_date"] = max(dates)
    return newest


def _replace_source(sources: list[Any], ids: tuple[str, ...], entry: dict[str, Any]) -> list[Any]:
    """Put ``entry`` where the first source with one of ``ids`` was; drop the others."""
    out: list[Any] = []
    placed = False
    for source in sources:
        if isinstance(source, dict) and source.get("id") in ids:
            if not placed:
                out.append(entry)
                placed = True
            continue
        out.append(source)
    if not placed:
        out.append(entry)
    return out
