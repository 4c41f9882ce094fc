"""`tma-audit portfolio DIR`: audit every client folder under DIR, in parallel processes,
and write one summary (`tma_audit.portfolio`, `tma_audit.portfolio_report`)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tma_audit.cli.options import (
    AllowStaleOption,
    AsOfOption,
    CacheDirOption,
    DataOption,
    OutputsOption,
    RulesetOption,
)
from tma_audit.errors import InputError

if TYPE_CHECKING:
    from tma_audit.lifecycle.in_use import DataChoice
    from tma_audit.portfolio import ClientFolder, ClientSummary

FORMAT_HELP = (
    "Summary format(s), comma-separated: table, csv, json, html. Several need --output-dir "
    "or --output FORMAT=FILE (one may go to standard output)."
)
OUTPUT_DIR_HELP = (
    "Write each format into DIR as portfolio.<txt|csv|json|html>, each client's HTML and "
    "JSON reports into DIR/<client folder>/, and always portfolio.json: the next run "
    "compares with it."
)


@dataclass(frozen=True)
class ClientJob:
    """One client's audit, as a worker process gets it (everything picklable)."""

    folder: ClientFolder
    ruleset: Path | None
    as_of: dt.date
    data: DataChoice
    output_dir: Path | None


def portfolio(
    directory: Annotated[
        Path,
        typer.Argument(
            help="The portfolio: one folder per client, holding inventory.yaml, or "
            "client.yaml and *.csv exports (and waivers.yaml, if any).",
            show_default=False,
            metavar="DIR",
        ),
    ],
    ruleset: RulesetOption = None,
    as_of: AsOfOption = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=FORMAT_HELP, metavar="FORMAT[,FORMAT…]")
    ] = "table",
    output: OutputsOption = None,
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", help=OUTPUT_DIR_HELP, metavar="DIR")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            help="Clients audited at once, each in its own process. Default: the CPU count.",
            min=1,
            metavar="N",
        ),
    ] = None,
    data: DataOption = None,
    cache_dir: CacheDirOption = None,
    allow_stale: AllowStaleOption = False,
) -> None:
    """Audit every client folder under DIR; write one summary; exit with the worst
    client's code (70 > 3 > 2 > 1 > 0)."""
    from tma_audit.cli.common import data_choice, parse_as_of
    from tma_audit.cli.outputs import format_targets, make_output_dir, parse_format_list
    from tma_audit.fileio import write_file, write_stdout
    from tma_audit.portfolio import Portfolio, client_folders, compare, previous_date
    from tma_audit.portfolio_report import FILE_NAMES, RENDERERS, PortfolioFormat
    from tma_audit.rules import load_ruleset

    audit_date = parse_as_of(as_of)
    rules = load_ruleset(ruleset)  # a bad ruleset stops the run before any client
    formats = parse_format_list(fmt, PortfolioFormat)
    targets = format_targets(formats, output, output_dir, FILE_NAMES.__getitem__)
    folders = client_folders(directory, skip=output_dir)
    choice = data_choice(data, cache_dir, allow_stale)
    job_list = [ClientJob(f, ruleset, audit_date, choice, output_dir) for f in folders]
    previous = _previous(output_dir)
    make_output_dir(output_dir)
    summaries = _run(job_list, jobs or os.cpu_count() or 1)
    book = Portfolio(
        root=directory.name or str(directory),
        as_of=audit_date,
        look_ahead_days=int(rules.parameters.get("look_ahead_days", 90)),
        clients=summaries,
        previous_date=previous_date(previous),
    )
    book.removed = compare(book.clients, previous)
    history = None if output_dir is None else output_dir / FILE_NAMES[PortfolioFormat.JSON]
    if history is not None and targets.get(PortfolioFormat.JSON) != history:
        # the last run's summary, read above, is replaced by this run's
        write_file(history, RENDERERS[PortfolioFormat.JSON](book), replace_input=True)
    to_stdout: str | None = None
    for form, path in targets.items():
        content = RENDERERS[form](book)
        if path is None:
            to_stdout = content
        else:
            write_file(path, content, field="--output", replace_input=path == history)
    if to_stdout is not None:
        write_stdout(to_stdout)
    raise typer.Exit(book.exit_code)


def _previous(output_dir: Path | None) -> dict[str, object] | None:
    """The summary the last run left in the output folder (None: none, or unreadable)."""
    import json

    from tma_audit.fileio import read_input
    from tma_audit.portfolio import SUMMARY_FORMAT, SUMMARY_NAME

    if output_dir is None or not (output_dir / SUMMARY_NAME).is_file():
        return None
    path = output_dir / SUMMARY_NAME
    try:
        doc = json.loads(read_input(path, what="previous portfolio summary"))
    except (InputError, ValueError) as exc:
        raise InputError(
            f"cannot read the last run's summary ({exc}); move it away to start afresh",
            file=str(path),
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != SUMMARY_FORMAT:
        raise InputError(
            f"not a portfolio summary (format {SUMMARY_FORMAT!r}); move it away to start afresh",
            file=str(path),
        )
    return doc


def _run(jobs: list[ClientJob], workers: int) -> list[ClientSummary]:
    """Every client's line, in folder order; warnings on standard error, once each."""
    from tma_audit.cli.common import say_err as err

    workers = min(workers, len(jobs)) or 1
    if workers == 1:
        results = [audit_client(job) for job in jobs]
    else:
        from concurrent.futures import ProcessPoolExecutor

        _warm(jobs[0])
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(audit_client, jobs, chunksize=1))
    seen: set[str] = set()
    for summary, warnings in results:
        for message in warnings:
            if message.startswith("!"):  # about the lifecycle data: said once
                line = f"tma-audit: warning: {message[1:]}\n"
            else:
                line = f"tma-audit: {summary.folder}: {message}\n"
            if line not in seen:
                seen.add(line)
                err(line)
        if summary.error is not None:
            err(f"tma-audit: error: {summary.folder}: {summary.error}\n")
    return [summary for summary, _ in results]


def _warm(job: ClientJob) -> None:
    """Import what an audit needs and read the lifecycle data once, before the workers
    are forked: each starts warm (~0.3 s less per worker). Errors are left to the
    clients' own audits."""
    from contextlib import suppress

    import tma_audit.audit
    import tma_audit.inventory.native
    import tma_audit.plan
    import tma_audit.reports.html
    import tma_audit.reports.json_report  # noqa: F401
    from tma_audit.errors import TmaError

    with suppress(TmaError):
        job.data.load()


def audit_client(job: ClientJob) -> tuple[ClientSummary, list[str]]:
    """One client's audit and reports, in a worker process: its line and its warnings
    (the lifecycle data's warnings, shared by every client, start with `!`). An error in
    the folder is the client's error line, never the end of the run."""
    from tma_audit.batch import batch_mode
    from tma_audit.errors import ExitCode, TmaError
    from tma_audit.portfolio import failed

    folder = job.folder
    if folder.problem is not None:
        return failed(folder, folder.problem, ExitCode.INPUT_ERROR), []
    warnings: list[str] = []
    try:
        with batch_mode():
            return _audit_one(job, warnings), warnings
    except TmaError as exc:
        return failed(folder, str(exc), int(exc.exit_code)), warnings
    except Exception as exc:  # a bug: the client's line says so, the run exits 70
        message = f"internal error ({type(exc).__name__}: {exc}); please report it"
        return failed(folder, message, ExitCode.INTERNAL_ERROR), warnings


def _audit_one(job: ClientJob, warnings: list[str]) -> ClientSummary:
    from urllib.parse import quote

    from tma_audit.fileio import forget_inputs, write_file
    from tma_audit.gate import exit_code, parse_fail_on
    from tma_audit.inventory import load_inventories
    from tma_audit.pipeline import run_configured_audit
    from tma_audit.portfolio import summarise
    from tma_audit.reports import FILE_NAMES, Format, RenderOptions, get_chunk_renderer
    from tma_audit.rules import load_ruleset

    folder = job.folder
    rules = load_ruleset(job.ruleset)
    inventory = load_inventories(
        folder.inventory, companion=folder.companion, notify=warnings.append
    )
    result = run_configured_audit(
        inventory,
        rules,
        job.as_of,
        job.data,
        waivers=folder.waivers,
        warn=lambda message: warnings.append(f"!{message}"),
    )
    summary = summarise(folder, result, int(exit_code(result, parse_fail_on("any", rules))))
    if job.output_dir is not None:
        from tma_audit import __version__

        target = job.output_dir / folder.name
        target.mkdir(parents=True, exist_ok=True)
        options = RenderOptions(tool_version=__version__)
        for form in (Format.HTML, Format.JSON):
            content = get_chunk_renderer(form)(result, options)
            write_file(target / FILE_NAMES[form], content, field="--output-dir")
        summary.report = quote(f"{folder.name}/{FILE_NAMES[Format.HTML]}")
    forget_inputs()  # a worker audits many clients: remember only this one's inputs
    return summary
