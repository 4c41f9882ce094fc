#!/usr/bin/env python3
"""Build tma_audit/lifecycle/data/snapshot.json from the reference lifecycle sources.

Usage::

    python scripts/build_lifecycle_snapshot.py [SOURCE_DIR] [--output FILE] [--date YYYY-MM-DD]
        [--cvrf DIR]

SOURCE_DIR defaults to ``../shared/reference/lifecycle`` next to the repository root. It holds:

- ``endoflife-date-products/*.md``: endoflife.date product pages (YAML front matter, MIT);
- ``api-v1-examples/*.json``: endoflife.date API v1 answers, used to cross-check and to
  date the snapshot (their ``generated_at``);
- ``windows-builds/win-buildnumbers.json`` and ``win-releases.json``: the Windows
  cumulative-update history and the client feature releases (DataForGeeks, MIT);
- ``windows_lifecycle_facts.csv``: curated Windows facts, cross-checked and merged where
  they add something endoflife.date lacks (e.g. the last free Windows 10 22H2 update).

``--cvrf DIR`` adds the monthly MSRC CVRF documents saved in DIR (``*.json``, the answers
of ``https://api.msrc.microsoft.com/cvrf/v3.0/cvrf/{ID}``) to the update history, as
``tma-audit data update`` does: a release can ship a newer history without network at
build time.

The output is deterministic: sorted keys, no timestamps except the data dates, so building
twice from the same sources gives byte-identical files. Cross-check findings are printed to
stderr; a contradiction between sources does not stop the build (endoflife.date wins and
the curated value is kept as a note) unless ``--strict`` is given.

The work is done by :mod:`tma_audit.lifecycle.builder`; this script only reads the command
line, prints the findings and writes the file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import yaml

from tma_audit.lifecycle.builder import BuildError, Report, add_cvrf, build_snapshot, dump

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "reference" / "lifecycle"
DEFAULT_OUTPUT = REPO_ROOT / "tma_audit" / "lifecycle" / "data" / "snapshot.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", "-o", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--date", help="snapshot date (YYYY-MM-DD); default: newest source date")
    parser.add_argument("--strict", action="store_true", help="fail on any contradiction")
    parser.add_argument("--quiet", "-q", action="store_true", help="print contradictions only")
    parser.add_argument(
        "--cvrf", type=Path, metavar="DIR", help="add the MSRC CVRF documents (*.json) in DIR"
    )
    args = parser.parse_args(argv)
    if args.date is not None:
        try:
            dt.date.fromisoformat(args.date)
        except ValueError:
            parser.error(f"--date: not a date: {args.date!r}")
    report = Report()
    try:
        snapshot = build_snapshot(args.source, args.date, report)
        if args.cvrf is not None:
            today = dt.date.today()  # noqa: DTZ011 - only to refuse documents dated later
            added = add_cvrf(snapshot, args.cvrf, today)
            report.info(f"CVRF documents added: {', '.join(added)}")
    except (BuildError, OSError, KeyError, ValueError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        for line in report.infos:
            print(f"info: {line}", file=sys.stderr)
    for line in report.contradictions:
        print(f"contradiction: {line}", file=sys.stderr)
    if args.strict and report.contradictions:
        return 1
    text = dump(snapshot)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    if not args.quiet:
        print(f"wrote {args.output} ({len(text.encode())} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
