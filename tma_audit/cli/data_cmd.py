"""`tma-audit data show` and `tma-audit data update` (the data an audit uses is chosen in
`tma_audit.lifecycle.in_use`, and described in `tma_audit.lifecycle.describe`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from tma_audit.cli.options import AsOfOption, CacheDirOption, DataOption, RulesetOption

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from tma_audit.lifecycle.cache import DataInUse
    from tma_audit.lifecycle.refresh import Progress, RefreshResult
    from tma_audit.lifecycle.settings import DataSettings

#: seconds one answer of `data update` may take (the run's deadline is an option)
DOCUMENT_DEADLINE = 120.0
#: how many changed lifecycle dates `data update` lists
SHOWN_CHANGES = 50
ENDOFLIFE_CHANGES = "endoflife.date dates changed"

app = typer.Typer(
    help="See and refresh the lifecycle data that audits use.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("show")
def show(
    cache_dir: CacheDirOption = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    ruleset: RulesetOption = None,
) -> None:
    """Show the lifecycle data in use: origin, dates, sources, products, staleness."""
    from tma_audit.cli.common import data_choice, parse_as_of, say, terminal_width, warn
    from tma_audit.lifecycle.describe import describe_data
    from tma_audit.lifecycle.staleness import StalenessPolicy, assess
    from tma_audit.rules import load_ruleset

    day = parse_as_of(as_of)
    rules = load_ruleset(ruleset)
    choice = data_choice(data, cache_dir)
    settings = choice.settings()
    in_use = choice.load(settings)
    for message in in_use.warnings:
        warn(message)
    staleness = assess(
        in_use.info.date, in_use.info.updates_date, day, StalenessPolicy.from_ruleset(rules)
    )
    say(describe_data(in_use, staleness, settings, day, terminal_width()))


@app.command("update")
def update(
    cache_dir: CacheDirOption = None,
    endoflife_url: Annotated[
        str | None,
        typer.Option(
            "--endoflife-url",
            help="Base URL of the endoflife.date API v1 (default: TMA_AUDIT_ENDOFLIFE_URL, "
            "the settings file, or https://endoflife.date/api/v1).",
            metavar="URL",
        ),
    ] = None,
    msrc_url: Annotated[
        str | None,
        typer.Option(
            "--msrc-url",
            help="Base URL of Microsoft's security update API, MSRC CVRF v3.0 (default: "
            "TMA_AUDIT_MSRC_URL, the settings file, or "
            "https://api.msrc.microsoft.com/cvrf/v3.0).",
            metavar="URL",
        ),
    ] = None,
    updates_url: Annotated[
        str | None,
        typer.Option(
            "--updates-url",
            help="Base URL serving win-buildnumbers.json, a mirror of the Windows update "
            "history, besides Microsoft's (default: TMA_AUDIT_UPDATES_URL or the settings "
            "file; none: not asked).",
            metavar="URL",
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            help="Seconds to wait for each read of an answer (default 10).",
            metavar="SECONDS",
        ),
    ] = None,
    deadline: Annotated[
        float | None,
        typer.Option(
            "--deadline",
            help="Seconds the whole update may take (default 300); one answer may take "
            "at most 120 of them.",
            metavar="SECONDS",
        ),
    ] = None,
    accept_changes: Annotated[
        bool,
        typer.Option(
            "--accept-changes",
            help="Take lifecycle changes that look implausible (dates decades ahead, many "
            "dates moving at once) instead of refusing them and exiting 3.",
        ),
    ] = False,
    retries: Annotated[
        int | None,
        typer.Option(
            "--retries",
            help="Retries after a failed request (default 3).",
            min=0,
            max=10,
            metavar="N",
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing but warnings and errors.")
    ] = False,
) -> None:
    """Fetch fresh lifecycle data and cache it; exit 3 if a source failed (old data kept)."""
    from tma_audit.cli.common import parse_as_of, warn
    from tma_audit.cli.common import say as say_out
    from tma_audit.errors import DataError
    from tma_audit.lifecycle.cache import load_best
    from tma_audit.lifecycle.in_use import data_settings

    settings = data_settings(
        cache_dir=cache_dir,
        endoflife_url=endoflife_url,
        updates_url=updates_url,
        timeout=timeout,
        retries=retries,
        msrc_url=msrc_url,
        deadline=deadline,
    )
    today = parse_as_of(None)
    base = load_best(settings.cache_dir, today=today)
    for message in base.warnings:
        warn(message)
    result = _refresh(base, settings, today, accept_changes=accept_changes, quiet=quiet)

    def say(text: str) -> None:
        if not quiet:
            say_out(text + "\n")

    _tell(result, say)
    say(_save(result, base, settings))
    if result.failed:
        names = ", ".join(o.source for o in result.failed)
        raise DataError(f"refresh incomplete ({names}); the previous data was kept for it")


def _refresh(
    base: DataInUse, settings: DataSettings, today: dt.date, *, accept_changes: bool, quiet: bool
) -> RefreshResult:
    """Refresh the data in use, with a one-line progress display on a terminal."""
    from tma_audit.lifecycle.refresh import RefreshConfig, refresh

    config = RefreshConfig(
        endoflife_url=settings.endoflife_url,
        updates_url=settings.updates_url,
        msrc_url=settings.msrc_url,
        timeout=settings.timeout,
        retries=settings.retries,
        deadline=settings.deadline,
        document_deadline=min(settings.deadline, DOCUMENT_DEADLINE),
        accept_changes=accept_changes,
    )
    progress = None if quiet else _progress(sys.stderr)
    try:
        return refresh(
            base.document, config, today, validators_usable=base.from_cache, progress=progress
        )
    finally:
        if progress is not None:
            sys.stderr.write("\r\x1b[K")


def _save(result: RefreshResult, base: DataInUse, settings: DataSettings) -> str:
    """Cache the refreshed data, if any; what was done."""
    from tma_audit.errors import DataError
    from tma_audit.lifecycle.cache import save_cache
    from tma_audit.lifecycle.snapshot import SnapshotError

    if result.document is None:
        return f"nothing new: still using the {base.info.kind} data of {base.info.date}"
    try:
        info = save_cache(settings.cache_dir, result.document)
    except SnapshotError as exc:
        raise DataError(
            f"the refreshed data does not load ({exc}); nothing was written, "
            f"the data in use is still {base.info.kind} of {base.info.date}"
        ) from None
    updates = f", Windows updates to {info.updates_date}" if info.updates_date else ""
    return f"wrote {info.file} (lifecycle data {info.date}{updates})"


def _tell(result: RefreshResult, say: Callable[[str], None]) -> None:
    """Each source's outcome (failures as errors), the changed dates, the notes."""
    from tma_audit.cli.common import say_err, warn
    from tma_audit.lifecycle.refresh import Status

    for outcome in result.outcomes:
        if outcome.status is Status.FAILED:
            say_err(f"tma-audit: error: {outcome.source}: {outcome.message}\n")
        else:
            say(f"{outcome.source}: {outcome.status.value}: {outcome.message}")
    if result.changes:
        say(f"{ENDOFLIFE_CHANGES} ({len(result.changes)}):")
        for change in result.changes[:SHOWN_CHANGES]:
            say(f"  {change}")
        if len(result.changes) > SHOWN_CHANGES:
            say(f"  … and {len(result.changes) - SHOWN_CHANGES} more")
    for note in result.notes:
        warn(note)


def _progress(stream: TextIO) -> Progress | None:
    """A one-line progress display on a terminal; None elsewhere."""
    if not stream.isatty():
        return None
    from tma_audit.safetext import for_terminal

    def show(label: str, done: int, total: int) -> None:
        stream.write(f"\r\x1b[K[{done}/{total}] {for_terminal(label)}"[:200])
        stream.flush()

    return show
