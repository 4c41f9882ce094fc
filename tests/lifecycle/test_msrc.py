"""The MSRC CVRF reader on recorded documents: what a month's document says per build."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.lifecycle.fixtures.upstream import cvrf, release_list
from tma_audit.lifecycle.bounded import JsonLimitError, loads
from tma_audit.lifecycle.msrc import (
    Month,
    Release,
    generation,
    merge_updates,
    parse_cvrf,
    parse_release_list,
    rising,
)
from tma_audit.lifecycle.sources import SourceError, decode_json

TODAY = dt.date(2026, 12, 3)
CROSS_CHECK = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "reference"
    / "windows-updates"
    / "cvrf-derived-zentrixlabs"
)


def releases() -> dict[str, Release]:
    return {r.id: r for r in parse_release_list(release_list(), TODAY)}


def month(ident: str, document: dict[str, Any] | None = None) -> Month:
    return parse_cvrf(document or cvrf(ident), releases()[ident], TODAY)


def test_the_release_list() -> None:
    listed = parse_release_list(release_list(), TODAY)
    assert [r.id for r in listed] == [
        "2026-Jun",
        "2026-Jul",
        "2026-Aug",
        "2026-Sep",
        "2026-Oct",
        "2026-Nov",
    ]
    assert listed[3].initial.date() == dt.date(2026, 9, 8)
    assert listed[3].current.date() == dt.date(2026, 9, 18)  # revised for an out-of-band fix


def test_august_agrees_with_the_cross_check_data() -> None:
    """Pinned: the fixed builds Microsoft published on 2026-08-11, as the shipped history
    and the third-party feed derived from the same documents have them."""
    aug = month("2026-Aug")
    assert aug.initial == dt.date(2026, 8, 11)
    assert aug.updates["client"]["19045"] == ["7663:KB5120249:2026-08-11"]
    assert aug.updates["server"]["14393"] == ["9418:KB5120418:2026-08-11"]
    assert aug.updates["server"]["17763"] == ["9121:KB5120238:2026-08-11"]
    assert aug.updates["server"]["20348"] == ["5499:KB5120242:2026-08-11"]
    assert aug.updates["server"]["26100"] == ["33296:KB5120233:2026-08-11"]
    # client and server lines of one build stay apart (26100: 24H2 vs Server 2025)
    assert aug.updates["client"]["26100"] == ["9168:KB5121003:2026-08-11"]
    # LTSC/LTSB editions are named by their version: 1607 (LTSB 2016), 1809 (LTSC 2019)
    assert aug.updates["client"]["14393"] == ["9418:KB5120418:2026-08-11"]
    assert aug.updates["client"]["17763"] == ["9121:KB5120238:2026-08-11"]
    assert aug.builds["server"]["20348"] == "2022"
    assert aug.builds["client"]["19045"] == "22H2"


@pytest.mark.skipif(not CROSS_CHECK.exists(), reason="reference data not checked out")
def test_every_recorded_summer_month_matches_the_cross_check_feed() -> None:
    names = {
        "Windows 10 Version 22H2": ("client", "19045"),
        "Windows Server 2016": ("server", "14393"),
        "Windows Server 2019": ("server", "17763"),
        "Windows Server 2022": ("server", "20348"),
    }
    for ident in ("2026-Jun", "2026-Jul", "2026-Aug"):
        rows = json.loads((CROSS_CHECK / f"CVE_KB_Mapping_{ident}.json").read_text("utf-8"))
        expected = {
            names[p["os"]]: f"{p['fixedBuild'].split('.')[1]}:{p['kb']}"
            for row in rows
            for p in row["patches"]
            if p["os"] in names
        }
        derived = month(ident)
        for (line, build), entry in expected.items():
            assert derived.updates[line][build][-1].startswith(entry + ":"), (ident, line, build)


def test_other_products_empty_and_old_builds_and_non_fixes_are_ignored() -> None:
    aug = month("2026-Aug")
    builds = {b for line in aug.updates.values() for b in line}
    # .NET 4.8.4805, Edge 140.0, Office 16.0, the empty build, 6.3.9600 (Server 2012 R2)
    assert builds == {"14393", "17763", "19044", "19045", "20348", "22631", "26100", "26200"}
    # the known issue (Type 5) names 17763.99999; it is not a fix
    assert all("99999" not in e for line in aug.updates.values() for e in line.get("17763", []))


def test_a_republished_cve_does_not_take_the_latest_place() -> None:
    """August re-publishes a CVE of January 2025 with its old fixed build 17763.6775; June
    re-lists May's Server 2025 build 26100.32860. The month's own builds stay the latest."""
    assert month("2026-Aug").updates["server"]["17763"] == ["9121:KB5120238:2026-08-11"]
    assert month("2026-Jun").updates["server"]["26100"] == ["32995:KB5094125:2026-06-09"]
    # merged into a history that knows May, 32860 keeps its first release date
    history = {"server": {"26100": ["32860:KB5087539:2026-05-12"]}}
    merged = merge_updates(history, [month("2026-Jun")], latest=TODAY)
    assert merged["server"]["26100"] == [
        "32860:KB5087539:2026-05-12",
        "32995:KB5094125:2026-06-09",
    ]


def test_an_out_of_band_release_is_dated_when_it_was_published() -> None:
    """September's document was revised on 09-18 with an out-of-band fix: two fixed builds
    for one build in a month, the second released ten days later."""
    sep = month("2026-Sep")
    assert sep.current.startswith("2026-09-18")
    assert sep.updates["server"]["20348"] == [
        "5610:KB5129004:2026-09-08",
        "5620:KB5131000:2026-09-18",
    ]
    assert sep.updates["server"]["26100"] == [
        "33420:KB5129007:2026-09-08",
        "33430:KB5131001:2026-09-18",
    ]


def test_hotpatch_fixes_are_not_cumulative_updates() -> None:
    """October names hotpatch builds beside the cumulative updates; even the one numbered
    above the month's update (26100.33600) is left out."""
    oct_ = month("2026-Oct")
    assert oct_.updates["server"]["26100"] == ["33540:KB5135007:2026-10-13"]
    assert oct_.updates["client"]["26100"] == ["9650:KB5135006:2026-10-13"]


def test_the_highest_fixed_build_of_a_day_is_that_days_update() -> None:
    document = cvrf("2026-Aug")
    extra = copy.deepcopy(document["Vulnerability"][0])
    extra["CVE"] = "CVE-2026-49999"
    for fix in extra["Remediations"]:
        if fix["FixedBuild"] == "10.0.20348.5499":
            fix["FixedBuild"], fix["Description"]["Value"] = "10.0.20348.5497", "5120111"
    document["Vulnerability"].append(extra)
    assert month("2026-Aug", document).updates["server"]["20348"] == ["5499:KB5120242:2026-08-11"]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["ProductTree"], None, "ProductTree: expected an object, got null"),
        (["ProductTree", "FullProductName", 0, "Value"], 7, "FullProductName[0].Value"),
        (["Vulnerability"], {"CVE": "x"}, "Vulnerability: expected a list, got an object"),
        (["Vulnerability", 0, "Remediations", 0, "Type"], "2", "Remediations[0].Type"),
        (["Vulnerability", 0, "Remediations", 0, "ProductID"], "11572", "ProductID"),
        (["Vulnerability", 0, "Remediations", 0, "FixedBuild"], 10.0, "FixedBuild"),
        (["DocumentTracking", "InitialReleaseDate"], "soon", "not a date and time"),
        (["DocumentTracking", "Identification", "ID", "Value"], "2026-Jul", "the document is"),
    ],
)
def test_wrong_shapes_are_refused(path: list[Any], value: Any, message: str) -> None:
    document = cvrf("2026-Aug")
    node: Any = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(SourceError, match=message.replace("[", r"\[").replace("]", r"\]")):
        month("2026-Aug", document)


@pytest.mark.parametrize("year", ["2099", "3000"])
def test_future_dates_are_refused(year: str) -> None:
    document = cvrf("2026-Aug")
    document["DocumentTracking"]["CurrentReleaseDate"] = f"{year}-01-01T00:00:00Z"
    with pytest.raises(SourceError, match=f"{year}-01-01 is after the day it was fetched"):
        month("2026-Aug", document)
    listed = release_list()
    listed["value"][-1]["InitialReleaseDate"] = f"{year}-01-01T00:00:00Z"
    with pytest.raises(SourceError, match="after the day it was fetched"):
        parse_release_list(listed, TODAY)
    fresh = cvrf("2026-Aug")
    fresh["Vulnerability"][0]["RevisionHistory"][0]["Date"] = f"{year}-06-01T00:00:00Z"
    with pytest.raises(SourceError, match="RevisionHistory"):
        month("2026-Aug", fresh)


def test_a_bad_release_list_is_refused() -> None:
    with pytest.raises(SourceError, match="value: no releases"):
        parse_release_list({"value": []}, TODAY)
    listed = release_list()
    listed["value"][0]["ID"] = "../../etc"
    with pytest.raises(SourceError, match="expected an ID like 2026-Aug"):
        parse_release_list(listed, TODAY)
    listed = release_list()
    listed["value"].append(dict(listed["value"][0]))
    with pytest.raises(SourceError, match="listed twice"):
        parse_release_list(listed, TODAY)


def test_generations_from_product_names() -> None:
    assert generation("client", "Windows 10 Version 22H2 for x64-based Systems") == "22H2"
    assert generation("client", "Windows 10 Version 1809 for 32-bit Systems") == "1809"
    assert generation("server", "Windows Server 2022, 23H2 Edition (Server Core installation)") == (
        "23H2"
    )
    assert generation("server", "Windows Server 2012 R2 (Server Core installation)") == "2012 R2"
    assert generation("client", "Windows 11 for ARM64-based Systems") is None


def test_a_month_survives_the_cache_round_trip() -> None:
    sep = month("2026-Sep")
    assert Month.from_record(json.loads(json.dumps(sep.record()))) == sep
    assert Month.from_record({"id": "2026-Sep"}) is None
    assert Month.from_record([1, 2]) is None
    broken = sep.record()
    broken["updates"]["server"]["20348"] = ["5610:nokb:2026-09-08"]
    assert Month.from_record(broken) is None


def test_merging_keeps_histories_rising_and_drops_future_entries() -> None:
    assert rising(["10:KB1:2026-01-01", "5:KB2:2026-02-01", "12:KB3:2026-03-01"]) == [
        "10:KB1:2026-01-01",
        "12:KB3:2026-03-01",
    ]
    poisoned = {"client": {"19045": ["7663:KB5120249:2026-08-11", "99999:KB1:3000-01-01"]}}
    merged = merge_updates(poisoned, [], latest=TODAY)
    assert merged["client"]["19045"] == ["7663:KB5120249:2026-08-11"]


# --- bounded JSON ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 64 levels"),
        (b'{"a":' * 200 + b"1" + b"}" * 200, "nested more than 64 levels"),
        (b'{"n": ' + b"9" * 5000 + b"}", "an integer of 5000 digits"),
        (b'{"n": ' + b"9" * 4000 + b"}", "an integer of 4000 digits"),
        (b'{"n": NaN}', "NaN is not JSON"),
        (b"[" + b"1," * 100 + b"1]", "larger than 64 bytes"),
    ],
)
def test_bounded_json_refuses_hostile_documents(raw: bytes, message: str) -> None:
    with pytest.raises(JsonLimitError, match=message):
        loads(raw, max_bytes=64 if b"1,1," in raw else 10**7)


def test_a_hostile_answer_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="nested more than 64 levels"):
        decode_json(b"[" * 100_000 + b"]" * 100_000, "application/json")
    with pytest.raises(SourceError, match="an integer of"):
        decode_json(b'{"value": [' + b"7" * 4000 + b"]}", "application/json")
