"""The Windows cumulative-update history: per build line, updates in date order."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Mapping, Sequence

from tma_audit.lifecycle.records import UpdateInfo


class UpdateHistory:
    """Cumulative updates (Standard and out-of-band) per (server?, major build)."""

    __slots__ = ("_dates", "_lines")

    def __init__(self, lines: Mapping[tuple[bool, int], Sequence[UpdateInfo]]) -> None:
        self._lines: dict[tuple[bool, int], tuple[UpdateInfo, ...]] = {}
        self._dates: dict[tuple[bool, int], tuple[dt.date, ...]] = {}
        for key, updates in lines.items():
            ordered = tuple(sorted(updates, key=lambda u: (u.released, u.revision)))
            self._lines[key] = ordered
            self._dates[key] = tuple(u.released for u in ordered)

    def latest(self, build: int, server: bool, on_or_before: dt.date) -> UpdateInfo | None:
        key = (server, build)
        dates = self._dates.get(key)
        if not dates:
            return None
        index = bisect_right(dates, on_or_before)
        return self._lines[key][index - 1] if index else None

    def latest_known(self, build: int, server: bool) -> UpdateInfo | None:
        line = self._lines.get((server, build))
        return line[-1] if line else None
