"""Regenerate docs/rules/ (one page per rule of the default ruleset) from the ruleset.

Usage: python scripts/build_rule_docs.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tma_audit.ruledocs import RULE_DOCS_DIR, rule_pages
from tma_audit.rules import load_default_ruleset

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if a committed page is out of date"
    )
    args = parser.parse_args(argv)
    pages = {root / path: text for path, text in rule_pages(load_default_ruleset()).items()}
    folder = root / RULE_DOCS_DIR
    stale = sorted(p for p in folder.glob("*.md") if p not in pages) if folder.is_dir() else []
    if args.check:
        wrong = [
            p
            for p, text in pages.items()
            if not p.is_file() or p.read_text(encoding="utf-8") != text
        ]
        for path in [*wrong, *stale]:
            print(f"{path} is out of date: run python scripts/build_rule_docs.py")
        return 1 if wrong or stale else 0
    folder.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.unlink()
    for path, text in pages.items():
        path.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {len(pages)} pages to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
