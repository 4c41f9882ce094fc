"""Several exports of one client merged by host: fields, duplicates, domains, conflicts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from tests.conftest import AUDIT_DATE
from tma_audit.audit import run_audit
from tma_audit.inventory.columns import build_assets
from tma_audit.inventory.importers.api import ImportResult, import_files
from tma_audit.inventory.importers.mapping import Batch
from tma_audit.inventory.importers.merge import _Merger, merge
from tma_audit.lifecycle import Lifecycle
from tma_audit.model import Asset, AssetKind, Client, Inventory, Ruleset

AD = (
    "#TYPE Selected.Microsoft.ActiveDirectory.Management.ADComputer\r\n"
    '"Name","DNSHostName","OperatingSystem","OperatingSystemVersion","LastLogonDate"\r\n'
    '"PC01","pc01.corp.example","Windows 10 Enterprise","10.0 (19045)","29/07/2025 08:00:00"\r\n'
    '"PC02","pc02.corp.example","Windows 10 Enterprise","10.0 (19044)","01/06/2025 08:00:00"\r\n'
    '"SRV01","srv01.corp.example","Windows Server 2019 Standard","10.0 (17763)",\r\n'
    '"WEB","web.a.example","Windows Server 2022 Standard","10.0 (20348)",\r\n'
    '"WEB","web.b.example","Windows Server 2016 Standard","10.0 (14393)",\r\n'
    '"NEW01",,,,\r\n'
)
INTUNE = (
    '"Device name","OS","OS version","SkuFamily","Model","Last check-in","Azure AD Device ID"\r\n'
    '"pc01","Windows","10.0.19045.6456","Enterprise","Latitude 5520","2025-07-30 09:00:00","a"\r\n'
    '"PC02","Windows","10.0.19045.6332","Enterprise","OptiPlex 7090","2025-07-30 09:00:00","b"\r\n'
    '"NEW01","Windows","10.0.26100.4652","Enterprise","OptiPlex 7010","2025-07-30 09:00:00","c"\r\n'
)
FALCON = (
    "Hostname,Host ID,Last Seen,Platform,OS Version,Product Type Desc\n"
    "PC01.corp.example,1,2025-07-30T10:00:00Z,Windows,Windows 10,Workstation\n"
    "srv01,2,2025-07-30T10:00:00Z,Windows,Windows Server 2019,Server\n"
    "PC02,3,2025-07-30T10:00:00Z,Windows,Windows 10,Server\n"
)


def load(tmp_path: Path, lifecycle: Lifecycle, *texts: tuple[str, str]) -> ImportResult:
    paths = []
    for name, text in texts:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return import_files(paths, lifecycle)


def by_host(result: ImportResult) -> dict[str, Asset]:
    return {a.hostname: a for a in result.inventory.assets}


def test_each_source_adds_what_it_knows(tmp_path: Path, lifecycle: Lifecycle) -> None:
    result = load(tmp_path, lifecycle, ("ad.csv", AD), ("intune.csv", INTUNE), ("cs.csv", FALCON))
    hosts = by_host(result)
    pc01 = hosts["PC01"]  # AD's spelling of the name: AD is the first file
    assert pc01.kind is AssetKind.NOTEBOOK  # a Latitude (Intune's model)
    assert pc01.os is not None
    assert (pc01.os.name, pc01.os.version, pc01.os.build, pc01.os.edition) == (
        "Windows 10 Enterprise",  # AD's name: the most specific
        "10.0 (19045)",
        "10.0.19045.6456",  # Intune's build: the update revision
        "Enterprise",
    )
    assert (pc01.antivirus, str(pc01.av_definitions)) == ("CrowdStrike Falcon", "2025-07-30")
    assert pc01.location is not None and pc01.location.file.endswith("ad.csv")
    # a pre-staged AD object that Intune knows gets its OS from Intune
    new = hosts["NEW01"]
    assert new.os is not None and new.os.build == "10.0.26100.4652"
    assert new.kind is AssetKind.DESKTOP
    assert result.merged.overlap == {3: 2, 2: 2, 1: 2}  # PC01, PC02; SRV01, NEW01; WEB x2


def test_conflicts_are_reported_and_the_freshest_record_wins(
    tmp_path: Path, lifecycle: Lifecycle
) -> None:
    result = load(tmp_path, lifecycle, ("ad.csv", AD), ("intune.csv", INTUNE), ("cs.csv", FALCON))
    conflicts = {(c.host, c.field): c for c in result.merged.conflicts}
    assert set(conflicts) == {("PC02", "os build"), ("PC02", "kind")}
    build = conflicts["PC02", "os build"]
    assert build.kept.file.endswith("intune.csv")
    assert "says 'Windows 10 Enterprise' 10.0 (19044)" in build.describe()
    pc02 = by_host(result)["PC02"]
    assert pc02.os is not None and pc02.os.build == "10.0.19045.6332"
    # CrowdStrike states "Server"; AD's and Intune's Windows 10 say desktop: reported
    kind = conflicts["PC02", "kind"]
    assert sorted(value for value, _ in kind.values) == ["desktop", "desktop", "server"]
    assert pc02.kind is AssetKind.SERVER  # a stated type beats one derived from the OS


def test_one_name_in_two_domains_is_two_hosts(tmp_path: Path, lifecycle: Lifecycle) -> None:
    result = load(tmp_path, lifecycle, ("ad.csv", AD))
    hosts = by_host(result)
    assert {"WEB.a.example", "WEB.b.example"} <= set(hosts)
    assert "WEB" not in hosts
    assert any("one name in 2 domains" in note for note in result.merged.notes)


def test_a_host_listed_twice_in_one_file_keeps_the_newest_record(
    tmp_path: Path, lifecycle: Lifecycle
) -> None:
    text = (
        INTUNE
        + '"PC02","Windows","10.0.19044.1288","Enterprise","OptiPlex 7090","2023-01-01 09:00:00","d"\r\n'
    )
    result = load(tmp_path, lifecycle, ("intune.csv", text))
    pc02 = by_host(result)["PC02"]
    assert pc02.os is not None and pc02.os.build == "10.0.19045.6332"
    assert pc02.location is not None and pc02.location.line == 3
    assert "PC02: 2 records in" in "\n".join(result.merged.notes)
    assert not result.merged.conflicts


def test_hostnames_match_without_case_domain_or_dollar(
    tmp_path: Path, lifecycle: Lifecycle
) -> None:
    ad = '"Name","OperatingSystem"\n"PC01$","Windows 11 Pro"\n'
    falcon = "Hostname,Host ID,Last Seen,Platform,OS Version\npc01.corp.example,1,2025-07-30T10:00:00Z,Windows,Windows 11\n"
    result = load(tmp_path, lifecycle, ("ad.csv", ad), ("cs.csv", falcon))
    assert [a.hostname for a in result.inventory.assets] == ["PC01"]
    assert result.inventory.assets[0].antivirus == "CrowdStrike Falcon"


def test_the_merged_inventory_audits(tmp_path: Path, lifecycle: Lifecycle) -> None:
    from tma_audit.rules import load_default_ruleset

    result = load(tmp_path, lifecycle, ("ad.csv", AD), ("intune.csv", INTUNE), ("cs.csv", FALCON))
    audit = run_audit(result.inventory, load_default_ruleset(), lifecycle, AUDIT_DATE)
    subjects = {f.subject.id for f in audit.findings}
    assert {"PC01", "PC02", "SRV01", "NEW01", "WEB.a.example"} <= subjects


def _single_source_batches(lifecycle: Lifecycle) -> list[Batch]:
    """Every fixture export, and a realistic AD export, read into one batch each."""
    import importlib.util

    bench = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_import.py"
    spec = importlib.util.spec_from_file_location("bench_import", bench)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generate = module.generate
    from tests.importers.conftest import FIXTURES
    from tma_audit.inventory.importers.api import _read, parse_date_order
    from tma_audit.inventory.importers.csvfile import parse_table, read_table
    from tma_audit.inventory.importers.profile import parse_map

    batches = []
    for expected_file in sorted(FIXTURES.glob("*.expected.yaml")):  # read as its test does
        options = yaml.safe_load(expected_file.read_text(encoding="utf-8"))["options"]
        export = expected_file.with_name(expected_file.name.removesuffix(".expected.yaml"))
        forced = options.get("sources", [None])[0]
        mapping = parse_map(tuple(options.get("mapping", ())))
        order = parse_date_order(options.get("date_order"))
        batches.append(_read(read_table(export), forced, mapping, order, lifecycle))
    for columns in (3, 13):
        table = parse_table(generate(3000, columns=columns), f"ad-{columns}.csv")
        batches.append(_read(table, None, {}, None, lifecycle))
    return batches


def test_the_single_source_fast_path_equals_the_merge(
    lifecycle: Lifecycle, ruleset: Ruleset
) -> None:
    """One file without repeated hosts skips the merge: same hosts, kinds, fields, claims."""
    inventory = Inventory(client=Client(name="Example"), assets=())
    compared = 0
    for batch in _single_source_batches(lifecycle):
        if len(set(batch.keys)) != batch.n:
            continue  # repeated hosts: merged, no fast path
        fast = merge([batch], lifecycle)
        slow = _Merger([batch], lifecycle).run()
        assert fast.fields.keys() == slow.fields.keys(), batch.file
        for name in slow.fields:
            assert fast.fields[name] == slow.fields[name], (batch.file, name)
        for attr in ("hostnames", "kinds", "levels", "locations", "others", "conflicts"):
            assert getattr(fast, attr) == getattr(slow, attr), (batch.file, attr)
        assert (fast.notes, fast.overlap, fast.repeated) == (
            slow.notes,
            slow.overlap,
            slow.repeated,
        ), batch.file
        built = [build_assets(m.hostnames, m.kinds, m.fields, m.locations) for m in (fast, slow)]
        assert built[0] == built[1], batch.file  # every field, and the line it came from
        audits = [
            run_audit(replace(inventory, assets=tuple(assets)), ruleset, lifecycle, AUDIT_DATE)
            for assets in built
        ]
        # the same verdicts, reasons and evidence for every subject (verdicts compare by
        # identity: compare what they say)
        said = [[(f.rule_id, f.subject, repr(f.verdict)) for f in a.findings] for a in audits]
        assert said[0] == said[1], batch.file
        compared += 1
    assert compared >= 12  # the fixtures of every source, and the benchmark's exports
