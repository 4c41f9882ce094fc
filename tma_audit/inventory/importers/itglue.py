"""IT Glue: the Configurations export (firewalls, switches, routers, servers, workstations).

`configuration_type` gives the kind (printers, phones … are left out, reported), and
only configurations whose `configuration_status` is active are imported (retired,
decommissioned or inactive ones are reported as left out). `location` becomes the site,
`warranty_expires_at` the warranty's end, and a single `organization` names the client.
IT Glue exports may carry two columns of the same name: the first is read.
"""

from __future__ import annotations

import re

from tma_audit.inventory.importers.csvfile import header_keys
from tma_audit.inventory.importers.profile import Profile, Rows

_KNOWN = header_keys(
    "id organization organization_name name configuration_type configuration_status "
    "hostname primary_ip mac_address serial_number asset_tag manufacturer model "
    "operating_system operating_system_notes notes installed_at purchased_at "
    "warranty_expires_at location location_name contact installed_by default_gateway "
    "archived resource_url psa_integration created_at updated_at"
)
_RETIRED = re.compile(r"inactive|retired|decommission|dispos|archiv|broken|lost|stolen|sold")


def _refine(rows: Rows) -> None:
    names = rows.col("_name")
    hosts = rows.col("hostname")
    if rows.has("_name"):
        rows.put("hostname", [h if h is not None else n for h, n in zip(hosts, names, strict=True)])
    for i, status in enumerate(rows.col("_status")):
        if status is not None and _RETIRED.search(status.lower()):
            rows.drop(i, f"configuration status {status!r}")
    rows.kinds_from_types(rows.col("_type"), "configuration type")
    organizations = {o for o in rows.col("_organization") if o is not None}
    if len(organizations) == 1:
        rows.client = organizations.pop()
    elif organizations:
        rows.report.warnings.append(
            f"{len(organizations)} organizations in one export: "
            + ", ".join(sorted(organizations)[:5])
        )


PROFILE = Profile(
    name="itglue",
    label="IT Glue (configurations)",
    aliases=("it-glue", "it_glue", "glue"),
    columns={
        "hostname": ("hostname",),
        "_name": ("name",),
        "_type": ("configurationtype",),
        "_status": ("configurationstatus",),
        "_organization": ("organization", "organizationname"),
        "os.name": ("operatingsystem",),
        "model": ("model",),
        "warranty.expires": ("warrantyexpiresat", "warrantyexpires"),
        "site": ("location", "locationname"),
    },
    known=_KNOWN,
    anchors=frozenset(
        {"configurationtype", "configurationstatus", "warrantyexpiresat", "assettag", "installedat"}
    ),
    explain={
        "_name": "hostname (when hostname is empty)",
        "_type": "kind (printers, phones … left out)",
        "_status": "filter (retired, inactive … left out)",
        "_organization": "client name",
    },
    refine=_refine,
    lists_typed=True,
    facts=("os", "warranty"),
)
