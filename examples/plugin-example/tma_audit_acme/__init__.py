"""Acme IT's own checks for tma-audit (an example plugin package)."""
