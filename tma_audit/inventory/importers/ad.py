"""Active Directory: `Get-ADComputer … | Export-Csv`, any column selection.

An AD export has no device kind: `Server` in the OS name decides server vs workstation
(see :func:`~tma_audit.inventory.importers.kinds.os_kind`); appliances (NetApp, F5,
Cisco ISE) are their own products. Computer objects with no OS (pre-staged) are kept and
audited as unknown. Multi-valued properties exported without `-join` arrive as the literal
type name; they are reported, never read.
"""

from __future__ import annotations

from tma_audit.inventory.importers.csvfile import header_keys
from tma_audit.inventory.importers.profile import Profile, Rows
from tma_audit.model import AssetKind

_MULTI_VALUED = "Microsoft.ActiveDirectory.Management.ADPropertyValueCollection"

# Get-ADComputer -Properties * (Windows Server 2016-2025 schema), as header keys.
_KNOWN = header_keys(
    "AccountExpirationDate accountExpires AccountLockoutTime AccountNotDelegated "
    "AllowReversiblePasswordEncryption AuthenticationPolicy AuthenticationPolicySilo "
    "BadLogonCount badPasswordTime badPwdCount CannotChangePassword CanonicalName "
    "Certificates CN codePage CompoundIdentitySupported countryCode Created "
    "createTimeStamp Deleted Description DisplayName DistinguishedName DNSHostName "
    "DoesNotRequirePreAuth dSCorePropagationData Enabled HomedirRequired HomePage "
    "instanceType IPv4Address IPv6Address isCriticalSystemObject isDeleted "
    "KerberosEncryptionType LastBadPasswordAttempt LastKnownParent lastLogoff lastLogon "
    "LastLogonDate lastLogonTimestamp localPolicyFlags Location LockedOut logonCount "
    "ManagedBy MemberOf MNSLogonAccount Modified modifyTimeStamp "
    "msDS-SupportedEncryptionTypes msDS-User-Account-Control-Computed "
    "ms-Mcs-AdmPwdExpirationTime msLAPS-PasswordExpirationTime Name "
    "nTSecurityDescriptor ObjectCategory ObjectClass ObjectGUID objectSid "
    "OperatingSystem OperatingSystemHotfix OperatingSystemServicePack "
    "OperatingSystemVersion PasswordExpired PasswordLastSet PasswordNeverExpires "
    "PasswordNotRequired PrimaryGroup primaryGroupID "
    "PrincipalsAllowedToDelegateToAccount ProtectedFromAccidentalDeletion pwdLastSet "
    "SamAccountName sAMAccountType sDRightsEffective ServiceAccount "
    "servicePrincipalName ServicePrincipalNames SID SIDHistory TrustedForDelegation "
    "TrustedToAuthForDelegation UseDESKeyOnly userAccountControl userCertificate "
    "UserPrincipalName uSNChanged uSNCreated whenChanged whenCreated PropertyNames "
    "AddedProperties RemovedProperties ModifiedProperties PropertyCount"
)


def _refine(rows: Rows) -> None:
    enabled = rows.col("_enabled")
    disabled = sum(enabled.count(v) for v in set(enabled) if v and v.lower() == "false")
    if disabled:
        rows.report.notes.append(
            f"{disabled} computer account(s) are disabled (Enabled = False) and audited like "
            "the others; export with -Filter 'Enabled -eq $true' to leave them out"
        )
    table = rows.table
    if table.rows:
        multi = [
            header
            for header, cells in zip(table.headers, table.columns, strict=True)
            if cells[0] == _MULTI_VALUED
        ]
        if multi:
            rows.report.notes.append(
                "multi-valued properties exported as their type name, not their values: "
                + ", ".join(multi)
            )


PROFILE = Profile(
    name="ad",
    label="Active Directory (Get-ADComputer)",
    aliases=("active-directory", "activedirectory", "get-adcomputer", "adcomputer"),
    columns={
        "hostname": ("name", "cn", "samaccountname", "dnshostname"),
        "fqdn": ("dnshostname",),
        "os.name": ("operatingsystem",),
        "os.version": ("operatingsystemversion",),
        "last_seen": ("lastlogondate", "lastlogontimestamp", "lastlogon"),
        "_enabled": ("enabled",),
    },
    known=_KNOWN,
    anchors=frozenset(
        {
            "operatingsystem",
            "operatingsystemversion",
            "operatingsystemservicepack",
            "dnshostname",
            "distinguishedname",
            "samaccountname",
            "lastlogontimestamp",
            "objectguid",
        }
    ),
    explain={
        "fqdn": "domain (merging)",
        "last_seen": "last seen (duplicates, merging)",
        "_enabled": "note: disabled accounts",
    },
    refine=_refine,
    type_names=(
        "Selected.Microsoft.ActiveDirectory.Management.ADComputer",
        "Microsoft.ActiveDirectory.Management.ADComputer",
    ),
    lists=frozenset({AssetKind.SERVER, AssetKind.DESKTOP, AssetKind.NOTEBOOK}),
    facts=("os",),
)
