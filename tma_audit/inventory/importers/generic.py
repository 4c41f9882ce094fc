"""A generic CSV: columns named after native fields, or mapped with `--map column=field`.

Headers that match a field's name (case and punctuation ignored: `OS name` = `os.name`)
or a common synonym (`Computer`, `Operating System`) are taken as that field; `--map`
adds or overrides. Without a kind column, the kind comes from the OS as for AD.
"""

from __future__ import annotations

from tma_audit.inventory.importers.csvfile import header_key
from tma_audit.inventory.importers.profile import NATIVE_FIELDS, Profile, Rows

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "hostname": ("hostname", "host", "computername", "computer", "devicename", "device", "name"),
    "fqdn": ("fqdn", "dnshostname", "dnsname"),
    "kind": ("kind", "devicetype", "type", "assettype", "category"),
    "os.name": ("osname", "os", "operatingsystem"),
    "os.version": ("osversion", "version"),
    "os.build": ("osbuild", "build"),
    "os.edition": ("osedition", "edition"),
    "model": ("model",),
    "site": ("site", "location"),
    "warranty.expires": ("warrantyexpires", "warrantyexpiry", "warrantyenddate", "warranty"),
    "last_seen": ("lastseen", "lastcheckin", "lastcontact"),
}


def _columns() -> dict[str, tuple[str, ...]]:
    columns = dict(_SYNONYMS)
    for name in NATIVE_FIELDS:
        columns.setdefault(name, (header_key(name),))
    return columns


def _refine(rows: Rows) -> None:
    rows.skip_mobile()


PROFILE = Profile(
    name="generic",
    label="generic CSV (--map)",
    aliases=("csv", "custom"),
    columns=_columns(),
    refine=_refine,
)
