"""Coverage: a source speaks only for what it can see (issue 10 §2, §3).

A rule about a kind of asset that no source lists is unknown, with a reason that names
the gap; a missing one fails only where a source that lists the kind was given, or the
inventory (or its companion) says the list is complete.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from tests.conftest import AUDIT_DATE, REPO, AuditYaml, finding
from tma_audit.audit import run_audit
from tma_audit.errors import InventoryError
from tma_audit.inventory import load_inventories, load_inventory
from tma_audit.inventory.importers.api import ImportOptions, convert_exports, import_files
from tma_audit.inventory.importers.saved_report import describe_coverage
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import ALL_KINDS, AssetKind, AuditResult, Outcome, Ruleset

THREE = REPO / "inventories" / "three-source"
EXPORTS = [
    THREE / "ad-computers.csv",
    THREE / "intune-devices.csv",
    THREE / "crowdstrike-hosts.csv",
]
FIXTURES = REPO / "tests" / "importers" / "fixtures"
FIREWALL_GAP = (
    "no source lists firewalls: add a FortiManager or IT Glue export, or list them in the inventory"
)
NETWORK_GAP = (
    "no source lists routers or switches: add an IT Glue or Lansweeper export, or list them "
    "in the inventory"
)

FORTIMANAGER_HALIFAX = (
    "Serial Number,Device Name,Hostname,Model,Management IP,Firmware Version,HA Mode,"
    "Contract Expiration Date\n"
    "FGT60FTK2109,CV-FW01,CV-FW01,FortiGate-60F,10.0.0.254,v7.4.1-build2463,a-p,2027-03-31\n"
)


def _audit(
    inventory_files: list[Path], lifecycle: Lifecycle, ruleset: Ruleset, **kw: object
) -> AuditResult:
    inventory = load_inventories(inventory_files, lifecycle=lifecycle, **kw)  # type: ignore[arg-type]
    return run_audit(inventory, ruleset, lifecycle, AUDIT_DATE)


def _outcomes(result: AuditResult) -> dict[tuple[str, str, str], tuple[str, str]]:
    return {
        (f.subject.type.value, f.subject.id, f.rule_id): (f.outcome.value, f.reason)
        for f in result.findings
    }


def _companion(tmp_path: Path, extra: str = "", sites: str | None = None) -> Path:
    """The three-source companion, with more keys (and other sites) if given."""
    text = (THREE / "client.yaml").read_text(encoding="utf-8")
    if sites is not None:
        start = text.index("  sites:\n")
        end = text.index("\nenvironment:")
        text = text[:start] + sites.rstrip("\n") + "\n" + text[end:]
        text = text.replace("    - site: Halifax\n", "    - site: Head Office\n")
    path = tmp_path / "client.yaml"
    path.write_text(text + textwrap.dedent(extra), encoding="utf-8")
    return path


# --- the gap: unknown, with a reason naming it ------------------------------------------


def test_bare_ad_export_leaves_firewall_network_and_wireless_rules_unknown(
    lifecycle: Lifecycle, ruleset: Ruleset
) -> None:
    result = _audit([THREE / "ad-computers.csv"], lifecycle, ruleset)
    site = "(all sites)"
    assert finding(result, "MS-6", site).verdict.outcome is Outcome.UNKNOWN
    assert finding(result, "MS-6", site).reason == FIREWALL_GAP
    assert finding(result, "SC-1", site).reason == FIREWALL_GAP
    assert finding(result, "SC-2", site).reason == NETWORK_GAP
    sc8 = finding(result, "SC-8", site)
    assert sc8.outcome is Outcome.UNKNOWN
    assert sc8.reason.startswith("no source states the wireless networks at site (all sites)")
    for rule in ("MS-6", "SC-1", "SC-2", "SC-8"):
        assert result.by_rule[rule][Outcome.FAIL] == 0


def test_three_source_example_leaves_ms6_sc1_sc2_unknown(
    lifecycle: Lifecycle, ruleset: Ruleset
) -> None:
    result = run_audit(load_inventory(THREE / "inventory.yaml"), ruleset, lifecycle, AUDIT_DATE)
    assert finding(result, "MS-6", "Halifax").outcome is Outcome.UNKNOWN
    assert finding(result, "MS-6", "Halifax").reason == FIREWALL_GAP
    assert finding(result, "SC-1", "Halifax").reason == FIREWALL_GAP
    assert finding(result, "SC-2", "Halifax").reason == NETWORK_GAP
    # the companion states the wireless: SC-8 is judged on it
    assert finding(result, "SC-8", "Halifax").outcome is Outcome.PASS
    # and without the companion, SC-8 is a gap too
    bare = _audit(EXPORTS, lifecycle, ruleset)
    for rule in ("MS-6", "SC-1", "SC-2", "SC-8"):
        assert finding(bare, rule, "(all sites)").outcome is Outcome.UNKNOWN


def test_a_firewall_export_brings_the_ms6_verdict_back(
    tmp_path: Path, lifecycle: Lifecycle, ruleset: Ruleset
) -> None:
    companion = _companion(tmp_path)
    empty = tmp_path / "fortimanager.csv"
    empty.write_text(FORTIMANAGER_HALIFAX.splitlines()[0] + "\n", encoding="utf-8")
    failed = _audit([*EXPORTS, empty], lifecycle, ruleset, companion=companion)
    assert finding(failed, "MS-6", "Halifax").outcome is Outcome.FAIL
    assert finding(failed, "MS-6", "Halifax").reason == "no firewall listed at site Halifax"
    assert finding(failed, "SC-1", "Halifax").reason == "no firewalls at site Halifax"
    listed = tmp_path / "fortimanager-listed.csv"
    listed.write_text(FORTIMANAGER_HALIFAX, encoding="utf-8")
    passed = _audit([*EXPORTS, listed], lifecycle, ruleset, companion=companion)
    ms6 = finding(passed, "MS-6", "Halifax")
    assert ms6.outcome is Outcome.UNKNOWN  # the firewall is judged: its licence is unstated
    assert ms6.reason.startswith("CV-FW01:")
    assert finding(passed, "SC-1", "CV-FW01").outcome is Outcome.UNKNOWN
    # the routers and switches are still a gap
    assert finding(passed, "SC-2", "Halifax").reason == NETWORK_GAP


def test_companion_complete_firewall_brings_the_fail_back(
    tmp_path: Path, lifecycle: Lifecycle, ruleset: Ruleset
) -> None:
    companion = _companion(tmp_path, "complete: [firewall]\n")
    result = _audit(EXPORTS, lifecycle, ruleset, companion=companion)
    assert finding(result, "MS-6", "Halifax").outcome is Outcome.FAIL
    assert finding(result, "SC-1", "Halifax").outcome is Outcome.NOT_APPLICABLE
    assert finding(result, "SC-2", "Halifax").reason == NETWORK_GAP


def test_companion_complete_per_site(
    tmp_path: Path, lifecycle: Lifecycle, ruleset: Ruleset
) -> None:
    sites = (
        "  sites:\n"
        "    - name: Head Office\n"
        "      complete: [firewall, switch, router]\n"
        "    - name: Branch\n"
    )
    ad = tmp_path / "ad.csv"
    ad.write_text(
        '"Name","OperatingSystem","OperatingSystemVersion"\n'
        '"PC1","Windows 11 Pro","10.0 (26200)"\n',
        encoding="utf-8",
    )
    result = _audit([ad], lifecycle, ruleset, companion=_companion(tmp_path, sites=sites))
    assert finding(result, "MS-6", "Head Office").outcome is Outcome.FAIL
    assert finding(result, "SC-2", "Head Office").outcome is Outcome.NOT_APPLICABLE
    assert finding(result, "MS-6", "Branch").reason == FIREWALL_GAP
    assert finding(result, "SC-2", "Branch").reason == NETWORK_GAP


def test_native_inventory_is_complete_unless_it_says_partial(audit_yaml: AuditYaml) -> None:
    base = "client: {name: Acme, sites: [{name: HQ}]}\nassets: [{hostname: PC1, kind: desktop}]\n"
    complete = audit_yaml(base)
    assert finding(complete, "MS-6", "HQ").reason == "no firewall listed at site HQ"
    assert finding(complete, "SC-2", "HQ").outcome is Outcome.NOT_APPLICABLE
    partial = audit_yaml(base + "partial: [firewall, switch, router]\n")
    assert finding(partial, "MS-6", "HQ").reason == FIREWALL_GAP
    assert finding(partial, "SC-1", "HQ").reason == FIREWALL_GAP
    assert finding(partial, "SC-2", "HQ").reason == NETWORK_GAP


def test_partial_and_complete_must_not_name_one_kind(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(
        "client: {name: Acme}\npartial: [firewall]\ncomplete: [fw-typo]\n", encoding="utf-8"
    )
    with pytest.raises(InventoryError) as bad_kind:
        load_inventory(path)
    assert (bad_kind.value.line, bad_kind.value.field) == (3, "complete[0]")
    path.write_text("client: {name: Acme}\npartial: [firewall]\ncomplete: [firewall]\n")
    with pytest.raises(InventoryError, match="both partial and complete"):
        load_inventory(path)


# --- what each source covers ----------------------------------------------------------------


def test_each_export_declares_what_it_lists(lifecycle: Lifecycle) -> None:
    ad = import_files([THREE / "ad-computers.csv"], lifecycle).inventory.coverage
    assert ad.kinds == {AssetKind.SERVER, AssetKind.DESKTOP, AssetKind.NOTEBOOK}
    assert not ad.lists(AssetKind.FIREWALL, "Halifax")
    assert ad.sources_of("os") == ("Active Directory (Get-ADComputer)",)
    assert ad.sources_of("antivirus") == ()
    falcon = import_files([THREE / "crowdstrike-hosts.csv"], lifecycle).inventory.coverage
    assert falcon.kinds == frozenset()
    assert falcon.sources_of("antivirus") == ("CrowdStrike Falcon (hosts)",)
    forti = import_files([FIXTURES / "fortimanager-devices.csv"], lifecycle).inventory.coverage
    assert forti.kinds == {AssetKind.FIREWALL}
    glue = import_files([FIXTURES / "itglue-configurations.csv"], lifecycle).inventory.coverage
    assert AssetKind.FIREWALL in glue.kinds and AssetKind.SWITCH in glue.kinds
    assert AssetKind.ROUTER not in glue.kinds  # the export lists none: no claim
    merged = import_files([*EXPORTS], lifecycle).inventory.coverage
    assert merged.sources_of("build") == (  # in the order of the files
        "Microsoft Intune (All devices)",
        "CrowdStrike Falcon (hosts)",
    )
    assert load_inventory(REPO / "inventories/midsize/inventory.yaml").coverage.kinds == ALL_KINDS


# --- audit of several exports and a companion ----------------------------------------------------


def test_audit_of_exports_and_companion_equals_convert_then_audit(
    tmp_path: Path, lifecycle: Lifecycle, ruleset: Ruleset
) -> None:
    conversion = convert_exports(
        EXPORTS, lifecycle, ImportOptions(), "inventory.yaml", THREE / "client.yaml"
    )
    written = tmp_path / "inventory.yaml"
    written.write_text(conversion.text, encoding="utf-8")
    converted = run_audit(load_inventory(written), ruleset, lifecycle, AUDIT_DATE)
    direct = _audit(EXPORTS, lifecycle, ruleset, companion=THREE / "client.yaml")
    assert _outcomes(direct) == _outcomes(converted)
    # and the shipped, converted example is the same inventory
    shipped = run_audit(load_inventory(THREE / "inventory.yaml"), ruleset, lifecycle, AUDIT_DATE)
    assert _outcomes(shipped) == _outcomes(direct)


def test_assets_from_may_name_exports(
    tmp_path: Path, lifecycle: Lifecycle, ruleset: Ruleset
) -> None:
    for export in EXPORTS:
        shutil.copy(export, tmp_path / export.name)
    text = (THREE / "client.yaml").read_text(encoding="utf-8")
    names = ", ".join(e.name for e in EXPORTS)
    (tmp_path / "inventory.yaml").write_text(f"{text}\nassets_from: [{names}]\n", encoding="utf-8")
    inventory = load_inventory(tmp_path / "inventory.yaml", lifecycle=lifecycle)
    assert len(inventory.assets) == 17
    assert not inventory.coverage.lists(AssetKind.FIREWALL)
    result = run_audit(inventory, ruleset, lifecycle, AUDIT_DATE)
    direct = _audit(EXPORTS, lifecycle, ruleset, companion=THREE / "client.yaml")
    assert {k: v[0] for k, v in _outcomes(result).items()} == {
        k: v[0] for k, v in _outcomes(direct).items()
    }


# --- §3: a completeness claim that does not hold is an input error -----------------------------


def test_complete_claim_with_an_unknown_site_is_an_input_error(
    tmp_path: Path, lifecycle: Lifecycle
) -> None:
    sites = "  sites:\n    - name: Head Office\n    - name: Branch\n      complete: [firewall]\n"
    forti = tmp_path / "forti.csv"
    forti.write_text(FORTIMANAGER_HALIFAX, encoding="utf-8")  # a firewall with no site
    companion = _companion(tmp_path, sites=sites)
    with pytest.raises(InventoryError) as error:
        load_inventories([forti], companion=companion, lifecycle=lifecycle)
    lines = companion.read_text(encoding="utf-8").splitlines()
    assert error.value.file == str(companion)
    assert error.value.line == lines.index("    - name: Branch") + 1
    assert error.value.field == "client.sites[1].complete"
    assert "CV-FW01" in error.value.message and "names no site" in error.value.message


def test_companion_may_not_say_partial(tmp_path: Path, lifecycle: Lifecycle) -> None:
    companion = _companion(tmp_path, "partial: [firewall]\n")
    with pytest.raises(InventoryError) as error:
        load_inventories(EXPORTS[:1], companion=companion, lifecycle=lifecycle)
    assert error.value.field == "partial"


def test_validate_says_what_the_sources_cover(lifecycle: Lifecycle) -> None:
    exports = [THREE / "ad-computers.csv", THREE / "crowdstrike-hosts.csv"]
    lines = describe_coverage(import_files(exports, lifecycle).inventory)
    assert lines[:2] == [
        "coverage: listed completely: server, desktop, notebook",
        "  not listed by any source: firewall, router, switch, access-point (rules about a "
        "missing one: unknown)",
    ]
    assert "antivirus (CrowdStrike Falcon (hosts))" in lines[2]
    native = load_inventory(REPO / "inventories/midsize/inventory.yaml")
    assert describe_coverage(native) == ["coverage: every kind of asset is listed completely"]


def _with_exports(tmp_path: Path, extra: str) -> Path:
    """The three-source companion naming the exports in assets_from, plus `extra`."""
    for export in EXPORTS:
        shutil.copy(export, tmp_path / export.name)
    text = (THREE / "client.yaml").read_text(encoding="utf-8")
    names = ", ".join(e.name for e in EXPORTS)
    path = tmp_path / "inventory.yaml"
    path.write_text(f"{text}\nassets_from: [{names}]\n{extra}", encoding="utf-8")
    return path


def test_a_listed_firewall_beside_the_exports_brings_the_pass_back(
    tmp_path: Path, lifecycle: Lifecycle, ruleset: Ruleset
) -> None:
    firewall = (
        "assets:\n"
        "  - {hostname: CV-FW01, kind: firewall, site: Halifax, form: hardware,\n"
        "     os: {name: FortiOS, version: '7.4'}, license_expires: 2027-06-30,\n"
        "     support_expires: 2027-06-30, warranty: {expires: 2027-06-30}}\n"
    )
    inventory = load_inventory(_with_exports(tmp_path, firewall), lifecycle=lifecycle)
    result = run_audit(inventory, ruleset, lifecycle, AUDIT_DATE)
    assert finding(result, "MS-6", "Halifax").outcome is Outcome.PASS
    assert finding(result, "SC-1", "CV-FW01").outcome is Outcome.PASS
    # a listed firewall is judged by itself: the site has nothing more for SC-1
    site = finding(result, "SC-1", "Halifax")
    assert site.outcome is Outcome.NOT_APPLICABLE
    assert site.reason == "firewalls at site Halifax are judged one by one"


def test_complete_claim_beside_exports_in_assets_from_must_hold(
    tmp_path: Path, lifecycle: Lifecycle
) -> None:
    path = _with_exports(tmp_path, "complete: [notebook]\n")
    with pytest.raises(InventoryError) as error:
        load_inventory(path, lifecycle=lifecycle)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert (error.value.line, error.value.field) == (
        lines.index("complete: [notebook]") + 1,
        "complete",
    )
    assert "listed more than once in one export" in error.value.message
