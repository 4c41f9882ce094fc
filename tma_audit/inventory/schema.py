"""The native inventory schema: one declarative description of every field.

The YAML loader, the CSV loader, the JSON Schema file and the documentation all come
from the specs here, so a field is described in one place only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tma_audit.model import KIND_ALIASES, Asset, FormFactor, OperatingSystem, Role

FieldType = Literal["str", "int", "bool", "date", "enum", "object", "list", "str-or-none"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    type: FieldType
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()
    #: accepted spellings -> canonical value (lower-case keys), for enums
    aliases: dict[str, str] = field(default_factory=dict)
    obj: ObjectSpec | None = None
    minimum: int | None = None


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    name: str
    fields: dict[str, FieldSpec]
    description: str = ""


def _s(description: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec("str", description, required=required)


def _d(description: str) -> FieldSpec:
    return FieldSpec("date", description)


def _b(description: str) -> FieldSpec:
    return FieldSpec("bool", description)


def _obj(spec: ObjectSpec, description: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec("object", description, required=required, obj=spec)


def _list(spec: ObjectSpec, description: str) -> FieldSpec:
    return FieldSpec("list", description, obj=spec)


KIND_CHOICES = tuple(sorted({k.value for k in KIND_ALIASES.values()}))
_KIND_ALIASES = {alias: kind.value for alias, kind in KIND_ALIASES.items()}


def _kinds(description: str) -> FieldSpec:
    """A list of asset kinds."""
    return FieldSpec("list", description, choices=KIND_CHOICES, aliases=_KIND_ALIASES)


WARRANTY_LEVELS = ("24x7", "8x5-nbd", "8x5-2bd", "8x5", "next-business-day", "depot", "none")

SITE = ObjectSpec(
    "site",
    {
        "name": _s("Site name, referenced by assets and wireless statements.", required=True),
        "internet": _b(
            "Whether the site has internet access (default true): MS-6 needs a "
            "hardware firewall at every such site."
        ),
        "address": _s("Postal address (informational)."),
        "complete": _kinds(
            "Asset kinds listed completely at this site (a companion's claim, e.g. "
            "[firewall]): a missing one is then a finding, not a gap in the evidence."
        ),
    },
)

CLIENT = ObjectSpec(
    "client",
    {
        "name": _s("The client's legal or trading name.", required=True),
        "contact": _s("The client's contact for this audit (name, e-mail)."),
        "sites": _list(SITE, "The client's offices and data centres."),
    },
)

OS = ObjectSpec(
    "os",
    {
        "name": _s(
            "OS or firmware as reported, e.g. 'Windows Server 2019 Standard', 'FortiOS', 'Ubuntu'.",
            required=True,
        ),
        "version": _s("Version as reported, e.g. '10.0', '22H2', '7.2.8', '22.04'."),
        "build": _s("Build with revision, e.g. '17763.8385' or '10.0.19045.6456'."),
        "edition": _s("Edition, e.g. 'Standard', 'Enterprise', 'Pro', 'Enterprise LTSC'."),
    },
)

PATCH = ObjectSpec(
    "patch",
    {
        "last_patched": _d("Date the latest updates were installed."),
        "missing_critical": FieldSpec(
            "int",
            "Missing critical/security updates, from a patch scan; 0 means current.",
            minimum=0,
        ),
    },
)

AGENT = ObjectSpec(
    "antivirus",
    {
        "agent": _s("Antivirus/EDR agent on the device; 'none' if none."),
        "definitions": _d("Date of the device's antivirus definitions."),
    },
)

BACKUP_COVER = ObjectSpec(
    "backup",
    {"covered": _b("Whether the device is covered by the backup solution.")},
)

WARRANTY = ObjectSpec(
    "warranty",
    {
        "expires": _d("Last day of the manufacturer warranty."),
        "level": FieldSpec(
            "enum",
            "Support level.",
            choices=WARRANTY_LEVELS,
            aliases={
                "24/7": "24x7",
                "24x7x4": "24x7",
                "8x5nbd": "8x5-nbd",
                "nbd": "8x5-nbd",
                "8x5 nbd": "8x5-nbd",
                "8x5-next-business-day": "8x5-nbd",
            },
        ),
    },
)

SOFTWARE = ObjectSpec(
    "software",
    {
        "name": _s("Product, e.g. 'Microsoft SQL Server 2016'.", required=True),
        "version": _s("Version, e.g. '13.0.7000'."),
        "licensed": _b("Whether it is licensed."),
        "genuine": _b("Whether it is genuine (not counterfeit or cracked)."),
        "support_expires": _d("Last day of vendor support, when known from a contract."),
    },
)

ASSET = ObjectSpec(
    "asset",
    {
        "hostname": _s("Unique host name.", required=True),
        "kind": FieldSpec(
            "enum",
            "What the asset is.",
            required=True,
            choices=KIND_CHOICES,
            aliases=dict(KIND_ALIASES),
        ),
        "site": _s("Site name (see client.sites)."),
        "role": FieldSpec(
            "enum",
            "Network role: core, edge or access (routers, switches, firewalls).",
            choices=tuple(r.value for r in Role),
        ),
        "os": _obj(OS, "Operating system or firmware."),
        "genuine": _b("Whether the OS is genuine."),
        "licensed": _b("Whether the OS (or firewall) is licensed."),
        "esu_enrolled": _b("Enrolled in Microsoft Extended Security Updates."),
        "patch": _obj(PATCH, "Patch evidence."),
        "antivirus": _obj(AGENT, "Antivirus agent evidence."),
        "backup": _obj(BACKUP_COVER, "Backup coverage."),
        "warranty": _obj(WARRANTY, "Manufacturer warranty."),
        "license_expires": _d("Last day of the device licence (firewall UTM licence …)."),
        "subscription_expires": _d("Last day of the device subscription."),
        "support_expires": _d("Last day of manufacturer support (firmware updates)."),
        "form": FieldSpec(
            "enum",
            "hardware, virtual or software (firewalls).",
            choices=tuple(f.value for f in FormFactor),
            aliases={"appliance": "hardware", "physical": "hardware", "vm": "virtual"},
        ),
        "model": _s("Manufacturer model."),
        "software": _list(SOFTWARE, "Server or desktop software beyond the OS."),
    },
)

#: Asset field (``model.Asset``, in its order) -> where the native forms state it: a key
#: of the asset mapping, or ``group.key`` inside one of its objects (the CSV column of
#: that name). ``os`` (the whole object), ``software`` (a list) and ``location`` (where
#: the asset was stated) are built by the loaders. The CSV loader, the importers, the
#: YAML writer of `inventory convert` and the JSON Schema all follow this table, so an
#: inventory field is added here (and to ``ASSET`` above and ``model.Asset``) only.
ASSET_COLUMNS: dict[str, str] = {
    "hostname": "hostname",
    "kind": "kind",
    "site": "site",
    "role": "role",
    "os": "os",
    "genuine": "genuine",
    "licensed": "licensed",
    "esu_enrolled": "esu_enrolled",
    "last_patched": "patch.last_patched",
    "missing_critical_updates": "patch.missing_critical",
    "antivirus": "antivirus.agent",
    "av_definitions": "antivirus.definitions",
    "backup_covered": "backup.covered",
    "warranty_expires": "warranty.expires",
    "warranty_level": "warranty.level",
    "license_expires": "license_expires",
    "subscription_expires": "subscription_expires",
    "support_expires": "support_expires",
    "form": "form",
    "model": "model",
    "software": "software",
    "location": "",
}

#: The CSV columns of the OS, in ``OperatingSystem``'s order (its positional arguments).
OS_COLUMNS: tuple[str, ...] = tuple(f"os.{key}" for key in OS.fields)


def _check_tables() -> None:
    """The tables above must match the model and the asset spec (checked on import)."""
    if tuple(ASSET_COLUMNS) != Asset._fields:
        raise AssertionError("schema.ASSET_COLUMNS must list model.Asset's fields in order")
    if tuple(OS.fields) != OperatingSystem._fields:
        raise AssertionError("schema.OS must list model.OperatingSystem's fields in order")
    stated = {column.partition(".")[0] for column in ASSET_COLUMNS.values() if column}
    if stated != set(ASSET.fields):
        raise AssertionError("schema.ASSET_COLUMNS and schema.ASSET must name the same keys")
    for column in ASSET_COLUMNS.values():
        group, _, key = column.partition(".")
        spec = ASSET.fields.get(group)
        if key and (spec is None or spec.obj is None or key not in spec.obj.fields):
            raise AssertionError(f"schema.ASSET has no {column!r}")


_check_tables()

AV_PRODUCT = ObjectSpec(
    "antivirus product",
    {
        "product": _s("Product, e.g. 'Microsoft Defender for Endpoint P2'.", required=True),
        "version": _s("Version."),
        "license_expires": _d("Last day of the licence."),
        "support_expires": _d("Last day of vendor support."),
        "centrally_managed": _b("Managed from a server or cloud console."),
        "protects_email": _b("Also protects e-mail."),
        "license_holder": FieldSpec(
            "enum", "Who holds the licence.", choices=("provider", "client")
        ),
    },
)

BACKUP_PRODUCT = ObjectSpec(
    "backup product",
    {
        "product": _s("Product, e.g. 'Veeam Backup & Replication'.", required=True),
        "version": _s("Version, e.g. '12.1'."),
        "license_expires": _d("Last day of the licence."),
        "support_expires": _d("Last day of manufacturer support."),
        "warranty_expires": _d("Last day of the appliance warranty (backup appliances)."),
        "server_based": _b("Server-based (not per-PC consumer backup)."),
    },
)

EMAIL_PRODUCT = ObjectSpec(
    "email protection",
    {
        "product": _s("Product, e.g. 'Microsoft Defender for Office 365 P1'.", required=True),
        "license_expires": _d("Last day of the licence."),
        "support_expires": _d("Last day of vendor support."),
    },
)

ENVIRONMENT = ObjectSpec(
    "environment",
    {
        "antivirus": _list(AV_PRODUCT, "The antivirus solution(s)."),
        "backup": _list(BACKUP_PRODUCT, "The backup solution(s)."),
        "email_protection": _list(
            EMAIL_PRODUCT, "E-mail protection, if separate from the antivirus solution."
        ),
    },
)

INSURANCE = ObjectSpec(
    "cyber insurance",
    {
        "carrier": _s("Insurer."),
        "policy": _s("Policy number."),
        "expires": _d("Last day of cover."),
    },
)

CHANGE_NOTIFICATION = ObjectSpec(
    "change notification",
    {
        "contact": _s("Who notifies the provider of client-initiated changes.", required=True),
        "process": _s("How (ticket, e-mail …)."),
    },
)

CONTINUITY = ObjectSpec(
    "continuity plan",
    {
        "last_reviewed": _d("Date the business continuity plan was last reviewed."),
        "last_tested": _d("Date it was last tested."),
    },
)

NETWORK = ObjectSpec(
    "wireless network",
    {
        "ssid": _s("Network name.", required=True),
        "security": _s(
            "e.g. WPA3-Enterprise, WPA2-Personal, WPA2-Enterprise, WPA, WEP, open; "
            "add '(TKIP)' or '(AES)' when known.",
            required=True,
        ),
    },
)

SITE_WIRELESS = ObjectSpec(
    "site wireless",
    {
        "site": _s("Site name.", required=True),
        "networks": _list(NETWORK, "The site's wireless networks."),
        "no_wireless": _b("The client attests the site has no wireless network."),
    },
)

APPLICATION = ObjectSpec(
    "application",
    {
        "name": _s("Line-of-business application.", required=True),
        "vendor": _s("Vendor."),
        "support_expires": _d("Last day of the vendor support contract."),
        "support_contact": _s("Named support contact (vendor or reseller)."),
    },
)

CHANGE = ObjectSpec(
    "change",
    {
        "date": FieldSpec("date", "When the client notified the change.", required=True),
        "reference": _s("Ticket, e-mail or change number.", required=True),
        "assets": FieldSpec("list", "Host names the change concerns (added, removed, re-imaged)."),
        "summary": _s("What changed."),
    },
)

ATTESTATIONS = ObjectSpec(
    "attestations",
    {
        "cyber_insurance": _obj(INSURANCE, "Cyber-security insurance (Schedule C)."),
        "change_notification": _obj(CHANGE_NOTIFICATION, "Change notification (Schedule C)."),
        "continuity_plan": _obj(CONTINUITY, "Business continuity plan (Schedule C)."),
        "wireless": _list(SITE_WIRELESS, "Wireless security per site (Schedule C)."),
        "applications": _list(APPLICATION, "Line-of-business applications (Schedule C)."),
        "changes": _list(
            CHANGE,
            "Changes the client notified (Schedule C: SC-4 judges them against a previous "
            "audit given with --baseline).",
        ),
    },
)

INVENTORY = ObjectSpec(
    "inventory",
    {
        "schema": FieldSpec("int", "Schema version; 1.", minimum=1),
        "client": _obj(CLIENT, "The client.", required=True),
        "assets": _list(
            ASSET, "Servers, desktops, notebooks, firewalls, routers, switches, access points."
        ),
        "assets_from": FieldSpec(
            "list",
            "CSV files (relative to this file): native asset CSVs (one asset per row) or "
            "exports (AD, Intune, CrowdStrike …); see docs/inventory.md.",
        ),
        "environment": _obj(ENVIRONMENT, "Environment-wide products."),
        "attestations": _obj(ATTESTATIONS, "What the client attests."),
        "partial": _kinds(
            "Asset kinds this inventory does not list completely (e.g. [firewall, "
            "switch]): rules about a missing one are unknown, not fail. Default: none."
        ),
        "complete": _kinds(
            "Asset kinds a companion (or an inventory with exports in assets_from) lists "
            "completely for the whole client, beyond what its exports cover."
        ),
    },
)

SCHEMA_VERSION = 1


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the native YAML inventory."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://tma-audit.invalid/schema/inventory-v1.json",
        "title": "tma-audit inventory",
        **_object_schema(INVENTORY),
    }


def _object_schema(spec: ObjectSpec) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for name, fs in spec.fields.items():
        props[name] = _field_schema(name, fs)
    out: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": props,
    }
    required = [n for n, fs in spec.fields.items() if fs.required]
    if required:
        out["required"] = required
    return out


def _field_schema(name: str, fs: FieldSpec) -> dict[str, Any]:
    out: dict[str, Any]
    if fs.type == "object" and fs.obj is not None:
        out = _object_schema(fs.obj)
    elif fs.type == "list":
        items: dict[str, Any] = _object_schema(fs.obj) if fs.obj is not None else {"type": "string"}
        if fs.choices:
            items["enum"] = sorted(set(fs.choices) | set(fs.aliases))
        out = {"type": "array", "items": items}
    elif fs.type == "date":
        out = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif fs.type == "bool":
        out = {"type": "boolean"}
    elif fs.type == "int":
        out = {"type": "integer"}
        if fs.minimum is not None:
            out["minimum"] = fs.minimum
    elif fs.type == "enum":
        values = sorted(set(fs.choices) | set(fs.aliases))
        out = {"type": "string", "enum": values}
    else:
        out = {"type": ["string", "number"]} if name in {"version", "build"} else {"type": "string"}
    out["description"] = fs.description
    return out
