"""The JSON report of a seeded 5,000-asset realistic fleet (benchmarks/fleet.py) is pinned
by its sha256, so a speed change that changes any verdict, reason or evidence fails here.

If a change is meant to change verdicts (new rules, new lifecycle data), check the diff of
the reports before and after, then update REPORT_SHA256 (the failure message prints it).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from tests.conftest import REPO
from tma_audit.audit import run_audit
from tma_audit.inventory import load_inventory
from tma_audit.lifecycle import Lifecycle
from tma_audit.lifecycle.staleness import StalenessPolicy, check_for_audit
from tma_audit.model import Ruleset
from tma_audit.reports import RenderOptions
from tma_audit.reports.json_report import render_json

ASSETS = 5000
#: sha256 of the JSON report (tool version "digest") of `realistic_rows(5000)` on fleet.AS_OF
REPORT_SHA256 = "b17b4efca414cc10df16ff15fbfcb928d83ae84732237b49baefd65e07f452c3"


def _fleet() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fleet", REPO / "benchmarks" / "fleet.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _csv_digest_in_subprocess(tmp: Path, hash_seed: str) -> str:
    """Write the 5,000-asset CSV in a fresh interpreter with a given hash seed."""
    code = (
        "import hashlib, importlib.util, sys; from pathlib import Path\n"
        "spec = importlib.util.spec_from_file_location('fleet', sys.argv[1])\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        f"m.write_inventory(Path(sys.argv[2]), {ASSETS}, 'csv', 'realistic')\n"
        f"data = (Path(sys.argv[2]) / 'assets-realistic-{ASSETS}.csv').read_bytes()\n"
        "print(hashlib.sha256(data).hexdigest())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(REPO / "benchmarks" / "fleet.py"), str(tmp)],
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_realistic_fleet_is_the_same_across_runs_and_hash_seeds(tmp_path: Path) -> None:
    digests = set()
    for seed in ("0", "1", "4242"):
        where = tmp_path / seed
        where.mkdir()
        digests.add(_csv_digest_in_subprocess(where, seed))
    fleet = _fleet()
    fleet.write_inventory(tmp_path, ASSETS, "csv", "realistic")
    here = hashlib.sha256((tmp_path / f"assets-realistic-{ASSETS}.csv").read_bytes())
    digests.add(here.hexdigest())
    assert len(digests) == 1, digests


def test_realistic_fleet_json_report_digest(
    tmp_path: Path, ruleset: Ruleset, lifecycle: Lifecycle
) -> None:
    fleet = _fleet()
    inventory = fleet.write_inventory(tmp_path, ASSETS, "csv", "realistic")
    policy = StalenessPolicy.from_ruleset(ruleset)
    notes = check_for_audit(
        lifecycle.date, lifecycle.updates_date, fleet.AS_OF, policy, allow_stale=False
    )
    with contextlib.chdir(tmp_path):  # paths in the report as the CLI shows them
        loaded = load_inventory(Path(inventory.name))
        result = run_audit(loaded, ruleset, lifecycle, fleet.AS_OF, notes=tuple(notes))
    report = render_json(result, RenderOptions(tool_version="digest")).encode()
    # a fleet this size has findings of every outcome, so the digest pins real verdicts
    assert b'"outcome": "fail"' in report and b'"outcome": "unknown"' in report
    digest = hashlib.sha256(report).hexdigest()
    assert digest == REPORT_SHA256, f"report changed: sha256 {digest}"
