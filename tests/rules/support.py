"""Shared by the rule tests: a minimal inventory document and its assets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tma_audit.model import Outcome

D = dt.date
PASS, FAIL, UNKNOWN, NA = (Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN, Outcome.NOT_APPLICABLE)
TODAY = D(2026, 11, 26)


def doc(
    *assets: dict[str, Any],
    environment: dict[str, Any] | None = None,
    attestations: dict[str, Any] | None = None,
    sites: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "client": {"name": "Test Client", "sites": sites or [{"name": "HQ"}]},
        "assets": list(assets),
    }
    if environment is not None:
        out["environment"] = environment
    if attestations is not None:
        out["attestations"] = attestations
    return out


def server(name: str = "SRV1", **fields: Any) -> dict[str, Any]:
    return {"hostname": name, "kind": "server", "site": "HQ", **fields}


def desktop(name: str = "PC1", **fields: Any) -> dict[str, Any]:
    return {"hostname": name, "kind": "desktop", "site": "HQ", **fields}


def os_(name: str, build: str | None = None, **extra: str) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name}
    if build:
        out["build"] = build
    out.update(extra)
    return out


#: a hardware firewall with every date current on TODAY
FORTIGATE = {
    "hostname": "FW1",
    "kind": "firewall",
    "site": "HQ",
    "form": "hardware",
    "model": "FortiGate 60F",
    "os": {"name": "FortiOS", "version": "7.4.8"},
    "license_expires": D(2027, 5, 1),
    "support_expires": D(2027, 5, 1),
    "warranty": {"expires": D(2027, 5, 1)},
}
