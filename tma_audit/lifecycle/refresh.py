"""The refresh client: fetch, validate and merge upstream lifecycle data.

The only module that imports requests (ruff bans it elsewhere) and the only one that
touches the network; audits never import it. Every request has a timeout; transient
failures (connection errors, timeouts, cut-short bodies, 429, 5xx) are retried with
exponential backoff, and a 429's ``Retry-After`` is honoured; redirects (endoflife.date
answers 301 for a renamed product) are followed; ETag / Last-Modified from the previous
refresh make an unchanged resource cost a 304.

A source is taken whole or not at all: if any product fails, after retries, or any
answer fails validation, the lifecycle part of the previous data is kept, and the
outcome says what was wrong. The same holds for the Windows update history. The result
is a new snapshot document; writing it (atomically) is the caller's job.
"""

from __future__ import annotations

import copy
import datetime as dt
import email.utils
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote

import requests

from tma_audit import __version__
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
    timeout: float = 10.0  # seconds, to connect and between bytes read
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


class HttpClient:
    """GET with timeouts, retries, backoff, Retry-After, redirects and conditional requests."""

    def __init__(
        self,
        config: RefreshConfig,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.config = config
        self._sleep = sleep or _pause
        self._session = session or requests.Session()
        self._session.max_redirects = config.max_redirects
        self._session.headers.update(
            {"User-Agent": f"tma-audit/{__version__}", "Accept": "application/json"}
        )

    def close(self) -> None:
        self._session.close()

    def get(self, url: str, validators: Validators | None = None) -> Answer:
        config = self.config
        headers = validators.headers() if validators else {}
        attempts = config.retries + 1
        problem = "no attempt made"
        for attempt in range(attempts):
            wait = min(config.max_backoff, config.backoff * 2**attempt)
            try:
                answer = self._once(url, headers)
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
                self._sleep(wait)
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        raise FetchError(f"{problem} (gave up after {tries})")

    def _once(self, url: str, headers: dict[str, str]) -> Answer:
        timeout = self.config.timeout
        try:
            response = self._session.get(url, headers=headers, timeout=timeout, stream=True)
        except requests.TooManyRedirects:
            raise FetchError(f"more than {self.config.max_redirects} redirects") from None
        except requests.Timeout:
            raise _Retry(f"no answer within {timeout:g} s") from None
        except requests.ConnectionError as exc:
            raise _Retry(f"cannot connect ({_short(exc)})") from None
        except requests.RequestException as exc:
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
    """
    own_client = client is None
    http = client or HttpClient(config)
    try:
        prior = base.get("refresh") if validators_usable else None
        prior = prior if isinstance(prior, dict) else {}
        notes: list[str] = []
        products, eol_meta, eol_outcome = _refresh_products(
            http, base, config, prior.get("endoflife"), notes, progress
        )
        updates, upd_meta, upd_outcome = _refresh_updates(
            http, base, config, prior.get("updates"), progress
        )
    finally:
        if own_client:
            http.close()
    outcomes = (eol_outcome, upd_outcome)
    if products is None and updates is None:
        return RefreshResult(None, outcomes, tuple(notes))
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
    document["sources"] = sources
    document["refresh"] = refresh_meta
    return RefreshResult(document, outcomes, tuple(notes))


def _refresh_products(
    http: HttpClient,
    base: Mapping[str, Any],
    config: RefreshConfig,
    prior: Any,
    notes: list[str],
    progress: Progress | None,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, SourceOutcome]:
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
        if progress:
            progress(f"{ENDOFLIFE}: {slug}", index, len(slugs))
        url = f"{config.endoflife_url}/products/{quote(slug)}/"
        validators = Validators.from_record(known.get(slug))
        try:
            answer = http.get(url, validators)
            if answer.status == 304:
                if validators is None:
                    raise SourceError("answered 304 Not Modified to an unconditional request")
                products[slug] = copy.deepcopy(base_products[slug])
                fresh = answer.validators
                meta[slug] = (fresh if fresh.etag or fresh.last_modified else validators).record()
                not_modified += 1
                continue
            api = parse_product_response(decode_json(answer.body, answer.content_type), slug)
        except (FetchError, SourceError) as exc:
            return (
                None,
                None,
                SourceOutcome(ENDOFLIFE, Status.FAILED, f"{slug} ({url}): {exc}; {kept}"),
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
    if progress:
        progress(ENDOFLIFE, len(slugs), len(slugs))
    if not slugs:
        return None, None, SourceOutcome(ENDOFLIFE, Status.SKIPPED, "no products to refresh")
    same = len(slugs) - changed
    detail = f"{len(slugs)} products checked: {changed} changed, {same} unchanged"
    if not_modified:
        detail += f" ({not_modified} not modified since the last refresh)"
    status = Status.UPDATED if changed else Status.UNCHANGED
    return (
        products,
        {"url": config.endoflife_url, "products": meta},
        SourceOutcome(ENDOFLIFE, status, detail),
    )


def _refresh_updates(
    http: HttpClient,
    base: Mapping[str, Any],
    config: RefreshConfig,
    prior: Any,
    progress: Progress | None,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, SourceOutcome]:
    have = base.get("updates_date")
    kept = f"kept the update history of {have}" if have else "kept the data in use"
    if not config.updates_url:
        return (
            None,
            None,
            SourceOutcome(
                UPDATES,
                Status.SKIPPED,
                "no source configured (updates_url in the settings file, "
                f"TMA_AUDIT_UPDATES_URL or --updates-url); {kept}",
            ),
        )
    url = f"{config.updates_url}/{UPDATES_FILE}"
    validators = None
    if isinstance(prior, dict) and prior.get("url") == url:
        validators = Validators.from_record(prior)
    if progress:
        progress(UPDATES, 0, 1)
    try:
        answer = http.get(url, validators)
        if answer.status == 304:
            if validators is None:
                raise SourceError("answered 304 Not Modified to an unconditional request")
            fresh = answer.validators
            meta = {
                **prior,
                **(fresh if fresh.etag or fresh.last_modified else validators).record(),
            }
            if progress:
                progress(UPDATES, 1, 1)
            return (
                None,
                meta,
                SourceOutcome(UPDATES, Status.UNCHANGED, f"not modified since {have}"),
            )
        history = parse_update_history(
            decode_json(answer.body, answer.content_type), base.get("updates", {})
        )
    except (FetchError, SourceError) as exc:
        return None, None, SourceOutcome(UPDATES, Status.FAILED, f"{url}: {exc}; {kept}")
    if progress:
        progress(UPDATES, 1, 1)
    collected = history.collected.isoformat()
    if have and collected < str(have):
        return (
            None,
            None,
            SourceOutcome(
                UPDATES,
                Status.FAILED,
                f"{url}: collected {collected}, older than the history in use ({have}); {kept}",
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


def _apply_updates(document: dict[str, Any], updates: Mapping[str, Any]) -> None:
    document["updates"] = updates["updates"]
    document["updates_date"] = updates["collected"]
    windows = document.setdefault("windows", {})
    for key in ("client_builds", "server_builds"):
        table = dict(windows.get(key, {}))
        for build, generation in updates[key].items():
            table.setdefault(build, generation)
        windows[key] = dict(sorted(table.items(), key=lambda item: int(item[0])))


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
