"""The command line: `waivers draft | list | lint`, and `audit --waivers / --no-waivers`."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.cli.conftest import CliRun
from tests.waivers.conftest import MIDSIZE, MIDSIZE_WAIVERS, UNICODE_INVENTORY

AS_OF = "2026-11-26"


def pdfs(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.suffix == ".pdf")


def test_help(cli: CliRun) -> None:
    for args in (["waivers", "--help"], ["waivers", "draft", "--help"], ["waivers", "lint", "-h"]):
        run = cli(*args)
        assert run.code == 0 and "Usage" in run.out, args
    assert "--waivers" in cli("audit", "--help").out


def test_draft_from_an_inventory(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "drafts" / "new"  # created, parents too
    run = cli("waivers", "draft", str(MIDSIZE), "--as-of", AS_OF, "-o", str(out))
    assert run.code == 0, run.err
    assert pdfs(out) == ["WD-HPBS-20261126-001-hartwell-pryce-building-supplies-ltd.pdf"]
    register = out / "waivers-draft-HPBS-2026-11-26.yaml"
    assert register.is_file()
    assert "Drafted 1 waiver(s) for Hartwell & Pryce Building Supplies Ltd" in run.out
    assert str(register) in run.out
    # no temporary files are left behind, and files get the usual permissions
    listing = out / pdfs(out)[0].replace(".pdf", ".csv")  # every item, beside the PDF
    assert "LDS-ACCESS01" in listing.read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == [listing.name, *pdfs(out), register.name]
    # no --settings: the provider is a placeholder, and the command says so once
    assert run.err.count("[Provider legal name]") == 1
    mode = (out / pdfs(out)[0]).stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_draft_per_site_and_per_finding(cli: CliRun, tmp_path: Path) -> None:
    run = cli(
        "waivers",
        "draft",
        str(MIDSIZE),
        "--as-of",
        AS_OF,
        "-o",
        str(tmp_path / "s"),
        "--per",
        "site",
    )
    assert run.code == 0, run.err
    assert pdfs(tmp_path / "s") == [
        "WD-HPBS-20261126-001-company-wide.pdf",
        "WD-HPBS-20261126-002-site-wakefield-dc.pdf",
        "WD-HPBS-20261126-003-site-leeds-hq.pdf",
        "WD-HPBS-20261126-004-site-york-branch.pdf",
    ]
    run = cli(
        "waivers",
        "draft",
        str(MIDSIZE),
        "--as-of",
        AS_OF,
        "-o",
        str(tmp_path / "f"),
        "--per",
        "finding",
        "--rules",
        "sc-2,MS-6",
        "--include-unknown",
    )
    assert run.code == 0, run.err
    names = pdfs(tmp_path / "f")
    assert len(names) == 3 + 4 + 1  # SC-2: 3 fail, 4 unknown; MS-6: 1 fail
    assert "WD-HPBS-20261126-001-wakefield-dc-ms-6.pdf" in names


def test_draft_from_a_saved_json_report(cli: CliRun, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    run = cli("audit", str(MIDSIZE), "--as-of", AS_OF, "-f", "json", "-o", str(report))
    assert run.code == 1, run.err
    from_report = tmp_path / "from-report"
    run = cli("waivers", "draft", str(report), "-o", str(from_report))
    assert run.code == 0, run.err
    from_inventory = tmp_path / "from-inventory"
    run = cli("waivers", "draft", str(MIDSIZE), "--as-of", AS_OF, "-o", str(from_inventory))
    assert run.code == 0, run.err
    assert pdfs(from_report) == pdfs(from_inventory)
    # the same findings and items
    reg_a = (from_report / "waivers-draft-HPBS-2026-11-26.yaml").read_text(encoding="utf-8")
    reg_b = (from_inventory / "waivers-draft-HPBS-2026-11-26.yaml").read_text(encoding="utf-8")
    assert reg_a == reg_b
    # OS details come from the report's evidence
    reader = PdfReader(from_report / pdfs(from_report)[0])
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages[:4])
    assert "Hartwell & Pryce" in text and "Windows Server 2008 R2 Standard" in text
    # a report fixes the audit: options that would change it are refused
    run = cli("waivers", "draft", str(report), "-o", str(tmp_path / "x"), "--as-of", AS_OF)
    assert run.code == 2 and "--as-of" in run.err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "something-else"}), encoding="utf-8")
    run = cli("waivers", "draft", str(bad), "-o", str(tmp_path / "y"))
    assert run.code == 2 and "not a tma-audit JSON report" in run.err
    bad.write_text("{", encoding="utf-8")
    run = cli("waivers", "draft", str(bad), "-o", str(tmp_path / "y"))
    assert run.code == 2 and "bad.json:1: not valid JSON" in run.err


def test_draft_skips_what_a_register_already_waives(cli: CliRun, tmp_path: Path) -> None:
    run = cli(
        "waivers",
        "draft",
        str(MIDSIZE),
        "--as-of",
        AS_OF,
        "-o",
        str(tmp_path),
        "--waivers",
        str(MIDSIZE_WAIVERS),
    )
    assert run.code == 0, run.err
    register = (tmp_path / "waivers-draft-HPBS-2026-11-26.yaml").read_text(encoding="utf-8")
    assert '"LDS-ACCESS01"' not in register  # waived by W-2026-001
    assert "(waiver W-2026-004 expired on 2026-10-31)" in register  # drafted again
    assert '"WKF-PC001"' in register


def test_unicode_client(cli: CliRun, tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(UNICODE_INVENTORY, encoding="utf-8")
    run = cli(
        "waivers",
        "draft",
        str(inventory),
        "--as-of",
        AS_OF,
        "-o",
        str(tmp_path / "o"),
        "--per",
        "site",
    )
    assert run.code == 0, run.err
    assert "no shipped font" not in run.err
    names = pdfs(tmp_path / "o")
    assert names == [
        "WD-ZURI-20261126-001-site-alesund.pdf",
        "WD-ZURI-20261126-002-site.pdf",  # "Site 東京": the CJK name has no ASCII letters
    ]
    text = "".join(PdfReader(tmp_path / "o" / names[1]).pages[0].extract_text().split())
    assert "東京" in text and "Zürich" in text


def test_missing_glyphs_are_warned_about(cli: CliRun, tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        "client: {name: ሀ Trading, sites: [{name: HQ}]}\nassets: []\n", encoding="utf-8"
    )
    run = cli("waivers", "draft", str(inventory), "--as-of", AS_OF, "-o", str(tmp_path / "o"))
    assert run.code == 0
    assert "no shipped font can draw 'ሀ' (U+1200); it prints as a box" in run.err


def test_nothing_to_draft(cli: CliRun, tmp_path: Path) -> None:
    run = cli(
        "waivers",
        "draft",
        str(MIDSIZE),
        "--as-of",
        AS_OF,
        "-o",
        str(tmp_path / "o"),
        "--rules",
        "SC-4",
    )
    assert run.code == 0
    assert "Nothing to waive" in run.out and not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rules", "MS-99"], "--rules: unknown rule MS-99"),
        (["--expires", "2026-11-01"], "--expires: 2026-11-01 must be after the audit date"),
        (["--expires", "2028-01-01"], "at most 365 days later (2027-11-26"),
        (["--expires", "soon"], "--expires: bad date 'soon'"),
        (["--per", "planet"], "Invalid value for '--per'"),
        (["--settings", "missing.yaml"], "missing.yaml: file not found"),
    ],
)
def test_draft_input_errors_exit_2(
    cli: CliRun, tmp_path: Path, args: list[str], message: str
) -> None:
    run = cli("waivers", "draft", str(MIDSIZE), "--as-of", AS_OF, "-o", str(tmp_path / "o"), *args)
    assert run.code == 2, run.err
    assert message in run.err


def test_output_dir_must_be_a_directory(cli: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    run = cli("waivers", "draft", str(MIDSIZE), "--as-of", AS_OF, "-o", str(target))
    assert run.code == 2 and "exists and is not a directory" in run.err


def test_nothing_user_supplied_escapes_the_output_directory(cli: CliRun, tmp_path: Path) -> None:
    """Hostile names in the inventory end up as [a-z0-9-] words inside the directory."""
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        'client: {name: "../../../tmp/evil", sites: [{name: "/etc/passwd"}, {name: ".."}]}\n'
        "assets:\n"
        '  - {hostname: "..\\\\..\\\\boot.ini", kind: server, site: "/etc/passwd",'
        " os: {name: Windows Server 2008 R2 Standard}, genuine: true, licensed: true}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run = cli(
        "waivers", "draft", str(inventory), "--as-of", AS_OF, "-o", str(out), "--per", "finding"
    )
    assert run.code == 0, run.err
    written = sorted(p.name for p in out.iterdir())
    assert written and all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]*", n) for n in written)
    everything = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert everything == {inventory, *(out / n for n in written)}


def test_write_into_refuses_unsafe_names(tmp_path: Path) -> None:
    from tma_audit.cli.waivers_cmd import _write_into
    from tma_audit.errors import InputError

    (tmp_path / "d").mkdir()
    for name in ("../x.pdf", "a/b.pdf", "/etc/x", "..", ".hidden", "", "x" * 200):
        with pytest.raises(InputError):
            _write_into(tmp_path / "d", name, b"x", force=False)
    # a symlink planted in the directory is not followed out of it: the draft gets the
    # next name, and --force refuses to write through it
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"keep")
    (tmp_path / "d" / "a.pdf").symlink_to(outside)
    assert _write_into(tmp_path / "d", "a.pdf", b"new", force=False).name == "a-2.pdf"
    with pytest.raises(InputError, match="symbolic link"):
        _write_into(tmp_path / "d", "a.pdf", b"new", force=True)
    assert outside.read_bytes() == b"keep"
    assert (tmp_path / "d" / "a.pdf").is_symlink()
    _write_into(tmp_path / "d", "b.pdf", b"new", force=False)
    assert (tmp_path / "d" / "b.pdf").read_bytes() == b"new"


def test_list(cli: CliRun) -> None:
    run = cli("waivers", "list", str(MIDSIZE_WAIVERS), "--as-of", AS_OF)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].endswith(
        "6 waiver(s) on 2026-11-26, client Hartwell & Pryce Building Supplies Ltd"
    )
    assert re.match(r"W-2026-001 +in force \(175 d left\) +2027-05-20 +Martin Hartwell", lines[2])
    assert lines[3].strip() == "scope: hosts LDS-ACCESS01; items Paxton Net2"
    assert re.match(r"W-2026-003 +expiring \(19 d left\) +2026-12-15", lines[6])
    assert re.match(r"W-2026-004 +expired +2026-10-31", lines[8])
    assert lines[9].strip() == "scope: hosts matching WKF-PC00*"
    assert lines[11].strip() == "scope: whole client"
    assert re.match(r"W-2026-006 +incomplete +2027-05-25 +- ", lines[12])
    assert lines[-1] == "3 in force, 1 expiring, 1 expired, 1 incomplete"


def test_lint_exit_codes(cli: CliRun, tmp_path: Path) -> None:
    run = cli(
        "waivers", "lint", str(MIDSIZE_WAIVERS), "--inventory", str(MIDSIZE), "--as-of", AS_OF
    )
    assert run.code == 1, run.err
    assert "waivers.yaml:78: error: W-2026-004: expires: expired on 2026-10-31" in run.out
    assert run.out.splitlines()[-1].endswith("2 error(s), 1 warning(s) in 6 waiver(s)")
    clean = tmp_path / "clean.yaml"
    clean.write_text(
        "waivers:\n  - id: W-1\n    rules: [SC-3]\n    scope: {client: true}\n"
        "    justification: x\n    compensating_controls: []\n    requested_by: x\n"
        "    approved_by: x\n    approval_date: 2026-11-20\n    expires: 2027-02-01\n"
        "    reference: x\n",
        encoding="utf-8",
    )
    run = cli("waivers", "lint", str(clean), "--as-of", AS_OF)
    assert run.code == 0 and run.out.endswith("1 waiver(s), no problems\n")
    # warnings alone do not fail
    run = cli("waivers", "lint", str(clean), "--as-of", "2027-01-15")
    assert run.code == 0 and "warning: W-1: expires: expires on 2027-02-01" in run.out
    malformed = tmp_path / "bad.yaml"
    malformed.write_text("waivers:\n  - id: W-1\n    rules: [SC-3]\n    scope: {}\n")
    run = cli("waivers", "lint", str(malformed))
    assert run.code == 2
    assert "bad.yaml:4: waivers[W-1].scope: the scope selects nothing" in run.err
    assert "Traceback" not in run.err


def test_audit_honours_the_register(cli: CliRun, tmp_path: Path) -> None:
    def waived(args: list[str]) -> tuple[int, list[dict[str, object]]]:
        report = tmp_path / "r.json"
        run = cli("audit", str(MIDSIZE), "--as-of", AS_OF, "-f", "json", "-o", str(report), *args)
        data = json.loads(report.read_text(encoding="utf-8"))
        found = [
            {**o, "subject": g["subject"]["id"]}
            for g in data["results"]
            for o in g["outcomes"]
            if o["outcome"] == "waived"
        ]
        return run.code, found

    code, found = waived(["--waivers", str(MIDSIZE_WAIVERS)])
    assert code == 1  # other findings remain
    assert len(found) == 12
    first = next(o for o in found if o["subject"] == "LDS-ACCESS01" and o["rule"] == "MS-1")
    evidence = first["evidence"]
    assert isinstance(evidence, dict)
    assert evidence["waiver"] == "W-2026-001"
    assert evidence["waiver_approved_by"] == "Martin Hartwell (Managing Director)"
    assert evidence["waiver_expires"] == "2027-05-20"
    assert "Paxton Net2 6.07 controls the doors" in evidence["waiver_justification"]
    # --no-waivers gives the true picture
    code, found = waived(["--waivers", str(MIDSIZE_WAIVERS), "--no-waivers"])
    assert code == 1 and found == []
    # the table shows the waiver and the notes
    run = cli("audit", str(MIDSIZE), "--as-of", AS_OF, "--waivers", str(MIDSIZE_WAIVERS))
    flat = " ".join(run.out.split())
    assert "waiver W-2026-003 expires on 2026-12-15 (in 19 days)" in flat
    assert "(waiver W-2026-004 expired on 2026-10-31)" in flat
    assert "[waived: W-2026-001, approved by Martin Hartwell (Managing Director)" in flat


def test_an_all_waived_audit_exits_0(cli: CliRun, tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(UNICODE_INVENTORY, encoding="utf-8")
    drafts = tmp_path / "drafts"
    run = cli(
        "waivers", "draft", str(inventory), "--as-of", AS_OF, "-o", str(drafts), "--include-unknown"
    )
    assert run.code == 0, run.err
    register = drafts / "waivers-draft-ZURI-2026-11-26.yaml"
    run = cli("audit", str(inventory), "--as-of", AS_OF, "--waivers", str(register))
    assert run.code == 1  # drafted entries cover nothing until signed
    text = register.read_text(encoding="utf-8")
    text = re.sub(r"    approved_by: .*", "    approved_by: Jörg Ångström", text)
    text = re.sub(r"    approval_date: .*", "    approval_date: 2026-11-26", text)
    register.write_text(text, encoding="utf-8")
    run = cli("audit", str(inventory), "--as-of", AS_OF, "--waivers", str(register))
    assert run.code == 0, run.out
    run = cli("audit", str(inventory), "--as-of", AS_OF, "--waivers", str(register), "--no-waivers")
    assert run.code == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("waivers: [\n", "w.yaml:2: invalid YAML"),
        (
            "waivers:\n  - {id: W-1, rules: [MS-1], scope: {client: true}, expiry: x}\n",
            "w.yaml:2: waivers[W-1].expiry: unknown key 'expiry'",
        ),
        (
            "client: Other Ltd\nwaivers: []\n",
            "w.yaml:1: client: the waiver register is for 'Other Ltd'",
        ),
    ],
)
def test_a_malformed_register_stops_the_audit(
    cli: CliRun, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    run = cli("audit", str(MIDSIZE), "--as-of", AS_OF, "--waivers", str(path))
    assert run.code == 2
    assert f"tma-audit: error: {path.parent}/{message}" in run.err
    assert run.out == ""
    run = cli("audit", str(MIDSIZE), "--as-of", AS_OF, "--waivers", str(tmp_path / "none.yaml"))
    assert run.code == 2 and "none.yaml: file not found" in run.err


def test_commands_run_in_batch_mode_and_drafts_render_with_the_collector(
    cli: CliRun, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An audit runs with the collector off (`batch_mode`); waiver drafts (reportlab's
    cycles) with it on; afterwards it is as it was."""
    import gc
    from typing import Any

    from tma_audit import audit
    from tma_audit.waivers import pdf

    seen: dict[str, bool] = {}
    real_run_audit, real_render = audit.run_audit, pdf.render_pdf

    def run_audit(*args: Any, **kwargs: Any) -> Any:
        seen.setdefault("audit", gc.isenabled())
        return real_run_audit(*args, **kwargs)

    def render_pdf(*args: Any, **kwargs: Any) -> Any:
        seen.setdefault("render", gc.isenabled())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(audit, "run_audit", run_audit)
    monkeypatch.setattr(pdf, "render_pdf", render_pdf)
    was = gc.isenabled()
    gc.enable()
    try:
        result = cli("waivers", "draft", str(MIDSIZE), "-o", str(tmp_path), "--as-of", "2026-11-26")
        assert result.code == 0, result.err
        assert seen == {"audit": False, "render": True}
        assert gc.isenabled()
    finally:
        if not was:
            gc.disable()


def test_draft_form_fields_option(cli: CliRun, tmp_path: Path) -> None:
    run = cli("waivers", "draft", str(MIDSIZE), "--as-of", AS_OF, "-o", str(tmp_path))
    assert run.code == 0, run.err
    (plain,) = pdfs(tmp_path)
    assert not PdfReader(tmp_path / plain).get_fields()
    out = tmp_path / "forms"
    run = cli("waivers", "draft", str(MIDSIZE), "--as-of", AS_OF, "-o", str(out), "--form-fields")
    assert run.code == 0, run.err
    (fillable,) = pdfs(out)
    fields = PdfReader(out / fillable).get_fields() or {}
    assert {"client_name", "client_signature", "client_date", "provider_date"} <= set(fields)


def test_per_finding_makes_one_document_per_fact(cli: CliRun, tmp_path: Path) -> None:
    """MS-3 and SC-7 on one device's one problem: one document citing both clauses."""
    run = cli(
        "waivers", "draft", str(MIDSIZE), "--as-of", AS_OF, "-o", str(tmp_path),
        "--per", "finding", "--rules", "MS-3,SC-7",
    )  # fmt: skip
    assert run.code == 0, run.err
    names = pdfs(tmp_path)
    assert len(names) == 19  # 19 facts, each stated by both rules
    assert not any("sc-7" in n for n in names)
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".csv"]  # nothing left out
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / names[0]).pages)
    assert "SC-7" in text and "MS-3" in text
