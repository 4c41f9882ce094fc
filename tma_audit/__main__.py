"""`python -m tma_audit`."""

from __future__ import annotations

from tma_audit.cli import main

if __name__ == "__main__":
    main()
