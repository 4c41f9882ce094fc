"""Regenerate tma_audit/schema/inventory.schema.json from tma_audit/inventory/schema.py.

Usage: python scripts/build_json_schema.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tma_audit.inventory.schema import json_schema

TARGET = Path(__file__).resolve().parent.parent / "tma_audit" / "schema" / "inventory.schema.json"


def render() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the committed file is out of date"
    )
    args = parser.parse_args()
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python scripts/build_json_schema.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
