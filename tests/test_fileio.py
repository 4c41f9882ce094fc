"""The one reader and the one writer (tma_audit/fileio.py), below the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tma_audit.errors import InputError, RulesetError
from tma_audit.fileio import (
    DEFAULT_MAX_INPUT_BYTES,
    RefusedReference,
    TargetExistsError,
    check_target,
    forget_inputs,
    inputs_read,
    max_input_bytes,
    read_input,
    resolve_reference,
    write_file,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", DEFAULT_MAX_INPUT_BYTES), ("1000", 1000), ("2K", 2048), ("3m", 3 << 20), ("1G", 1 << 30)],
)
def test_the_size_cap(value: str, expected: int) -> None:
    assert max_input_bytes({"TMA_AUDIT_MAX_INPUT_BYTES": value}) == expected


@pytest.mark.parametrize("value", ["0", "-5", "1.5M", "M", "9" * 20])
def test_a_bad_size_cap_is_an_input_error(value: str) -> None:
    with pytest.raises(InputError, match="is not a size"):
        max_input_bytes({"TMA_AUDIT_MAX_INPUT_BYTES": value})


def test_read_input_remembers_what_it_read_and_uses_the_callers_error(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(b"x: 1\n")
    assert read_input(path) == b"x: 1\n"
    info = path.stat()
    assert inputs_read()[(info.st_dev, info.st_ino)] == str(path)
    with pytest.raises(InputError, match="is an input of this run"):
        check_target(path)
    forget_inputs()
    assert check_target(path).identity == (info.st_dev, info.st_ino)
    with pytest.raises(RulesetError, match="ruleset file not found"):
        read_input(tmp_path / "nope.yaml", error=RulesetError, not_found="ruleset file not found")
    with pytest.raises(RulesetError, match="is a directory, not a file"):
        read_input(tmp_path, error=RulesetError)


def test_an_exclusive_write_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    write_file(target, "first", exclusive=True)
    with pytest.raises(TargetExistsError):
        write_file(target, "second", exclusive=True)
    assert target.read_text(encoding="utf-8") == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_a_symlinked_report_replaces_the_file_it_names_not_the_link(tmp_path: Path) -> None:
    real = tmp_path / "reports" / "r.json"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "r.json"
    link.symlink_to(real)
    write_file(link, ["n", "ew"])
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_a_long_name_keeps_its_temporary_name_short(tmp_path: Path) -> None:
    """A 250-byte name is valid; its temporary file must not be 'name too long'."""
    target = tmp_path / ("r" * 250)
    write_file(target, b"ok")
    assert target.read_bytes() == b"ok"


def test_references_stay_in_the_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path / "project"
    (base / "sub").mkdir(parents=True)
    (base / "out").symlink_to(tmp_path)
    assert resolve_reference("sub/r.yaml", base) == base / "sub" / "r.yaml"
    for name in ("/etc/passwd", "../x.yaml", "sub/../../x.yaml", "out/x.yaml"):
        with pytest.raises(RefusedReference, match="outside the directory"):
            resolve_reference(name, base)
    monkeypatch.setenv("TMA_AUDIT_ALLOW_OUTSIDE_REFERENCES", "1")
    assert resolve_reference("/etc/passwd", base) == Path("/etc/passwd")
    assert resolve_reference("../x.yaml", base) == base / "../x.yaml"
    monkeypatch.setenv("TMA_AUDIT_ALLOW_OUTSIDE_REFERENCES", "0")
    with pytest.raises(RefusedReference):
        resolve_reference("../x.yaml", base)


def test_a_stream_target_is_not_a_file(tmp_path: Path) -> None:
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    target = check_target(fifo)
    assert target.stream and not target.stdout
    assert check_target(Path("-")).stdout
