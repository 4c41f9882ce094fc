"""tma-audit: audit a client's IT inventory against the Technology Management Agreement."""

from __future__ import annotations

__version__ = "0.1.0"
