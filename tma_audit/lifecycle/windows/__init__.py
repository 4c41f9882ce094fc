"""Windows as inventories write it: version columns, build tables, editions, recognition.

- :mod:`.versions`: the version and build columns parsed (``parse_version``), and the
  order of generations (``windows_generation_at_least``);
- :mod:`.builds`: the build, NT-version and cycle tables the update history lacks;
- :mod:`.editions`: edition words and EditionIDs;
- :mod:`.recognise`: the recogniser, from a name and its columns to an ``OsRecognition``.
"""

from __future__ import annotations

from tma_audit.lifecycle.windows.recognise import Recogniser, WindowsClues, is_windows_name
from tma_audit.lifecycle.windows.versions import (
    WinVersion,
    parse_version,
    windows_generation_at_least,
)

__all__ = [
    "Recogniser",
    "WinVersion",
    "WindowsClues",
    "is_windows_name",
    "parse_version",
    "windows_generation_at_least",
]
