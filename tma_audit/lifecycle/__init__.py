"""Lifecycle facts: the dated snapshot shipped with tma-audit, and the lookups the rules use.

Pure: no clock, no printing, no network. See docs/lifecycle-interface.md.
"""

from __future__ import annotations

from tma_audit.lifecycle.cache import DataInUse, load_best, load_pinned
from tma_audit.lifecycle.records import (
    OsFamily,
    OsRecognition,
    ProductRelease,
    SupportStatus,
    SupportVerdict,
    UpdateInfo,
)
from tma_audit.lifecycle.snapshot import SnapshotError, load_shipped, load_snapshot
from tma_audit.lifecycle.staleness import StaleDataError, StalenessPolicy
from tma_audit.lifecycle.store import Lifecycle
from tma_audit.lifecycle.windows import windows_generation_at_least

__all__ = [
    "DataInUse",
    "Lifecycle",
    "OsFamily",
    "OsRecognition",
    "ProductRelease",
    "SnapshotError",
    "StaleDataError",
    "StalenessPolicy",
    "SupportStatus",
    "SupportVerdict",
    "UpdateInfo",
    "load_best",
    "load_pinned",
    "load_shipped",
    "load_snapshot",
    "windows_generation_at_least",
]
