"""The snapshot builder's Windows history: read by the parser `data update` uses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.lifecycle.fixtures.upstream import shipped_document, updates_answer
from tma_audit.lifecycle.builder import BuildError
from tma_audit.lifecycle.builder.history import read_update_history, read_windows
from tma_audit.lifecycle.sources import parse_update_history

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "build_lifecycle_snapshot.py"


def _with_second_generation(answer: dict[str, Any]) -> dict[str, Any]:
    """The history with one more row giving server build 20348 a second generation."""
    row = dict(next(r for r in answer["data"] if r["build"].startswith("20348.")))
    row.update(build="20348.1", windows_version="21H2", release_type="Preview")
    answer["data"].append(row)
    answer["metadata"]["recordCount"] = len(answer["data"])
    return answer


def test_a_build_given_two_generations_is_recorded_and_the_first_kept() -> None:
    document = shipped_document()
    answer = _with_second_generation(updates_answer(document))

    history = parse_update_history(answer, document["updates"])

    assert history.server_builds["20348"] == "2022"
    assert history.conflicts == ("server build 20348 is both 2022 and 21H2",)
    assert parse_update_history(updates_answer(document), document["updates"]).conflicts == ()


def test_the_builder_refuses_a_build_given_two_generations(tmp_path: Path) -> None:
    path = tmp_path / "win-buildnumbers.json"
    path.write_text(json.dumps(_with_second_generation(updates_answer(shipped_document()))))

    with pytest.raises(BuildError, match=r"win-buildnumbers\.json: server build 20348 is both"):
        read_update_history(path)


def test_the_builder_reads_the_history_with_the_refresh_checks(tmp_path: Path) -> None:
    answer = updates_answer(shipped_document())
    answer["data"][2]["kb_article"] = "5030211"
    path = tmp_path / "win-buildnumbers.json"
    path.write_text(json.dumps(answer))

    with pytest.raises(BuildError, match=r"data\[2\]\.kb_article: expected KBnnnnnnn"):
        read_update_history(path)


def test_a_client_build_the_release_history_names_otherwise_is_refused(tmp_path: Path) -> None:
    document = shipped_document()
    (tmp_path / "win-buildnumbers.json").write_text(json.dumps(updates_answer(document)))
    releases = {
        "metadata": {"lastCollected": "2026-12-01T00:00:00Z"},
        "data": [{"os_type": "client", "os_build": 19045, "windows_version": "21H2 (x)"}],
    }
    (tmp_path / "win-releases.json").write_text(json.dumps(releases))

    with pytest.raises(BuildError, match="client build 19045: 21H2 vs 22H2"):
        read_windows(tmp_path)


def test_the_script_reports_an_unusable_history_as_an_error(tmp_path: Path) -> None:
    source = tmp_path / "lifecycle"
    reference = REPO.parent / "shared" / "reference" / "lifecycle"
    if not reference.is_dir():
        pytest.skip("../shared/reference is absent")
    (source / "windows-builds").mkdir(parents=True)
    (source / "endoflife-date-products").symlink_to(reference / "endoflife-date-products")
    (source / "api-v1-examples").symlink_to(reference / "api-v1-examples")
    answer = updates_answer(shipped_document())
    answer["metadata"]["recordCount"] = 3
    (source / "windows-builds" / "win-buildnumbers.json").write_text(json.dumps(answer))

    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(source), "-o", str(tmp_path / "out.json"), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 2, done.stderr
    assert "win-buildnumbers.json: data has" in done.stderr
    assert "metadata.recordCount says 3" in done.stderr
    assert not (tmp_path / "out.json").exists()
