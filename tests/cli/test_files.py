"""Files the tool writes and reads: never a device replaced, an input overwritten, a FIFO
waited on forever, a huge file read whole, or another file quoted in an error (issue 12
§1 and §2); `-` is standard output (issue 10)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import CliRun
from tests.cli.test_cli import AS_OF, COMPLIANT, SMALL, write
from tma_audit.model import AuditResult

SECRET = "root:$6$very-secret-hash:19000:0:99999:7:::"
MIDSIZE = SMALL.parents[1] / "midsize" / "inventory.yaml"
REPO_FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"


def audit_json(cli: CliRun, inventory: Path, *args: str) -> tuple[int, str, str]:
    run = cli("audit", str(inventory), "--as-of", AS_OF, "-f", "json", "--exit-zero", *args)
    return run.code, run.out, run.err


def tma(*args: str, stdout: int | None = subprocess.PIPE, timeout: float = 60) -> tuple[int, str]:
    """Run the real entry point in a child process; (exit code, standard error)."""
    proc = subprocess.run(
        [sys.executable, "-m", "tma_audit", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return proc.returncode, proc.stderr


def char_device(path: Path, minor: int) -> Path:
    """A copy of /dev/null (minor 3) or /dev/full (minor 7) in a test folder."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return path


# --- writing: streams, special files -------------------------------------------------------


def test_a_character_device_is_written_through_never_replaced(cli: CliRun, tmp_path: Path) -> None:
    inventory = write(tmp_path, COMPLIANT)
    null = char_device(tmp_path / "null", 3)
    code, _, err = audit_json(cli, inventory, "-o", str(null))
    assert code == 0, err
    assert stat.S_ISCHR(null.stat().st_mode)  # still the device, not a regular file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv.yaml", "null"]


def test_dev_null_as_a_normal_user_is_written_through(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A normal user cannot create files in /dev (simulated: tests run as root): writing
    to /dev/null must not need a temporary file there."""
    import tempfile

    def no_permission(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", no_permission)
    inventory = write(tmp_path, COMPLIANT)
    code, _, err = audit_json(cli, inventory, "-o", os.devnull)
    assert code == 0, err
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)
    code, _, err = audit_json(cli, inventory, "-o", str(tmp_path / "r.json"))
    assert code == 2 and "r.json: --output: cannot write: Permission denied" in err


def test_a_full_device_is_a_clear_error(cli: CliRun, tmp_path: Path) -> None:
    inventory = write(tmp_path, COMPLIANT)
    full = char_device(tmp_path / "full", 7)
    code, _, err = audit_json(cli, inventory, "-o", str(full))
    assert code == 2
    assert f"{full}: --output: cannot write: No space left on device" in err
    assert stat.S_ISCHR(full.stat().st_mode)


def test_a_fifo_is_written_through_to_its_reader(cli: CliRun, tmp_path: Path) -> None:
    inventory = write(tmp_path, COMPLIANT)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with fifo.open("rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        # the writer opens without blocking: wait until the reader has the FIFO open
        for _ in range(200):
            code, _, err = audit_json(cli, inventory, "-o", str(fifo))
            if code != 2:
                break
            assert "nobody reads" in err
            threading.Event().wait(0.01)
    finally:
        with contextlib.suppress(OSError):  # release a reader that never got a writer
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(10)
    assert code == 0, err
    assert json.loads(received[0])["format"] == "tma-audit-report"
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_fifo_nobody_reads_is_an_error_not_a_hang(cli: CliRun, tmp_path: Path) -> None:
    inventory = write(tmp_path, COMPLIANT)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = audit_json(cli, inventory, "-o", str(fifo))
    assert code == 2 and "named pipe (FIFO) that nobody reads" in err


def test_a_socket_is_refused(cli: CliRun, tmp_path: Path) -> None:
    import socket

    inventory = write(tmp_path, COMPLIANT)
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        code, _, err = audit_json(cli, inventory, "-o", str(path))
    assert code == 2 and "is a socket: refusing to write to it" in err


def test_dash_is_standard_output(cli: CliRun, tmp_path: Path) -> None:
    inventory = write(tmp_path, COMPLIANT)
    code, out, err = audit_json(cli, inventory, "-o", "-")
    assert code == 0, err
    assert json.loads(out)["format"] == "tma-audit-report"
    assert not (tmp_path / "-").exists()
    sarif = tmp_path / "r.sarif"
    run = cli(
        "audit", str(inventory), "--as-of", AS_OF, "-f", "json,sarif", "--exit-zero",
        "-o", "json=-", "-o", f"sarif={sarif}",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert json.loads(run.out)["format"] == "tma-audit-report"
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"
    plain = cli("plan", str(inventory), "--as-of", AS_OF)
    run = cli("plan", str(inventory), "--as-of", AS_OF, "-o", "-")
    assert run.code == 0 and run.out and run.out == plain.out
    assert not (tmp_path / "-").exists()


def test_convert_to_standard_output(cli: CliRun, tmp_path: Path) -> None:
    export = REPO_FIXTURES / "ad-ascii-us.csv"
    run = cli("inventory", "convert", str(export), "-o", "-")
    assert run.code == 0, run.err
    assert "assets:" in run.out and "client:" in run.out
    assert "wrote -:" in run.err  # the summary goes to standard error
    assert not Path("-").exists()


def test_dev_stdout_is_standard_output_not_replaced(tmp_path: Path) -> None:
    """`-o /dev/stdout` prints (to a pipe, or to the file standard output is) and leaves
    the link alone (run in a child: standard output must be a real file descriptor)."""
    args = ("audit", str(SMALL), "--as-of", AS_OF, "-f", "json", "--exit-zero")
    proc = subprocess.run(
        [sys.executable, "-m", "tma_audit", *args, "-o", "/dev/stdout"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["format"] == "tma-audit-report"
    out = tmp_path / "out.json"
    with out.open("w") as handle:
        code, err = tma(*args, "-o", "/dev/stdout", stdout=handle.fileno())
    assert code == 0, err
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "tma-audit-report"
    assert Path("/dev/stdout").is_symlink()


def test_standard_output_on_a_full_disk_exits_2(tmp_path: Path) -> None:
    with Path("/dev/full").open("w") as full:
        code, err = tma("audit", str(SMALL), "--as-of", AS_OF, "-f", "json", stdout=full.fileno())
    assert code == 2, err
    assert "cannot write to standard output: No space left on device" in err
    assert "Traceback" not in err


def test_unwritable_targets_exit_2(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inventory = write(tmp_path, COMPLIANT)
    code, _, err = audit_json(cli, inventory, "-o", str(tmp_path / ("x" * 300)))
    assert code == 2 and "File name too long" in err
    # a read-only file system (simulated: root is not stopped by file modes)
    import tempfile

    def read_only(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    code, _, err = audit_json(cli, inventory, "-o", str(tmp_path / "r.json"))
    assert code == 2 and "r.json: --output: cannot write: Read-only file system" in err
    monkeypatch.undo()
    code, _, err = audit_json(cli, inventory, "-o", "/proc/r.json")
    assert code == 2 and "/proc/r.json: --output: cannot write" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv.yaml"]


def test_a_dangling_symlink_is_not_written_through(cli: CliRun, tmp_path: Path) -> None:
    inventory = write(tmp_path, COMPLIANT)
    link = tmp_path / "r.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    code, _, err = audit_json(cli, inventory, "-o", str(link))
    assert code == 2 and "symbolic link to a missing file" in err
    assert not (tmp_path / "elsewhere.json").exists()


def test_sigterm_during_a_write_leaves_no_temporary_file(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tma_audit import reports

    monkeypatch.setattr(reports, "PIECE_LINES", 5)  # many pieces, even for a small report
    real = reports.get_chunk_renderer

    def renderer(fmt: reports.Format) -> reports.ChunkRenderer:
        render = real(fmt)

        def pieces(result: AuditResult, options: reports.RenderOptions) -> Iterator[str]:
            for number, piece in enumerate(render(result, options)):
                if number == 2:
                    os.kill(os.getpid(), signal.SIGTERM)
                yield piece

        return pieces

    monkeypatch.setattr(reports, "get_chunk_renderer", renderer)
    inventory = write(tmp_path, COMPLIANT)
    out = tmp_path / "report.json"
    out.write_text("old", encoding="utf-8")
    code, _, _ = audit_json(cli, inventory, "-o", str(out))
    assert code == 128 + signal.SIGTERM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv.yaml", "report.json"]
    assert out.read_text(encoding="utf-8") == "old"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back


# --- writing: never over an input; one file per output -------------------------------------


def test_output_never_replaces_an_input(cli: CliRun, tmp_path: Path) -> None:
    inventory = write(tmp_path, COMPLIANT)
    before = inventory.read_bytes()
    code, _, err = audit_json(cli, inventory, "-o", str(inventory))
    assert code == 2
    assert f"{inventory}: --output: is an input of this run: refusing to write over it" in err
    # the same file under another name (a hard link) is the same input
    alias = tmp_path / "alias.json"
    os.link(inventory, alias)
    code, _, err = audit_json(cli, inventory, "-o", str(alias))
    assert code == 2 and f"is an input of this run ({inventory})" in err
    run = cli("plan", str(inventory), "--as-of", AS_OF, "-o", str(inventory))
    assert run.code == 2 and "is an input of this run" in run.err
    assert inventory.read_bytes() == before


def test_output_never_replaces_the_waiver_register_or_ruleset(cli: CliRun, tmp_path: Path) -> None:
    inventory = write(tmp_path, COMPLIANT)
    register = write(tmp_path, "waivers: []\n", "waivers.yaml")
    ruleset = write(tmp_path, "extends: default\nruleset: {id: r, version: '1'}\n", "r.yaml")
    for option, target in (("--waivers", register), ("--ruleset", ruleset)):
        before = target.read_bytes()
        code, _, err = audit_json(cli, inventory, option, str(target), "-o", str(target))
        assert code == 2 and "is an input of this run" in err, option
        assert target.read_bytes() == before
    # --output-dir: a report name that is an input
    reports = tmp_path / "reports"
    reports.mkdir()
    own = write(reports, "hostname,kind\nPC1,desktop\n", "tma-audit.csv")
    before = own.read_bytes()
    run = cli("audit", str(own), "--as-of", AS_OF, "-f", "json,csv", "--output-dir", str(reports))
    assert run.code == 2 and "--output-dir: is an input of this run" in run.err
    assert own.read_bytes() == before
    assert sorted(p.name for p in reports.iterdir()) == ["tma-audit.csv"]  # nothing written


def test_convert_never_replaces_its_own_input(cli: CliRun, tmp_path: Path) -> None:
    export = tmp_path / "ad.csv"
    export.write_bytes((REPO_FIXTURES / "ad-ascii-us.csv").read_bytes())
    before = export.read_bytes()
    run = cli("inventory", "convert", str(export), "-o", str(export), "--force")
    assert run.code == 2 and "is an input of this run" in run.err
    assert export.read_bytes() == before


def test_two_outputs_to_one_file_are_a_usage_error(cli: CliRun, tmp_path: Path) -> None:
    inventory = write(tmp_path, COMPLIANT)
    target = tmp_path / "r.out"
    run = cli(
        "audit", str(inventory), "--as-of", AS_OF, "-f", "json,sarif",
        "-o", f"json={target}", "-o", f"sarif={tmp_path}/./r.out",
    )  # fmt: skip
    assert run.code == 2
    assert "json and sarif would both be written to" in run.err
    assert not target.exists()


# --- waivers draft ------------------------------------------------------------------------


def test_draft_does_not_follow_a_planted_temp_symlink(cli: CliRun, tmp_path: Path) -> None:
    """The old temporary name was predictable (`.NAME.PID.tmp`): links planted there
    must not lead the write out of the folder."""
    out = tmp_path / "drafts"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    pdf = "WD-HPBS-20261126-001-hartwell-pryce-building-supplies-ltd.pdf"
    for name in (pdf, "waivers-draft-HPBS-2026-11-26.yaml", "waivers-draft-2026-11-26.yaml"):
        (out / f".{name}.{os.getpid()}.tmp").symlink_to(victim)
    run = cli("waivers", "draft", str(MIDSIZE), "--as-of", AS_OF, "-o", str(out))
    assert run.code == 0, run.err
    assert victim.read_text(encoding="utf-8") == "keep me"
    written = [p for p in out.iterdir() if not p.name.startswith(".")]
    assert written and all(p.is_file() and not p.is_symlink() for p in written)


def test_draft_keeps_existing_drafts_unless_forced(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    args = ("waivers", "draft", str(MIDSIZE), "--as-of", AS_OF, "-o", str(out))
    assert cli(*args).code == 0
    register = out / "waivers-draft-HPBS-2026-11-26.yaml"
    register.write_text("# completed by hand\n", encoding="utf-8")
    pdf = out / "WD-HPBS-20261126-001-hartwell-pryce-building-supplies-ltd.pdf"
    first_pdf = pdf.read_bytes()
    run = cli(*args)
    assert run.code == 0, run.err
    assert register.read_text(encoding="utf-8") == "# completed by hand\n"
    assert pdf.read_bytes() == first_pdf
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            pdf.name,
            pdf.name.replace(".pdf", "-2.pdf"),
            pdf.name.replace(".pdf", ".csv"),
            pdf.name.replace(".pdf", "-2.csv"),
            register.name,
            "waivers-draft-HPBS-2026-11-26-2.yaml",
        ]
    )
    assert "waivers-draft-HPBS-2026-11-26-2.yaml" in run.out
    run = cli(*args, "--force")
    assert run.code == 0, run.err
    assert register.read_text(encoding="utf-8").startswith("# Waiver register entries")
    assert len(list(out.iterdir())) == 6  # replaced, not added


def test_two_clients_drafted_into_one_folder_keep_their_files(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    failing = (
        "client:\n  name: {name}\n  sites: [{{name: HQ}}]\n"
        "environment: {{antivirus: []}}\nattestations: {{}}\n"
        "assets:\n  - {{hostname: SRV1, kind: server, site: HQ, "
        "os: {{name: Windows Server 2008 R2}}}}\n"
    )
    for number, name in enumerate(("Acme/Ltd", "Acme Ltd."), start=1):
        inventory = write(tmp_path, failing.format(name=json.dumps(name)), f"inv{number}.yaml")
        run = cli("waivers", "draft", str(inventory), "--as-of", AS_OF, "-o", str(out))
        assert run.code == 0, run.err
    names = sorted(p.name for p in out.iterdir())
    assert names == [  # one server each: nothing left out of the PDFs, no CSV
        "WD-ACME-20261126-001-acme-ltd-2.pdf",
        "WD-ACME-20261126-001-acme-ltd.pdf",
        "waivers-draft-ACME-2026-11-26-2.yaml",
        "waivers-draft-ACME-2026-11-26.yaml",
    ]
    clients = {
        json.loads(line.split(":", 1)[1])
        for p in out.glob("*.yaml")
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.startswith("client:")
    }
    assert clients == {"Acme/Ltd", "Acme Ltd."}


# --- reading --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["z.yaml", "z.csv"])
def test_an_inventory_linked_to_dev_zero_is_refused(cli: CliRun, tmp_path: Path, name: str) -> None:
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    run = cli("audit", str(link), "--as-of", AS_OF)
    assert run.code == 2
    assert f"{link}: is a character device, not a regular file: refusing to read it" in run.err


def test_every_input_refuses_devices(cli: CliRun, tmp_path: Path) -> None:
    inventory = write(tmp_path, COMPLIANT)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/urandom")
    zero.with_name("z.csv").symlink_to("/dev/zero")
    for args in (
        ("audit", str(inventory), "--as-of", AS_OF, "--ruleset", str(zero)),
        ("audit", str(inventory), "--as-of", AS_OF, "--waivers", str(zero)),
        ("waivers", "lint", str(zero)),
        ("waivers", "draft", str(inventory), "-o", str(tmp_path / "d"), "--settings", str(zero)),
        ("inventory", "validate", str(zero)),
        ("inventory", "convert", str(zero.with_name("z.csv")), "-o", str(tmp_path / "i.yaml")),
        ("rules", "list", "--ruleset", str(zero)),
    ):
        run = cli(*args)
        assert run.code == 2, (args, run.err)
        assert "not a regular file: refusing to read it" in run.err, args
    report = tmp_path / "r.json"
    report.symlink_to("/dev/zero")
    run = cli("waivers", "draft", str(report), "-o", str(tmp_path / "d"))
    assert run.code == 2 and "refusing to read it" in run.err


def test_fifos_are_refused_without_waiting(tmp_path: Path) -> None:
    """A FIFO nobody writes would block a plain open forever (a child, with a timeout)."""
    fifo_yaml = tmp_path / "fifo.yaml"
    fifo_csv = tmp_path / "fifo.csv"
    os.mkfifo(fifo_yaml)
    os.mkfifo(fifo_csv)
    for args in (
        ("audit", str(fifo_yaml)),
        ("audit", str(fifo_csv)),
        ("audit", str(SMALL), "--ruleset", str(fifo_yaml)),
        ("audit", str(SMALL), "--waivers", str(fifo_yaml)),
    ):
        code, err = tma(*args, "--as-of", AS_OF, timeout=30)
        assert code == 2, (args, err)
        assert "is a named pipe (FIFO), not a regular file" in err, args


def test_a_cache_pointing_at_a_device_or_fifo_is_a_warning(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inventory = write(tmp_path, COMPLIANT)
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("TMA_AUDIT_CACHE_DIR", str(cache))
    (cache / "snapshot.json").symlink_to("/dev/zero")
    run = cli("audit", str(inventory), "--as-of", AS_OF, "--exit-zero")
    assert run.code == 0, run.err
    assert "cached lifecycle data is unusable" in run.err and "character device" in run.err
    (cache / "snapshot.json").unlink()
    os.mkfifo(cache / "snapshot.json")
    run = cli("audit", str(inventory), "--as-of", AS_OF, "--exit-zero")
    assert run.code == 0 and "named pipe" in run.err
    run = cli("audit", str(inventory), "--as-of", AS_OF, "--data", str(cache / "snapshot.json"))
    assert run.code == 3 and "refusing to read it" in run.err


def test_inputs_over_the_size_cap_are_refused(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inventory = write(tmp_path, COMPLIANT)
    monkeypatch.setenv("TMA_AUDIT_MAX_INPUT_BYTES", "50")
    run = cli("audit", str(inventory), "--as-of", AS_OF)
    assert run.code == 2
    assert "larger than the input size limit of 50 bytes" in run.err
    assert "TMA_AUDIT_MAX_INPUT_BYTES" in run.err
    monkeypatch.setenv("TMA_AUDIT_MAX_INPUT_BYTES", "1K")
    assert cli("audit", str(inventory), "--as-of", AS_OF, "--exit-zero").code == 0
    monkeypatch.setenv("TMA_AUDIT_MAX_INPUT_BYTES", "lots")
    run = cli("audit", str(inventory), "--as-of", AS_OF)
    assert run.code == 2 and "'lots' is not a size" in run.err


# --- references out of the directory ------------------------------------------------------


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the folder of the files that name it, like /etc/shadow."""
    path = tmp_path / "secret" / "shadow"
    path.parent.mkdir()
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def test_extends_out_of_the_directory_is_refused(
    cli: CliRun, tmp_path: Path, secret: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inventory = write(tmp_path, COMPLIANT)
    project = tmp_path / "project"
    project.mkdir()
    (project / "link.yaml").symlink_to(secret)
    for reference in (str(secret), "../secret/shadow", "link.yaml"):
        ruleset = write(project, f"extends: {reference}\n", "r.yaml")
        run = cli("audit", str(inventory), "--as-of", AS_OF, "--ruleset", str(ruleset))
        assert run.code == 2, reference
        assert "r.yaml:1: extends: " in run.err
        assert "outside the directory of the file that names it" in run.err
        assert "very-secret" not in run.err + run.out
    # allowed on purpose, by the option (for this run only) or the environment: read (and
    # the error is about that file)
    args = ("audit", str(inventory), "--as-of", AS_OF, "--ruleset", str(ruleset))
    run = cli("--allow-outside-references", *args)
    assert run.code == 2 and "outside the directory" not in run.err
    assert "outside the directory" in cli(*args).err
    monkeypatch.setenv("TMA_AUDIT_ALLOW_OUTSIDE_REFERENCES", "1")
    run = cli(*args)
    assert run.code == 2 and "outside the directory" not in run.err


def test_a_ruleset_beside_it_still_extends(cli: CliRun, tmp_path: Path) -> None:
    inventory = write(tmp_path, COMPLIANT)
    sub = tmp_path / "rules"
    sub.mkdir()
    write(sub, "extends: default\nruleset: {id: base, version: '1'}\n", "base.yaml")
    ruleset = write(
        tmp_path, "extends: rules/base.yaml\nruleset: {id: top, version: '1'}\n", "r.yaml"
    )
    run = cli("audit", str(inventory), "--as-of", AS_OF, "--ruleset", str(ruleset), "--exit-zero")
    assert run.code == 0, run.err
    assert "ruleset top 1" in run.out


def test_assets_from_out_of_the_directory_is_refused(
    cli: CliRun, tmp_path: Path, secret: Path
) -> None:
    for reference in (str(secret), "../secret/shadow"):
        project = tmp_path / "project"
        project.mkdir(exist_ok=True)
        inventory = write(project, COMPLIANT + f"assets_from: [{json.dumps(reference)}]\n")
        run = cli("audit", str(inventory), "--as-of", AS_OF)
        assert run.code == 2, reference
        assert "assets_from[0]: " in run.err and "outside the directory" in run.err
        assert "very-secret" not in run.err + run.out


def test_wording_out_of_the_directory_is_refused(cli: CliRun, tmp_path: Path, secret: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    settings = write(project, f"wording: {secret}\n", "settings.yaml")
    run = cli(
        "waivers", "draft", str(MIDSIZE), "--as-of", AS_OF, "-o", str(tmp_path / "d"),
        "--settings", str(settings),
    )  # fmt: skip
    assert run.code == 2
    assert "settings.yaml:1: wording: " in run.err and "outside the directory" in run.err
    assert "very-secret" not in run.err + run.out
    assert not (tmp_path / "d").exists()


def test_a_fifo_named_by_assets_from_is_refused_not_waited_on(cli: CliRun, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "assets.csv")
    inventory = write(tmp_path, COMPLIANT + "assets_from: [assets.csv]\n")
    run = cli("audit", str(inventory), "--as-of", AS_OF)
    assert run.code == 2
    assert "assets.csv: is a named pipe (FIFO), not a regular file" in run.err


def test_drafts_never_go_to_standard_output(cli: CliRun, tmp_path: Path) -> None:
    run = cli("waivers", "draft", str(MIDSIZE), "--as-of", AS_OF, "-o", "-")
    assert run.code == 2 and "not to standard output" in run.err
    assert not Path("-").exists()


def test_a_reference_with_a_nul_character_is_an_input_error(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inventory = write(tmp_path, COMPLIANT + 'assets_from: ["a\\0b.csv"]\n')
    ruleset = write(tmp_path, 'extends: "a\\0b.yaml"\n', "r.yaml")
    settings = write(tmp_path, 'wording: "a\\0b.yaml"\n', "s.yaml")
    plain = write(tmp_path, COMPLIANT, "plain.yaml")
    for allowed in ("0", "1"):
        monkeypatch.setenv("TMA_AUDIT_ALLOW_OUTSIDE_REFERENCES", allowed)
        for args, where in (
            (("audit", str(inventory)), "inv.yaml:7: assets_from[0]: "),
            (("audit", str(plain), "--ruleset", str(ruleset)), "r.yaml:1: extends: "),
            (
                (
                    "waivers",
                    "draft",
                    str(plain),
                    "-o",
                    str(tmp_path / "d"),
                    "--settings",
                    str(settings),
                ),
                "s.yaml:1: wording: ",
            ),
        ):
            run = cli(*args, "--as-of", AS_OF)
            assert run.code == 2, (args, run.err)
            # the YAML reader refuses the NUL first (naming file and line), or the reference
            # check does (naming the field too)
            assert where.split(": ")[0] in run.err, (args, run.err)
            assert "NUL character" in run.err, (args, run.err)
