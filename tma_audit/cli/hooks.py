"""`tma-audit-hook`: run one command per file, for pre-commit (.pre-commit-hooks.yaml).

pre-commit passes every changed file at once; `audit` takes one native inventory and
`waivers lint` one register, so each file is run on its own and the exit code is the
worst of them (70 > 3 > 2 > 1 > 0). Options the hook's `args:` add come first and must be
single words (`--fail-on=p2`); everything else is a file. Defaults are best set in the
repository's tma-audit.toml, which every run reads.
"""

from __future__ import annotations

import sys

#: hook command -> the tma-audit command it runs per file
COMMANDS: dict[str, tuple[str, ...]] = {
    "audit": ("audit",),
    "waivers-lint": ("waivers", "lint"),
}


def run_hook(argv: list[str]) -> int:
    """Run the hook command on each file; the worst exit code."""
    from tma_audit.cli import run

    if not argv or argv[0] not in COMMANDS:
        sys.stderr.write(
            f"usage: tma-audit-hook {{{'|'.join(COMMANDS)}}} [--option=value …] FILE…\n"
        )
        return 2
    command = COMMANDS[argv[0]]
    options = [arg for arg in argv[1:] if arg.startswith("-")]
    files = [arg for arg in argv[1:] if not arg.startswith("-")]
    worst = 0
    for file in files:
        code = run([*command, *options, file])
        worst = max(worst, code)
    return worst


def main() -> None:
    """Console-script entry point."""
    from tma_audit.batch import batch_mode
    from tma_audit.cli import _fast_exit

    with batch_mode():
        _fast_exit(run_hook(sys.argv[1:]))
