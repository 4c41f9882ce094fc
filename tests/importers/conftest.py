"""Shared helpers for the importer tests: fixtures on disk, and assets as plain data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tests.cli.conftest import cli  # noqa: F401 - the CLI fixture, shared with tests/cli
from tma_audit.model import Asset

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def asset_view(asset: Asset) -> dict[str, Any]:
    """An asset as the native fields it states (None and empty left out), plus its line."""
    out: dict[str, Any] = {"hostname": asset.hostname, "kind": asset.kind.value}
    if asset.os is not None:
        os = {
            "name": asset.os.name,
            "version": asset.os.version,
            "build": asset.os.build,
            "edition": asset.os.edition,
        }
        out["os"] = {k: v for k, v in os.items() if v is not None}
    for name in (
        "site",
        "model",
        "antivirus",
        "av_definitions",
        "warranty_expires",
        "support_expires",
        "last_patched",
    ):
        value = getattr(asset, name)
        if value is not None:
            out[name] = value.isoformat() if isinstance(value, dt.date) else value
    if asset.form is not None:
        out["form"] = asset.form.value
    assert asset.location is not None
    out["line"] = asset.location.line
    return out
