"""What the snapshot builder reports: a source it cannot use, and cross-check findings."""

from __future__ import annotations


class BuildError(Exception):
    """A source that cannot be used."""


class Report:
    """Cross-check findings, printed to stderr."""

    def __init__(self) -> None:
        self.contradictions: list[str] = []
        self.infos: list[str] = []

    def contradiction(self, text: str) -> None:
        self.contradictions.append(text)

    def info(self, text: str) -> None:
        self.infos.append(text)
