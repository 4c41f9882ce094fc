"""Several exports of one client, merged by host; duplicates and conflicts reported.

Hosts match on their short name, case-insensitively (`PC01`, `pc01.corp.example` and
`PC01$` are one host). When one short name carries two different domains
(`web01.a.example`, `web01.b.example`) those are two hosts, named by their FQDNs.

Within one file, a host listed more than once (Intune keeps a record per enrolment) is
the most recently seen record. Across files, each field comes from the sources that
state it:

* the kind from the surest source (a type column beats the OS, which beats a guess);
  desktop and notebook agree (the notebook wins);
* the OS name from the most specific record (one whose release is known), the build
  from a record whose build agrees (AD's name, Intune's `10.0.19045.6456`);
* the antivirus agent and definitions together, from the freshest definitions;
* anything else from the most recently seen record.

Disagreements (a kind, an OS release or build, a warranty date …) are never settled
silently: each becomes a :class:`Conflict` naming every value and where it came from, and
the value kept is the most recently seen record's (then the first file's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tma_audit.inventory.columns import locations
from tma_audit.inventory.importers.kinds import DERIVED
from tma_audit.inventory.importers.mapping import Batch
from tma_audit.inventory.schema import OS_COLUMNS
from tma_audit.lifecycle import Lifecycle
from tma_audit.lifecycle.windows import parse_version
from tma_audit.model import AssetKind, Location

_OS = OS_COLUMNS
_AV = ("antivirus.agent", "antivirus.definitions")
_WORKSTATIONS = frozenset({AssetKind.DESKTOP, AssetKind.NOTEBOOK})


@dataclass(frozen=True, slots=True)
class Conflict:
    host: str
    field: str
    #: (value as text, where it came from)
    values: tuple[tuple[str, Location], ...]
    kept: Location

    def describe(self) -> str:
        said = "; ".join(f"{loc} says {value}" for value, loc in self.values)
        return f"{self.host}: {self.field}: {said} (kept {self.kept})"


@dataclass(slots=True)
class Merged:
    """Hosts as columns, ready to become assets."""

    hostnames: list[str]
    kinds: list[AssetKind]
    #: how sure each kind is (STATED, DERIVED, GUESSED)
    levels: list[int]
    fields: dict[str, list[Any]]
    #: where each host is defined: its first record (first file first)
    locations: list[Location]
    #: the further records of merged hosts, by host index
    others: dict[int, tuple[Location, ...]]
    conflicts: list[Conflict] = field(default_factory=list)
    #: report lines: duplicate records, hosts split by domain
    notes: list[str] = field(default_factory=list)
    #: hosts found in each number of files: {1: 40, 3: 870}
    overlap: dict[int, int] = field(default_factory=dict)
    #: hosts with more than one record in one file
    repeated: list[str] = field(default_factory=list)


def merge(batches: Sequence[Batch], lifecycle: Lifecycle) -> Merged:
    """Merge the files' rows by host."""
    if len(batches) == 1 and len(set(batches[0].keys)) == batches[0].n:
        return _single(batches[0])
    return _Merger(batches, lifecycle).run()


def _single(batch: Batch) -> Merged:
    """One file without repeated hosts: its columns as they are."""
    return Merged(
        hostnames=batch.hostnames,
        kinds=batch.kind,
        levels=batch.kind_level,
        fields={k: v for k, v in batch.fields.items() if k != "last_seen"},
        locations=locations(batch.file, batch.lines),
        others={},
        overlap={1: batch.n} if batch.n else {},
    )


_Ref = tuple[int, int]  # (batch, row)


class _Merger:
    def __init__(self, batches: Sequence[Batch], lifecycle: Lifecycle) -> None:
        self.batches = batches
        self.lifecycle = lifecycle
        names = [name for b in batches for name in b.fields]
        self.field_names = [n for n in dict.fromkeys(names) if n != "last_seen"]
        self.out = Merged(
            hostnames=[],
            kinds=[],
            levels=[],
            fields={name: [] for name in self.field_names},
            locations=[],
            others={},
        )
        self.duplicates = 0
        self._domains: dict[int, list[str | None]] = {}

    def domain(self, ref: _Ref) -> str | None:
        domains = self._domains.get(ref[0])
        if domains is None:
            domains = self._domains[ref[0]] = self.batches[ref[0]].domains()
        return domains[ref[1]]

    def loc(self, ref: _Ref) -> Location:
        batch = self.batches[ref[0]]
        return Location(batch.file, batch.lines[ref[1]])

    def value(self, ref: _Ref, name: str) -> Any:
        column = self.batches[ref[0]].fields.get(name)
        return None if column is None else column[ref[1]]

    def seen(self, ref: _Ref) -> dt.date | None:
        value = self.value(ref, "last_seen")
        return value if isinstance(value, dt.date) else None

    def run(self) -> Merged:
        groups: dict[str, list[_Ref]] = {}
        for b, batch in enumerate(self.batches):
            for i, key in enumerate(batch.keys):
                groups.setdefault(key, []).append((b, i))
        for refs in groups.values():
            for hostname, part in self._split(refs):
                self._host(hostname, part)
        if self.duplicates:
            self.out.notes.insert(
                0,
                f"{self.duplicates} host(s) listed more than once in one file: "
                "the most recently seen record is used",
            )
        return self.out

    def _split(self, refs: list[_Ref]) -> list[tuple[str, list[_Ref]]]:
        """One short name in two domains is two hosts (named by FQDN)."""
        first = self.batches[refs[0][0]].hostnames[refs[0][1]]
        domains = {self.domain(ref) for ref in refs} - {None}
        if len(domains) < 2:
            return [(first, refs)]
        parts: dict[str | None, list[_Ref]] = {}
        for ref in refs:
            parts.setdefault(self.domain(ref), []).append(ref)
        named = sorted(f"{first}.{d}" for d in domains)
        self.out.notes.append(
            f"{first}: one name in {len(domains)} domains, kept apart: " + ", ".join(named)
        )
        out: list[tuple[str, list[_Ref]]] = []
        for domain, part in parts.items():
            out.append((first if domain is None else f"{first}.{domain}", part))
        return out

    def _host(self, hostname: str, refs: list[_Ref]) -> None:
        refs = self._dedupe(hostname, refs)
        # most recently seen first, then file order
        order = sorted(
            refs,
            key=lambda r: (self.seen(r) is None, -(_stamp(self.seen(r))), r[0]),
        )
        out = self.out
        out.hostnames.append(hostname)
        if len(refs) > 1:
            out.others[len(out.locations)] = tuple(self.loc(r) for r in refs[1:])
        out.locations.append(self.loc(refs[0]))
        out.overlap[len(refs)] = out.overlap.get(len(refs), 0) + 1
        kind, level = self._kind(hostname, refs, order)
        out.kinds.append(kind)
        out.levels.append(level)
        chosen: dict[str, Any] = {}
        chosen.update(self._os(hostname, refs, order))
        chosen.update(self._antivirus(order))
        for name in self.field_names:
            if name in chosen or name in _OS or name in _AV:
                continue
            chosen[name] = self._scalar(hostname, name, order)
        for name in self.field_names:
            out.fields[name].append(chosen.get(name))

    def _dedupe(self, hostname: str, refs: list[_Ref]) -> list[_Ref]:
        """One record per file: the most recently seen (then the first)."""
        by_batch: dict[int, list[_Ref]] = {}
        for ref in refs:
            by_batch.setdefault(ref[0], []).append(ref)
        kept: list[_Ref] = []
        for b, group in by_batch.items():
            if len(group) == 1:
                kept.append(group[0])
                continue
            best = min(group, key=lambda r: (self.seen(r) is None, -_stamp(self.seen(r)), r[1]))
            kept.append(best)
            self.duplicates += 1
            self.out.repeated.append(hostname)
            lines = ", ".join(str(self.batches[b].lines[i]) for _, i in group)
            seen = self.seen(best)
            when = f", last seen {seen}" if seen else ""
            self.out.notes.append(
                f"{hostname}: {len(group)} records in {self.batches[b].file} (lines {lines}): "
                f"kept line {self.batches[b].lines[best[1]]}{when}"
            )
        return kept

    def _conflict(self, host: str, name: str, values: list[tuple[str, _Ref]], kept: _Ref) -> None:
        self.out.conflicts.append(
            Conflict(host, name, tuple((v, self.loc(r)) for v, r in values), self.loc(kept))
        )

    def _kind(self, host: str, refs: list[_Ref], order: list[_Ref]) -> tuple[AssetKind, int]:
        def kind(ref: _Ref) -> tuple[AssetKind, int]:
            batch = self.batches[ref[0]]
            return batch.kind[ref[1]], batch.kind_level[ref[1]]

        top = max(kind(r)[1] for r in refs)
        best = [r for r in order if kind(r)[1] == top]
        kinds = {kind(r)[0] for r in best}
        chosen = (
            kinds.pop()
            if len(kinds) == 1
            else AssetKind.NOTEBOOK
            if kinds <= _WORKSTATIONS
            else kind(best[0])[0]
        )
        # A stated or derived kind that disagrees is reported (desktop and notebook agree:
        # "Workstation" or a desktop OS says nothing against a notebook's model).
        sure = [r for r in order if kind(r)[1] >= DERIVED]
        if chosen is AssetKind.DESKTOP and any(kind(r)[0] is AssetKind.NOTEBOOK for r in sure):
            chosen = AssetKind.NOTEBOOK
        if len({_workstation(kind(r)[0]) for r in sure}) > 1:
            values = [(kind(r)[0].value, r) for r in sure]
            self._conflict(host, "kind", values, best[0])
        return chosen, top

    def _os(self, host: str, refs: list[_Ref], order: list[_Ref]) -> dict[str, Any]:
        stated = [r for r in order if self.value(r, "os.name") is not None]
        if not stated:
            return {}
        facts = {r: self._os_facts(r) for r in stated}
        releases = {facts[r][0] for r in stated if facts[r][0] is not None}
        builds = {facts[r][1] for r in stated if facts[r][1] is not None}
        if len(releases) > 1 or len(builds) > 1:
            what = "os" if len(releases) > 1 else "os build"
            self._conflict(host, what, [(self._os_text(r), r) for r in stated], stated[0])
            return {name: self.value(stated[0], name) for name in _OS}
        # The most specific record names the OS; the others fill in what it lacks.
        best = max(stated, key=lambda r: (facts[r][2], -stated.index(r)))
        out = {name: self.value(best, name) for name in _OS}
        for name in ("os.build", "os.version", "os.edition"):
            if out[name] is None:
                out[name] = next(
                    (self.value(r, name) for r in stated if self.value(r, name) is not None),
                    None,
                )
        return out

    def _os_facts(self, ref: _Ref) -> tuple[str | None, int | None, tuple[int, ...]]:
        """(release or generation, build number, how specific) of a record's OS."""
        name, version, build, edition = (self.value(ref, n) for n in _OS)
        server = self.batches[ref[0]].kind[ref[1]] is AssetKind.SERVER
        rec = self.lifecycle.recognise_os(name, version, build, edition, server)
        release: str | None = None
        if rec.generation is not None:
            release = f"{rec.family.value} {rec.generation}"
        elif rec.release is not None:
            release = f"{rec.release.product} {rec.release.cycle}"
        number = parse_version(build).build or parse_version(version).build
        specific = (
            rec.release is not None,
            rec.generation is not None,
            rec.edition is not None,
            len(str(name).split()),
        )
        return release, number, tuple(int(x) for x in specific)

    def _os_text(self, ref: _Ref) -> str:
        name, version, build, _ = (self.value(ref, n) for n in _OS)
        text = repr(name)
        if build:
            text += f" build {build}"
        elif version:
            text += f" {version}"
        return text

    def _antivirus(self, order: list[_Ref]) -> dict[str, Any]:
        with_agent = [r for r in order if self.value(r, "antivirus.agent") is not None]
        if not with_agent:
            return {}
        dated = [r for r in with_agent if self.value(r, "antivirus.definitions") is not None]
        best = (
            max(dated, key=lambda r: self.value(r, "antivirus.definitions"))
            if dated
            else with_agent[0]
        )
        return {name: self.value(best, name) for name in _AV}

    def _scalar(self, host: str, name: str, order: list[_Ref]) -> Any:
        stated = [(self.value(r, name), r) for r in order]
        stated = [(v, r) for v, r in stated if v is not None]
        if not stated:
            return None
        distinct = {_same(v) for v, _ in stated}
        if name == "model":  # "Latitude 5520" and "Dell Latitude 5520" agree
            longest = max(distinct, key=len)
            distinct = {v for v in distinct if v not in longest} | {longest}
        if len(distinct) > 1:
            self._conflict(host, name, [(str(v), r) for v, r in stated], stated[0][1])
        return stated[0][0]


def _workstation(kind: AssetKind) -> AssetKind:
    return AssetKind.DESKTOP if kind in _WORKSTATIONS else kind


def _same(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else value


def _stamp(value: dt.date | None) -> int:
    return value.toordinal() if value is not None else 0
