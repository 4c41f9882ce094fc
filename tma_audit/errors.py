"""One error base per seam, and the exit codes that are a contract with CI."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    COMPLIANT = 0
    FINDINGS = 1
    INPUT_ERROR = 2
    DATA_ERROR = 3
    #: an unexpected exception: a bug (never shares a code with findings)
    INTERNAL_ERROR = 70


class TmaError(Exception):
    """Base of every error tma-audit reports to the user (never a traceback)."""

    exit_code: ExitCode = ExitCode.INPUT_ERROR

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        what = f"{self.field}: " if self.field else ""
        return f"{where}{what}{self.message}"


class InputError(TmaError):
    """Bad user input: an option, a file that cannot be read. Exit 2."""


class InventoryError(InputError):
    """An inventory that cannot be loaded or does not follow the schema."""


class RulesetError(InputError):
    """A ruleset that cannot be loaded or is invalid."""


class WaiverError(InputError):
    """A malformed waiver register."""


class PluginError(InputError):
    """An installed check plugin that cannot be loaded: it fails to import, clashes with
    a registered check, or declares bad parameters. Exit 2."""


class PluginCheckError(TmaError):
    """A plugin's check raised, or returned something that is not a verdict, while
    checking. The audit has no defensible result: exit 3 (the plugin's bug, not ours)."""

    exit_code = ExitCode.DATA_ERROR


class DataError(TmaError):
    """Lifecycle data unusable. Exit 3."""

    exit_code = ExitCode.DATA_ERROR
