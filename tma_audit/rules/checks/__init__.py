"""The named checks behind the default ruleset, one module per clause family.

Each check judges one subject on the audit date and gives a human reason for every
outcome. Missing evidence is never a pass: it is `unknown`. Importing this package
registers every check (see `tma_audit.rules.registry`).
"""

from __future__ import annotations

# in clause order (MS-1 .. SC-10); nothing observable depends on the registry's order
# isort: off
from tma_audit.rules.checks import windows  # noqa: F401  (registers its checks)
from tma_audit.rules.checks import software  # noqa: F401
from tma_audit.rules.checks import antivirus  # noqa: F401
from tma_audit.rules.checks import backup  # noqa: F401
from tma_audit.rules.checks import network  # noqa: F401
from tma_audit.rules.checks import attestations  # noqa: F401
# isort: on
