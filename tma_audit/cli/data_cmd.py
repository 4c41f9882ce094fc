"""`tma-audit data show` and `tma-audit data update`; the data an audit uses."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

if TYPE_CHECKING:
    import datetime as dt

    from tma_audit.lifecycle import Lifecycle
    from tma_audit.lifecycle.cache import DataInUse
    from tma_audit.lifecycle.refresh import Progress
    from tma_audit.lifecycle.settings import DataSettings
    from tma_audit.lifecycle.staleness import Staleness
    from tma_audit.model import Ruleset

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

CacheDirOption = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="Directory of the refreshed data (default: TMA_AUDIT_CACHE_DIR, the settings "
        "file's cache_dir, or the user cache directory).",
        metavar="DIR",
    ),
]


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Use this lifecycle snapshot instead of the newer of the shipped and the "
        "cached (`tma-audit data update`) data.",
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


def data_settings(
    *,
    cache_dir: Path | None = None,
    endoflife_url: str | None = None,
    updates_url: str | None = None,
    timeout: float | None = None,
    retries: int | None = None,
    msrc_url: str | None = None,
    deadline: float | None = None,
) -> DataSettings:
    """The data settings: these options > environment > settings file > defaults."""
    from tma_audit.lifecycle.settings import resolve_data_settings

    try:
        home = Path.home()
    except RuntimeError:  # no home directory known: the cache goes to the current one
        home = Path.cwd()
    return resolve_data_settings(
        env=os.environ,
        platform=sys.platform,
        home=home,
        cache_dir=cache_dir,
        endoflife_url=endoflife_url,
        updates_url=updates_url,
        timeout=timeout,
        retries=retries,
        msrc_url=msrc_url,
        deadline=deadline,
    )


def warn(message: str) -> None:
    from tma_audit.cli.common import say_err

    say_err(f"tma-audit: warning: {message}\n")


def load_for_audit(
    data: Path | None,
    cache_dir: Path | None,
    ruleset: Ruleset,
    as_of: dt.date,
    *,
    allow_stale: bool,
) -> tuple[Lifecycle, tuple[str, ...]]:
    """The lifecycle data of an audit (pinned, else the newer of shipped and cached) and
    the warnings about it (a broken cache, stale data), for the report's notes.

    The warnings also go to stderr; data too old for the ruleset's
    lifecycle_stale_error_days raises StaleDataError (exit 3) unless allow_stale.
    No network: audits never refresh.
    """
    from tma_audit.cli.common import parse_as_of
    from tma_audit.lifecycle.cache import load_best, load_pinned
    from tma_audit.lifecycle.staleness import StalenessPolicy, check_for_audit

    if data is not None:
        in_use = load_pinned(data)
    else:
        settings = data_settings(cache_dir=cache_dir)
        in_use = load_best(settings.cache_dir, today=parse_as_of(None))
    policy = StalenessPolicy.from_ruleset(ruleset)
    info = in_use.info
    notes = (
        *in_use.warnings,
        *check_for_audit(info.date, info.updates_date, as_of, policy, allow_stale=allow_stale),
    )
    for message in notes:
        warn(message)
    return in_use.lifecycle, tuple(notes)


@app.command("show")
def show(
    cache_dir: CacheDirOption = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Describe this snapshot file instead of the data in use."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Judge staleness as of this date (YYYY-MM-DD). Default: today.",
            metavar="DATE",
        ),
    ] = None,
    ruleset: Annotated[
        Path | None,
        typer.Option("--ruleset", "-r", help="Take the staleness thresholds from this ruleset."),
    ] = None,
) -> None:
    """Show the lifecycle data in use: origin, dates, sources, products, staleness."""
    from tma_audit.cli.common import parse_as_of, say, terminal_width
    from tma_audit.lifecycle.cache import load_best, load_pinned
    from tma_audit.lifecycle.staleness import StalenessPolicy, assess
    from tma_audit.rules import load_ruleset

    day = parse_as_of(as_of)
    rules = load_ruleset(ruleset)
    settings = data_settings(cache_dir=cache_dir)
    in_use = (
        load_pinned(data)
        if data is not None
        else load_best(settings.cache_dir, today=parse_as_of(None))
    )
    for message in in_use.warnings:
        warn(message)
    staleness = assess(
        in_use.info.date, in_use.info.updates_date, day, StalenessPolicy.from_ruleset(rules)
    )
    say(render_show(in_use, staleness, settings, day, terminal_width()))


def render_show(
    in_use: DataInUse,
    staleness: tuple[Staleness, ...],
    settings: DataSettings,
    as_of: dt.date,
    width: int,
) -> str:
    """The text of `data show`."""
    wrap = max(40, min(width, 100))
    info = in_use.info
    lines = [f"Lifecycle data in use: {info.kind}, {info.file}"]
    updates = info.updates_date.isoformat() if info.updates_date else "unknown"
    lines.append(f"  lifecycle dates of {info.date}; Windows update history to {updates}")
    if info.kind != "pinned":
        shipped = in_use.shipped
        if shipped is not None and info.kind != "shipped":
            why = "older" if shipped.sort_key < info.sort_key else "not newer than the cache"
            lines.append(f"  shipped snapshot: {shipped.date} ({why}; not used)")
        cache = in_use.cache_file
        if in_use.cache_problem:
            lines.append(f"  cache: unusable: {in_use.cache_problem}")
        elif in_use.cached is None:
            lines.append(f"  cache: none yet in {settings.cache_dir} (run `tma-audit data update`)")
        elif info.kind != "cached":
            lines.append(f"  cache: {in_use.cached.date} in {cache} (older; not used)")
    lines.append("")
    lines.append("Sources:")
    for source in sorted(info.sources, key=lambda s: (s.date, s.description), reverse=True):
        licence = f" ({source.licence})" if source.licence else ""
        lines.append(f"  {source.date}  {source.description}{licence}")
        if source.url:
            lines.append(f"              {source.url}")
    lines.append("")
    lines.append(f"Products covered ({len(info.products)}):")
    lines.extend(
        textwrap.wrap(
            ", ".join(info.products),
            wrap,
            initial_indent="  ",
            subsequent_indent="  ",
            break_on_hyphens=False,
        )
    )
    lines.append("")
    lines.extend(_latest_updates(in_use))
    lines.append("")
    lines.append(f"Staleness on {as_of}:")
    for item in staleness:
        lines.extend(
            textwrap.wrap(
                f"{item.use}: {item.level.value}: {item.message}",
                wrap,
                initial_indent="  ",
                subsequent_indent="    ",
            )
        )
    lines.append("")
    lines.append("Refreshed by `tma-audit data update` from:")
    origins = settings.origins
    lines.append(f"  endoflife.date API: {settings.endoflife_url} ({origins['endoflife_url']})")
    lines.append(f"  Microsoft security updates: {settings.msrc_url} ({origins['msrc_url']})")
    if settings.updates_url:
        lines.append(
            f"  Windows update history mirror: {settings.updates_url} ({origins['updates_url']})"
        )
    else:
        lines.append("  Windows update history mirror: not configured (updates_url)")
    lines.append(f"  into {settings.cache_dir} ({origins['cache_dir']})")
    return "\n".join(lines) + "\n"


def _latest_updates(in_use: DataInUse) -> list[str]:
    """Per Windows build line, the latest security revision in use: revision, KB, date."""
    table = in_use.document.get("updates")
    builds = sorted(
        (line == "server", int(build))
        for line in ("client", "server")
        for build in (table.get(line) or {} if isinstance(table, dict) else {})
        if str(build).isdigit()
    )
    windows = in_use.document.get("windows")
    names = windows if isinstance(windows, dict) else {}
    lines = ["Latest Windows updates in use (per build):"]
    for server, build in builds:
        latest = in_use.lifecycle.latest_known_update(build, server)
        if latest is None:
            continue
        line = "server" if server else "client"
        known = names.get(f"{line}_builds")
        generation = known.get(str(build)) if isinstance(known, dict) else None
        label = f"{line} {build}" + (f" ({generation})" if generation else "")
        lines.append(
            f"  {label:<20} {build}.{latest.revision:<6} {latest.kb:<10} {latest.released}"
        )
    return lines


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
    from tma_audit.cli.common import parse_as_of, say_err
    from tma_audit.cli.common import say as say_out
    from tma_audit.errors import DataError
    from tma_audit.lifecycle.cache import load_best, save_cache
    from tma_audit.lifecycle.refresh import RefreshConfig, Status, refresh
    from tma_audit.lifecycle.snapshot import SnapshotError

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
        result = refresh(
            base.document,
            config,
            today,
            validators_usable=base.from_cache,
            progress=progress,
        )
    finally:
        if progress is not None:
            sys.stderr.write("\r\x1b[K")

    def say(text: str) -> None:
        if not quiet:
            say_out(text + "\n")

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
    if result.document is not None:
        try:
            info = save_cache(settings.cache_dir, result.document)
        except SnapshotError as exc:
            raise DataError(
                f"the refreshed data does not load ({exc}); nothing was written, "
                f"the data in use is still {base.info.kind} of {base.info.date}"
            ) from None
        updates = f", Windows updates to {info.updates_date}" if info.updates_date else ""
        say(f"wrote {info.file} (lifecycle data {info.date}{updates})")
    else:
        say(f"nothing new: still using the {base.info.kind} data of {base.info.date}")
    if result.failed:
        names = ", ".join(o.source for o in result.failed)
        raise DataError(f"refresh incomplete ({names}); the previous data was kept for it")


def _progress(stream: TextIO) -> Progress | None:
    """A one-line progress display on a terminal; None elsewhere."""
    if not stream.isatty():
        return None
    from tma_audit.safetext import for_terminal

    def show(label: str, done: int, total: int) -> None:
        stream.write(f"\r\x1b[K[{done}/{total}] {for_terminal(label)}"[:200])
        stream.flush()

    return show
