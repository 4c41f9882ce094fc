"""The shipped snapshot: reproducible from its sources, validated on load, quick to load."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tma_audit.errors import DataError, ExitCode
from tma_audit.lifecycle import (
    Lifecycle,
    OsFamily,
    SnapshotError,
    load_shipped,
    load_snapshot,
    windows_generation_at_least,
)
from tma_audit.lifecycle.snapshot import parse_snapshot

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "build_lifecycle_snapshot.py"
REFERENCE = REPO.parent / "shared" / "reference" / "lifecycle"
SHIPPED = resources.files("tma_audit.lifecycle").joinpath("data/snapshot.json")


def shipped_json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHIPPED.read_bytes())
    return data


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference is absent")
def test_the_build_reproduces_the_shipped_snapshot(tmp_path: Path) -> None:
    out = tmp_path / "snapshot.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(REFERENCE), "--output", str(out), "--strict", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == SHIPPED.read_bytes()


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference is absent")
def test_the_build_adds_cvrf_documents_from_a_folder(tmp_path: Path) -> None:
    """A release can ship a newer update history without network at build time."""
    fixtures = REPO / "tests" / "lifecycle" / "fixtures"
    folder = tmp_path / "cvrf"
    folder.mkdir()
    for month in ("2026-Aug", "2026-Sep", "2026-Oct", "2026-Nov"):
        (folder / f"{month}.json").write_bytes((fixtures / f"cvrf_{month}.json").read_bytes())
    out = tmp_path / "snapshot.json"
    command = [sys.executable, str(SCRIPT), str(REFERENCE), "--output", str(out), "-q"]

    done = subprocess.run(
        [*command, "--cvrf", str(folder)], check=False, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    built = load_snapshot(out)
    assert built.updates_date is not None and built.updates_date.isoformat() == "2026-11-10"
    latest = built.latest_known_update(20348, True)
    assert latest is not None and (latest.revision, latest.kb) == (5830, "KB5140004")
    # the shipped history is all there, August agrees
    shipped = load_shipped()
    assert built.latest_update(17763, True, built.date) != shipped.latest_known_update(17763, True)
    august = built.latest_update(17763, True, shipped.updates_date or built.date)
    assert august == shipped.latest_known_update(17763, True)
    data = json.loads(out.read_bytes())
    assert data["sources"][-1]["documents"] == ["2026-Aug", "2026-Nov", "2026-Oct", "2026-Sep"]

    (folder / "broken.json").write_text('{"DocumentTracking": 1}', encoding="utf-8")
    bad = subprocess.run(
        [*command, "--cvrf", str(folder)], check=False, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "broken.json: DocumentTracking: expected an object" in bad.stderr


def test_snapshot_metadata() -> None:
    data = shipped_json()
    assert data["format"] == 1
    assert data["date"] == "2026-11-26"
    assert data["updates_date"] == "2026-08-12"
    assert len(data["products"]) == 48
    assert {s["id"] for s in data["sources"]} >= {"endoflife-date", "dataforgeeks-updates"}
    assert all(s["licence"] and s["date"] for s in data["sources"])
    assert "Permission is hereby granted" in data["licence_notices"]["mit"]
    assert len(SHIPPED.read_bytes()) < 1_500_000


def test_sources_are_exposed() -> None:
    lc = load_shipped()
    assert lc.origin == "shipped"
    described = dict(lc.sources)
    assert any("endoflife.date" in d and "MIT" in d for d in described)
    assert "2026-08-12" in described.values()


def test_load_snapshot_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "copy.json"
    path.write_bytes(SHIPPED.read_bytes())
    lc = load_snapshot(path)
    assert lc.origin == str(path)
    assert lc.find_release("FortiOS", "7.4") is not None


def test_load_time() -> None:
    raw = SHIPPED.read_bytes()
    best = min(_timed(lambda: parse_snapshot(raw, "x", "x")) for _ in range(3))
    assert best < 0.05, f"loading took {best * 1000:.1f} ms"


def test_recognise_os_is_cheap_when_repeated() -> None:
    lc = load_shipped()
    names = [
        ("Windows Server 2019 Standard", "10.0 (17763)", True),
        ("Windows 10 Pro", None, False),
    ]

    def many() -> None:
        for i in range(20_000):
            name, version, server = names[i % 2]
            lc.recognise_os(name, version, f"17763.{i}", None, server)

    assert _timed(many) < 1.0


def _timed(action: Any) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not valid JSON"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        (b"[]", "expected an object"),
        (b'{"format": 99}', "format 99 is not supported"),
        (b'{"format": 1, "date": "yesterday"}', "not a date"),
        (b'{"format": 1, "date": "2026-11-26", "products": {}}', "no products"),
    ],
)
def test_corrupt_snapshot_raises(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "snapshot.json"
    path.write_bytes(content)
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(path)
    assert message in caught.value.message
    assert caught.value.file == str(path)
    assert isinstance(caught.value, DataError)
    assert caught.value.exit_code == ExitCode.DATA_ERROR


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["products"]["windows"]["releases"][0].update(eol="soon"), "not a date"),
        (lambda d: d["products"]["windows"]["releases"][0].pop("cycle"), "cycle"),
        (lambda d: d["products"]["windows"].update(releases=None), "expected a list"),
        (lambda d: d["updates"]["client"]["19045"].append("oops"), "bad update entry"),
        (lambda d: d["windows"]["server_builds"].update(x="2019"), "not a number"),
    ],
)
def test_damaged_fields_raise(tmp_path: Path, mutate: Any, message: str) -> None:
    data = shipped_json()
    mutate(data)
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SnapshotError, match=message):
        load_snapshot(path)


def test_a_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="cannot read"):
        load_snapshot(tmp_path / "absent.json")


def test_loaded_lifecycle_is_the_shipped_type() -> None:
    assert isinstance(load_shipped(), Lifecycle)


@pytest.mark.parametrize(
    ("family", "generation", "minimum", "expected"),
    [
        (OsFamily.WINDOWS_SERVER, "2012", "2012", True),
        (OsFamily.WINDOWS_SERVER, "2012 R2", "2012", True),
        (OsFamily.WINDOWS_SERVER, "2008 R2", "2012", False),
        (OsFamily.WINDOWS_SERVER, "2008", "2008 R2", False),
        (OsFamily.WINDOWS_SERVER, "2003", "2012", False),
        (OsFamily.WINDOWS_SERVER, "2025", "2016", True),
        (OsFamily.WINDOWS_SERVER, "1809", "2016", True),
        (OsFamily.WINDOWS_SERVER, "20H2", "2019", False),
        (OsFamily.WINDOWS_SERVER, "23H2", "2016", True),
        (OsFamily.WINDOWS_SERVER, "23H2", "2019", False),
        (OsFamily.WINDOWS_SERVER, "2019", "1809", True),
        (OsFamily.WINDOWS_SERVER, "2012-r2", "2012 R2", True),
        (OsFamily.WINDOWS_CLIENT, "10", "10", True),
        (OsFamily.WINDOWS_CLIENT, "11", "10", True),
        (OsFamily.WINDOWS_CLIENT, "8.1", "10", False),
        (OsFamily.WINDOWS_CLIENT, "7", "8", False),
        (OsFamily.WINDOWS_CLIENT, "Vista", "XP", True),
        (OsFamily.WINDOWS_CLIENT, "XP", "7", False),
    ],
)
def test_windows_generation_at_least(
    family: OsFamily, generation: str, minimum: str, expected: bool
) -> None:
    assert windows_generation_at_least(family, generation, minimum) is expected


@pytest.mark.parametrize(
    ("family", "generation", "minimum"),
    [
        (OsFamily.LINUX, "10", "10"),
        (OsFamily.WINDOWS_OTHER, "7", "7"),
        (OsFamily.WINDOWS_SERVER, "2011", "2012"),
        (OsFamily.WINDOWS_CLIENT, "10", "2012"),
    ],
)
def test_windows_generation_at_least_rejects_nonsense(
    family: OsFamily, generation: str, minimum: str
) -> None:
    with pytest.raises(ValueError, match="generation"):
        windows_generation_at_least(family, generation, minimum)


def test_every_recognised_generation_is_ordered() -> None:
    lc = load_shipped()
    for name, version, server in [
        ("Windows Server 2003", None, True),
        ("Azure Stack HCI", "10.0 (20348)", True),
        ("Azure Stack HCI", "10.0 (26100)", True),
        ("Windows Server Standard", "10.0 (19042)", True),
        ("Windows 2000 Professional", None, False),
        ("Windows 11 Pro", None, False),
    ]:
        rec = lc.recognise_os(name, version, None, None, server)
        assert rec.generation is not None, name
        windows_generation_at_least(rec.family, rec.generation, rec.generation)


def test_recognised_generations_are_always_ordered() -> None:
    """Whatever the recogniser returns, windows_generation_at_least accepts it."""
    lc = load_shipped()
    names = [
        "Windows Server 2003 R2",
        "Windows Server 2016 R2",
        "Windows 2000 Server",
        "Windows 2000 Professional",
        "Windows Server",
        "Windows",
        "Win",
        "Hyper-V Server",
        "Azure Stack HCI",
        "Windows Server 1809",
        "Windows Server 20H2",
        "Windows 10 IoT Enterprise LTSC",
        "Windows 11 ???",
        "Windows NT",
        "Windows XP",
        "Windows Vista",
        "Windows 8",
        "Windows Small Business Server 2011",
    ]
    versions = [None, "5.0 (2195)", "5.2 (3790)", "6.0 (6002)", "6.1 (7600)", "6.3 (9600)"]
    versions += [f"10.0 ({b})" for b in (14393, 16299, 17763, 17784, 19042, 20349, 25398)]
    versions += ["10.0 (26100)", "10.0 (28000)", "10.0 (99999)", "10.0", "22H2"]
    for name in names:
        for version in versions:
            for server in (True, False):
                rec = lc.recognise_os(name, version, None, None, server)
                if rec.generation is not None:
                    assert windows_generation_at_least(rec.family, rec.generation, rec.generation)
