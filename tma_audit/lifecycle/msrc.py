"""Microsoft's Security Update Guide (MSRC CVRF API v3.0): validate, derive, merge. Pure.

Two answers feed a refresh (see docs/data.md and the reference notes on the API):

- ``GET {msrc_url}/updates``: every monthly release (``ID`` "2026-Aug",
  ``InitialReleaseDate``, ``CurrentReleaseDate``);
- ``GET {msrc_url}/cvrf/{ID}``: one month's CVRF document. For every Windows product of
  its ``ProductTree``, the vendor fixes (``Remediations`` of ``Type`` 2) name the KB and
  the ``FixedBuild`` ("10.0.19045.7663") that fixes a vulnerability.

A month's security revision of a build line is the highest fixed build named for it.
It was released on the document's ``InitialReleaseDate``, unless every vulnerability
naming it was first published later (an out-of-band release added to the month's
document): then on that first publication. Hotpatch fixes (``SubType`` "Security
HotPatch Update") are not cumulative updates and are left out, as the snapshot builder
leaves them out; fixed builds of other products (Office, Edge, .NET), empty ones and
Windows builds before 10.0 are ignored.

Every check raises SourceError; nothing is used until the whole document passed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tma_audit.lifecycle.shape import Shape
from tma_audit.lifecycle.sources import SourceError

#: Where Microsoft serves the API (a setting may name a mirror).
DEFAULT_MSRC_URL = "https://api.msrc.microsoft.com/cvrf/v3.0"
#: Remediation type of a vendor fix (5 is a known issue; others are workarounds).
VENDOR_FIX = 2
HOTPATCH_SUBTYPE = "security hotpatch update"

_MONTH_ID = re.compile(r"\d{4}-[A-Z][a-z]{2}(?:-[A-Za-z0-9]{1,16})?")
_FIXED_BUILD = re.compile(r"10\.0\.(\d{4,6})\.(\d{1,7})")
_KB_NUMBER = re.compile(r"(?:KB)?(\d{6,8})", re.IGNORECASE)
_CLIENT_VERSION = re.compile(r"\bVersion (\d\dH\d|\d{4})\b")
_SERVER_YEAR = re.compile(r"\bWindows Server (\d{4}(?: R2)?)\b")
_SERVER_EDITION = re.compile(r"\b(\d\dH\d) Edition\b")
_SERVER_VERSION = re.compile(r"\bWindows Server,? version (\d\dH\d|\d{4})\b")

_shape = Shape(SourceError)
_obj, _list, _str = _shape.obj, _shape.array, _shape.text


@dataclass(frozen=True, slots=True)
class Release:
    """One row of ``/updates``."""

    id: str
    initial: dt.datetime
    current: dt.datetime

    @property
    def current_text(self) -> str:
        return self.current.isoformat()


@dataclass(frozen=True, slots=True)
class Month:
    """What a month's CVRF document says about Windows builds, in the snapshot's shapes."""

    id: str
    initial: dt.date
    current: str  # CurrentReleaseDate, as an ISO date-time: what identifies a revision
    #: {"client"|"server": {build: ["revision:KB:date", …]}} (date order)
    updates: dict[str, dict[str, list[str]]]
    #: {"client"|"server": {build: generation}} from the product names
    builds: dict[str, dict[str, str]]

    def record(self) -> dict[str, Any]:
        """The month as the cache keeps it (``refresh.msrc.months``)."""
        return {
            "id": self.id,
            "initial": self.initial.isoformat(),
            "current": self.current,
            "updates": self.updates,
            "builds": self.builds,
        }

    @classmethod
    def from_record(cls, record: Any) -> Month | None:
        """A month kept in the cache, or None when the record is not one (then re-fetched)."""
        try:
            item = _obj(record, "month")
            return cls(
                id=_str(item["id"], "id"),
                initial=dt.date.fromisoformat(_str(item["initial"], "initial")),
                current=_str(item["current"], "current"),
                updates=_lines(item["updates"], _entry),
                builds=_lines(item.get("builds", {}), _str),
            )
        except (SourceError, KeyError, ValueError, TypeError):
            return None


def _lines(value: Any, check: Callable[[Any, str], Any]) -> dict[str, Any]:
    """{"client": {build: …}, "server": {…}} with every value checked (lists item by item)."""
    table = _obj(value, "lines")
    out: dict[str, Any] = {}
    for line in ("client", "server"):
        out[line] = {
            str(int(build)): [check(e, line) for e in _list(item, line)]
            if isinstance(item, list)
            else check(item, line)
            for build, item in _obj(table.get(line, {}), line).items()
        }
    return out


def _entry(value: Any, where: str) -> str:
    text = _str(value, where)
    revision, kb, day = text.split(":")
    int(revision)
    dt.date.fromisoformat(day)
    if not kb.startswith("KB"):
        raise ValueError(kb)
    return text


def _moment(value: Any, where: str) -> dt.datetime:
    """An ISO date-time; without a zone it is taken as UTC (the API omits it at times)."""
    text = _str(value, where).strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SourceError(f"{where}: not a date and time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def not_after_today(moment: dt.datetime | dt.date, today: dt.date, what: str) -> None:
    """Refuse a date after the day of fetching (a day's slack for time zones): an answer
    dated in the future cannot be true, and would outrank every genuine one after it."""
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    if day > today + dt.timedelta(days=1):
        raise SourceError(
            f"{what}: {day} is after the day it was fetched ({today}); "
            "a source that dates its answers in the future is not trusted"
        )


# --- /updates -----------------------------------------------------------------------------


def parse_release_list(data: Any, today: dt.date) -> tuple[Release, ...]:
    """The monthly releases of a ``/updates`` answer (oldest first); dates up to ``today``."""
    top = _obj(data, "answer")
    rows = _list(top.get("value"), "value")
    if not rows:
        raise SourceError("value: no releases")
    releases: dict[str, Release] = {}
    for index, raw in enumerate(rows):
        where = f"value[{index}]"
        row = _obj(raw, where)
        ident = _str(row.get("ID"), f"{where}.ID").strip()
        if not _MONTH_ID.fullmatch(ident):
            raise SourceError(f"{where}.ID: expected an ID like 2026-Aug, got {ident!r}")
        where = f"{where} ({ident})"
        initial = _moment(row.get("InitialReleaseDate"), f"{where}.InitialReleaseDate")
        current = _moment(row.get("CurrentReleaseDate"), f"{where}.CurrentReleaseDate")
        not_after_today(initial, today, f"{where}.InitialReleaseDate")
        not_after_today(current, today, f"{where}.CurrentReleaseDate")
        if current < initial:
            raise SourceError(f"{where}: CurrentReleaseDate is before InitialReleaseDate")
        if ident in releases:
            raise SourceError(f"value: release {ident!r} listed twice")
        releases[ident] = Release(ident, initial, current)
    return tuple(sorted(releases.values(), key=lambda r: (r.initial, r.id)))


# --- /cvrf/{ID} ---------------------------------------------------------------------------


def _products(tree: Any) -> dict[str, tuple[str, str]]:
    """ProductID -> (line, name) for the Windows products of a ProductTree."""
    names = _list(_obj(tree, "ProductTree").get("FullProductName"), "ProductTree.FullProductName")
    out: dict[str, tuple[str, str]] = {}
    for index, raw in enumerate(names):
        where = f"ProductTree.FullProductName[{index}]"
        item = _obj(raw, where)
        pid = _str(item.get("ProductID"), f"{where}.ProductID")
        name = _str(item.get("Value"), f"{where}.Value").strip()
        if name.startswith("Windows "):
            out[pid] = ("server" if "Server" in name else "client", name)
    return out


def generation(line: str, name: str) -> str | None:
    """The feature release a product name states: "22H2", "2019", "23H2" … or None."""
    if line == "client":
        found = _CLIENT_VERSION.search(name)
        return found.group(1) if found else None
    for pattern in (_SERVER_EDITION, _SERVER_VERSION, _SERVER_YEAR):
        found = pattern.search(name)
        if found:
            return found.group(1)
    return None


def _first_published(vulnerability: Mapping[str, Any], where: str) -> dt.datetime | None:
    history = vulnerability.get("RevisionHistory")
    if history is None:
        return None
    dates = [
        _moment(
            _obj(item, f"{where}.RevisionHistory[]").get("Date"), f"{where}.RevisionHistory[].Date"
        )
        for item in _list(history, f"{where}.RevisionHistory")
    ]
    return min(dates) if dates else None


def parse_cvrf(data: Any, expected: Release, today: dt.date) -> Month:
    """Validate a month's CVRF document and derive its security revisions per build line."""
    top = _obj(data, "document")
    tracking = _obj(top.get("DocumentTracking"), "DocumentTracking")
    ident = tracking.get("Identification")
    if ident is not None:
        value = _obj(_obj(ident, "DocumentTracking.Identification").get("ID"), "Identification.ID")
        named = _str(value.get("Value"), "DocumentTracking.Identification.ID.Value")
        if named != expected.id:
            raise SourceError(f"asked for {expected.id!r}, the document is {named!r}")
    initial = _moment(tracking.get("InitialReleaseDate"), "DocumentTracking.InitialReleaseDate")
    current = _moment(tracking.get("CurrentReleaseDate"), "DocumentTracking.CurrentReleaseDate")
    not_after_today(initial, today, "DocumentTracking.InitialReleaseDate")
    not_after_today(current, today, "DocumentTracking.CurrentReleaseDate")
    if current < initial:
        raise SourceError("DocumentTracking: CurrentReleaseDate is before InitialReleaseDate")
    products = _products(top.get("ProductTree"))
    vulns = top.get("Vulnerability")
    vulnerabilities = [] if vulns is None else _list(vulns, "Vulnerability")
    # (line, build, revision) -> (release date, KBs)
    fixes: dict[tuple[str, int, int], tuple[dt.date, set[str]]] = {}
    builds: dict[str, dict[str, str]] = {"client": {}, "server": {}}
    for v_index, raw in enumerate(vulnerabilities):
        vuln = _obj(raw, f"Vulnerability[{v_index}]")
        cve = vuln.get("CVE")
        where = f"Vulnerability[{v_index}]" + (f" ({cve})" if isinstance(cve, str) else "")
        remediations = vuln.get("Remediations")
        if remediations is None:
            continue
        first = _first_published(vuln, where)
        not_after_today(first or initial, today, f"{where}.RevisionHistory")
        released = max(initial, first).date() if first else initial.date()
        for r_index, raw_fix in enumerate(_list(remediations, f"{where}.Remediations")):
            at = f"{where}.Remediations[{r_index}]"
            fix = _obj(raw_fix, at)
            kind = fix.get("Type")
            if isinstance(kind, bool) or not isinstance(kind, int):
                raise SourceError(f"{at}.Type: expected a number")
            if kind != VENDOR_FIX:
                continue
            sub = fix.get("SubType")
            if sub is not None and _str(sub, f"{at}.SubType").strip().lower() == HOTPATCH_SUBTYPE:
                continue
            fixed = fix.get("FixedBuild")
            fixed_text = "" if fixed is None else _str(fixed, f"{at}.FixedBuild").strip()
            match = _FIXED_BUILD.fullmatch(fixed_text)
            ids = [
                _str(p, f"{at}.ProductID[]")
                for p in _list(fix.get("ProductID", []), f"{at}.ProductID")
            ]
            windows = [products[p] for p in ids if p in products]
            if match is None or not windows:
                continue  # another product's version, an empty or pre-10.0 build
            described = _obj(fix.get("Description"), f"{at}.Description")
            number = _KB_NUMBER.fullmatch(
                _str(described.get("Value"), f"{at}.Description.Value").strip()
            )
            if number is None:
                continue  # "Release Notes" and the like: no KB to install
            kb = f"KB{number.group(1)}"
            build, revision = int(match.group(1)), int(match.group(2))
            for line, name in windows:
                key = (line, build, revision)
                old = fixes.get(key)
                if old is None:
                    fixes[key] = (released, {kb})
                else:
                    fixes[key] = (min(old[0], released), old[1] | {kb})
                found = generation(line, name)
                if found:
                    builds[line].setdefault(str(build), found)
    updates: dict[str, dict[str, list[str]]] = {"client": {}, "server": {}}
    # per build line and day, the highest fixed build is that day's update
    per_day: dict[tuple[str, int, dt.date], tuple[int, str]] = {}
    for (line, build, revision), (day, kbs) in fixes.items():
        slot = (line, build, day)
        if slot not in per_day or revision > per_day[slot][0]:
            per_day[slot] = (revision, min(kbs))
    per_line: dict[tuple[str, int], list[str]] = {}
    for (line, build, day), (revision, kb) in sorted(per_day.items()):
        per_line.setdefault((line, build), []).append(f"{revision}:{kb}:{day.isoformat()}")
    for (line, build), entries in per_line.items():
        updates[line][str(build)] = rising(entries)
    return Month(expected.id, initial.date(), current.isoformat(), updates, builds)


def parse_cvrf_document(data: Any, today: dt.date) -> Month:
    """A CVRF document on its own (a file, not an answer to a request): its ID and dates
    come from its own ``DocumentTracking``."""
    tracking = _obj(_obj(data, "document").get("DocumentTracking"), "DocumentTracking")
    ident = _obj(tracking.get("Identification"), "DocumentTracking.Identification")
    name = _str(_obj(ident.get("ID"), "Identification.ID").get("Value"), "Identification.ID")
    if not _MONTH_ID.fullmatch(name):
        raise SourceError(f"DocumentTracking.Identification.ID: not a month ID: {name!r}")
    release = Release(
        name,
        _moment(tracking.get("InitialReleaseDate"), "DocumentTracking.InitialReleaseDate"),
        _moment(tracking.get("CurrentReleaseDate"), "DocumentTracking.CurrentReleaseDate"),
    )
    return parse_cvrf(data, release, today)


# --- merging ------------------------------------------------------------------------------


def _parse_entry(entry: str) -> tuple[dt.date, int, str]:
    revision, kb, day = entry.split(":")
    return dt.date.fromisoformat(day), int(revision), kb


def rising(entries: Iterable[str]) -> list[str]:
    """Entries of one build line as a history: each revision once (at its first release),
    in date order, and only revisions above every one released before (a re-published
    or hotpatch-numbered revision never makes "the latest update" go backwards)."""
    first: dict[int, tuple[dt.date, str]] = {}
    for entry in entries:
        day, revision, kb = _parse_entry(entry)
        known = first.get(revision)
        if known is None or day < known[0]:
            first[revision] = (day, kb)
    out: list[str] = []
    top = -1
    for revision, (day, kb) in sorted(first.items(), key=lambda item: (item[1][0], item[0])):
        if revision > top:
            out.append(f"{revision}:{kb}:{day.isoformat()}")
            top = revision
    return out


def merge_updates(
    base: Mapping[str, Any], months: Iterable[Month], *, latest: dt.date
) -> dict[str, dict[str, list[str]]]:
    """The update history ``base`` with every month's revisions added, per build line.

    Entries dated after ``latest`` (a poisoned earlier answer) are dropped.
    """
    lines: dict[str, dict[str, list[str]]] = {"client": {}, "server": {}}
    for line in ("client", "server"):
        table = base.get(line, {})
        for build, entries in table.items() if isinstance(table, Mapping) else ():
            lines[line].setdefault(str(build), []).extend(entries)
    for month in months:
        for line in ("client", "server"):
            for build, entries in month.updates.get(line, {}).items():
                lines[line].setdefault(build, []).extend(entries)
    return {
        line: {
            build: merged
            for build, entries in sorted(table.items(), key=lambda item: int(item[0]))
            if (merged := rising(e for e in entries if _parse_entry(e)[0] <= latest))
        }
        for line, table in lines.items()
    }
