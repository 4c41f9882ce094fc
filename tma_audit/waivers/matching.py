"""Which waivers' scopes cover an audit subject. Pure.

Host names, site names and item names compare case-insensitively (Windows host names
are); globs are shell patterns (`*`, `?`, `[…]`), also case-insensitive. A software
finding's subject is "HOST: Product version": host-name selectors cover it through its
host, `items` through its full name.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence

from tma_audit.model import Subject, SubjectType
from tma_audit.waivers.waiver import Scope, Waiver


def fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def host_of(subject: Subject) -> str | None:
    """The host name of an asset or software subject; None for other subjects."""
    if subject.type == SubjectType.ASSET:
        return subject.id
    if subject.type == SubjectType.SOFTWARE:
        return subject.id.split(": ", 1)[0]
    return None


def compile_glob(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(fold(pattern)))


class Selector:
    """One selector of a scope, for saying which selector matches nothing (lint)."""

    def __init__(self, kind: str, value: str) -> None:
        self.kind = kind
        self.value = value
        self._folded = fold(value)
        self._glob = compile_glob(value) if kind == "globs" else None

    def matches(self, subject: Subject) -> bool:
        host = host_of(subject)
        if self.kind == "hostnames":
            return host is not None and fold(host) == self._folded
        if self.kind == "sites":
            return subject.site is not None and fold(subject.site) == self._folded
        if self.kind == "items":
            return fold(subject.id) == self._folded
        assert self._glob is not None
        names = (host, subject.id) if host is not None else (subject.id,)
        return any(self._glob.match(fold(name)) for name in names)


def selectors(scope: Scope) -> list[Selector]:
    return [
        *(Selector("sites", s) for s in scope.sites),
        *(Selector("hostnames", h) for h in scope.hostnames),
        *(Selector("globs", g) for g in scope.globs),
        *(Selector("items", i) for i in scope.items),
    ]


def scope_matches(scope: Scope, subject: Subject) -> bool:
    return scope.client or any(s.matches(subject) for s in selectors(scope))


class WaiverIndex:
    """The waivers that may cover a subject, found by name look-ups (globs are tried).

    Built once per register: applying 1,000 waivers to 35,000 assets costs a few
    dictionary look-ups per subject with a finding.
    """

    def __init__(self, waivers: Iterable[Waiver]) -> None:
        self._order: dict[str, int] = {}
        self._client: list[Waiver] = []
        self._hosts: dict[str, list[Waiver]] = {}
        self._sites: dict[str, list[Waiver]] = {}
        self._items: dict[str, list[Waiver]] = {}
        self._globs: list[tuple[re.Pattern[str], Waiver]] = []
        for position, waiver in enumerate(waivers):
            self._order[waiver.id] = position
            scope = waiver.scope
            if scope.client:
                self._client.append(waiver)
            for host in scope.hostnames:
                self._hosts.setdefault(fold(host), []).append(waiver)
            for site in scope.sites:
                self._sites.setdefault(fold(site), []).append(waiver)
            for item in scope.items:
                self._items.setdefault(fold(item), []).append(waiver)
            self._globs.extend((compile_glob(g), waiver) for g in scope.globs)

    def candidates(self, subject: Subject) -> Sequence[Waiver]:
        """The waivers whose scope covers the subject, in register order."""
        found: list[Waiver] = list(self._client)
        host = host_of(subject)
        folded_id = fold(subject.id)
        if host is not None:
            found.extend(self._hosts.get(fold(host), ()))
        if subject.site is not None:
            found.extend(self._sites.get(fold(subject.site), ()))
        found.extend(self._items.get(folded_id, ()))
        if self._globs:
            names = (fold(host), folded_id) if host is not None else (folded_id,)
            found.extend(w for pattern, w in self._globs if any(pattern.match(n) for n in names))
        if len(found) <= 1:
            return found
        unique = {w.id: w for w in found}
        return sorted(unique.values(), key=lambda w: self._order[w.id])
