"""The options several commands share, each declared once (name, type, help).

A command takes one as a parameter annotated with it: `ruleset: RulesetOption = None`.
Cheap to import (typer is imported by every command anyway).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

# --- the audit: ruleset, date, lifecycle data, waivers --------------------------------------

RulesetOption = Annotated[
    Path | None,
    typer.Option(
        "--ruleset",
        "-r",
        help="A ruleset file (a full ruleset, or one that `extends: default`); its "
        "parameters also set staleness thresholds and waiver limits. Default: the shipped "
        "ruleset.",
        metavar="FILE",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="The audit date (YYYY-MM-DD): rules, due dates, waiver expiry and the data's "
        "staleness are judged on it. Default: today.",
        metavar="DATE",
    ),
]
DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="A lifecycle snapshot (JSON) to use instead of the shipped data and the cache "
        "(`tma-audit data update`).",
        metavar="FILE",
    ),
]
CacheDirOption = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="Directory of the refreshed data (default: TMA_AUDIT_CACHE_DIR, the settings "
        "file's cache_dir, or the user cache directory).",
        metavar="DIR",
    ),
]
AllowStaleOption = Annotated[
    bool,
    typer.Option(
        "--allow-stale",
        help="Go on with lifecycle data older than the ruleset allows "
        "(lifecycle_stale_error_days, default 180), with a warning, instead of exiting 3.",
    ),
]
WaiversOption = Annotated[
    Path | None,
    typer.Option(
        "--waivers",
        help="A waiver register (YAML): the findings its in-force waivers cover are waived: "
        "they do not fail the run, need no work in the plan and are not drafted again "
        "(those of expired waivers are).",
        metavar="FILE",
    ),
]
OutputsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to FILE instead of standard output ('-'); with several formats, "
        "FORMAT=FILE per format (repeatable).",
        metavar="[FORMAT=]FILE",
    ),
]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Print only the verdict line (and errors): no table, notices, warnings or "
        "progress. Reports for files are written as usual.",
    ),
]
VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Also say on standard error what was read and used: files, sources and what "
        "they vouch for, the ruleset, lifecycle data, waivers, baseline, where reports go.",
    ),
]

BaselineOption = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        help="A saved JSON report of an earlier audit of this client: only findings not in "
        "it fail the run (every report still lists them all, marking the baselined ones), "
        "and SC-4 judges the assets added, removed or with another OS since then by the "
        "inventory's change notices (attestations.changes).",
        metavar="OLD.json",
    ),
]

# --- inventories and exports ---------------------------------------------------------------

SOURCES = "ad, intune, defender, entra, crowdstrike, lansweeper, itglue, fortimanager, generic"
MAP_HELP = (
    "COLUMN=FIELD: read this column as this native field (hostname, kind, os.name, "
    "os.version, os.build, warranty.expires …, fqdn, last_seen). Repeatable."
)
DATE_ORDER_HELP = (
    "How to read dates such as 05/06/2025 that no value in their column settles: "
    "dmy (day first) or mdy (month first)."
)

CompanionOption = Annotated[
    Path | None,
    typer.Option(
        "--companion",
        "-c",
        help="With exports: a native YAML file with the client, environment and "
        "attestations (no assets), which no export knows; the exports' assets join it.",
        metavar="FILE",
    ),
]
#: `inventory convert|validate`: one source for all files, or one per file
SourcesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        help=f"The export's source ({SOURCES}); default: detected from the headers. Once "
        "for all files, or once per file in order.",
        metavar="NAME",
    ),
]
#: `audit`, `plan`: the source of the exports
SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        help=f"For an export: its source ({SOURCES}); default: detected from the headers.",
        metavar="NAME",
    ),
]
MapOption = Annotated[
    list[str] | None, typer.Option("--map", help=MAP_HELP, metavar="COLUMN=FIELD")
]
DateOrderOption = Annotated[
    str | None, typer.Option("--date-order", help=DATE_ORDER_HELP, metavar="dmy|mdy")
]
