"""The fuzz suite (issue 12 §5): hostile inputs never crash tma-audit, hang it or touch
files it should not.

Generated inventories (YAML and CSV, native and exports), rulesets, waiver registers
and JSON reports go into the loaders and into the command line, in-process. Whatever
they hold:

- a loader returns, or raises tma-audit's own error (exit 2 or 3), never another
  exception;
- a command exits 0, 1, 2 or 3: never 70 (a bug), never with a traceback;
- it finishes within a time limit;
- no file outside the output folder changes.

Most inputs are the shipped examples with a few lines changed: a value replaced by a
hostile one (a 5,000-digit number, NaN, a date at the end of the calendar, control
characters, an unterminated quote, a YAML alias or tag), a line deleted, repeated or
replaced. That keeps them close enough to valid to get past the first checks.

Example counts are small so the suite stays fast (the default profile, derandomised:
the same examples on every run). For a long, random run:

    TMA_AUDIT_FUZZ=long python -m pytest tests/test_fuzz.py

(`TMA_AUDIT_FUZZ_EXAMPLES=N` sets the count per test of either profile.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import io
import json
import os
import re
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from tma_audit.cli import run as run_cli
from tma_audit.errors import TmaError

AS_OF = "2026-11-26"
SMALL_OFFICE = REPO / "inventories" / "small-office"
MIDSIZE = REPO / "inventories" / "midsize"
DEFAULT_RULESET = REPO / "tma_audit" / "rulesets" / "default.yaml"

#: seconds one command may take on a small input (a few tenths of a second is usual)
TIME_LIMIT = 20

_LONG = os.environ.get("TMA_AUDIT_FUZZ", "") == "long"
_EXAMPLES = int(os.environ.get("TMA_AUDIT_FUZZ_EXAMPLES", "0") or 0)


def _profile(examples: int) -> settings:
    """Settings for one test: `examples` in the default profile, many in the long one."""
    return settings(
        max_examples=_EXAMPLES or (50 * examples if _LONG else examples),
        derandomize=not _LONG,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


# --- running a command ----------------------------------------------------------------------


class _TimedOut(BaseException):
    """Raised in the command when it runs past the limit (not an Exception: the CLI's
    own handler must not turn it into an exit code)."""


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def cli(*args: str) -> tuple[int, str, str]:
    """Run tma-audit in-process: exit code, standard output, standard error.

    Fails the test when the command outlives the time limit.
    """
    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    try:
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            _time_limit(TIME_LIMIT),
        ):
            code = run_cli(list(args))
    except _TimedOut:
        pytest.fail(f"tma-audit {' '.join(args)} ran for more than {TIME_LIMIT} s")
    assert time.monotonic() - start < TIME_LIMIT
    return code, out.getvalue(), err.getvalue()


def assert_handled(code: int, err: str) -> None:
    assert code in (0, 1, 2, 3), err
    assert "Traceback" not in err
    assert "internal error" not in err, err


def loads_or_refuses(load: Callable[[], object]) -> None:
    """The loader returns, or raises tma-audit's own error: nothing else.

    But for a file name no file system takes (`extends:` 5,000 digits long): the
    command line turns that OSError into exit 2 for every input at once.
    """
    try:
        with _time_limit(TIME_LIMIT):
            load()
    except TmaError as exc:
        assert int(exc.exit_code) in (2, 3)
        assert str(exc)
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise
    except _TimedOut:
        pytest.fail(f"the loader ran for more than {TIME_LIMIT} s")


def snapshot(folder: Path, skip: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under `folder` but those under `skip`: mode, size and content."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_relative_to(skip):
            info = path.lstat()
            files[str(path)] = (info.st_mode, info.st_size, path.read_bytes())
    return files


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="tma-fuzz-") as folder:
        yield Path(folder)


# --- hostile values -------------------------------------------------------------------------

_HOSTILE_PLAIN = [
    *("nan", ".nan", "NaN", ".inf", "-.inf", "inf", "1e400", "-1e400", "-1", "-0", "0"),
    *("1" + "0" * 15, "9" * 16, "0x10", "1_000", "12.", "1e3", "3.5"),
    *("9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "2026-13-01", "2026-11-26"),
    *("9999-12-31T23:59:59", "1899-12-31", "~", "null", "true", "no", "on", "''", '""'),
    *("[]", "{}", "[[[[[[[[[[]]]]]]]]]]", "{a: {b: {c: [1, [2, [3]]]}}}", "&a x", "*a", "*zz"),
    *("!!python/object/apply:os.system [echo]", "!!binary aGk=", "!!int 5", "!!float nan"),
    *("<<: {a: 1}", "|", ">-", "- x", "'unterminated", '"unterminated', "%TAG ! x", "---"),
    *('"\\e[31mred\\e]8;;x\\a"', '"\\u202eabc"', '"\\x9b\\x85"', '"a\\0b"', '"\\r"', "x # y"),
    *("default", "../../etc/passwd", "/dev/null", "self.yaml", "server", "MS-1U", "P1"),
]


def _huge_number(digits: int) -> str:
    return "9" * digits


HOSTILE_TOKEN = st.one_of(
    st.sampled_from(_HOSTILE_PLAIN),
    st.integers(4290, 4400).map(_huge_number),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats().map(repr),
    st.dates().map(dt.date.isoformat),
    st.text(max_size=30).map(json.dumps),  # a double-quoted string of any characters
    st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=20),
)

_CSV_CELLS = [
    *('"', '""', '"a', 'a"b', '"a""b"', '"multi\nline"', "\n", "\r", ",", ";", "\t"),
    *("=cmd|' /C calc'!A0", "\x00", "\x1b[2J", "\u202e", "\ufeff"),
]

CSV_TOKEN = st.one_of(
    HOSTILE_TOKEN,
    st.sampled_from(_CSV_CELLS),
    st.text(max_size=20),
)


def _embedded(value: str) -> st.SearchStrategy[str]:
    """`value` with a hostile piece put into it: `15.0.4480` -> `15.0.99…9`, a name
    with control characters in it (the parsers of versions and names see it)."""
    piece = st.one_of(
        st.integers(4290, 4400).map(_huge_number),
        st.sampled_from(
            ["\\e[31m", "\u202e", "\x85", "'", '"', " SP", ".", " OS Build 1.", "(", ")"]
        ),
    )
    return st.tuples(st.integers(0, len(value)), piece).map(
        lambda at: value[: at[0]] + at[1] + value[at[0] :]
    )


def _new_value(old: str) -> st.SearchStrategy[str]:
    """A hostile value, or the old one with a hostile piece in it."""
    return st.one_of(HOSTILE_TOKEN, _embedded(old))


_KEY_VALUE = re.compile(r"^(\s*(?:- )?[\w.\-\"']+:)[ \t]*(.*)$")


@st.composite
def mutated_yaml(draw: st.DrawFn, text: str) -> str:
    """YAML text with one to four lines changed: a value replaced, a line deleted,
    repeated, re-indented, or replaced by something else."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "value", "value", "delete", "repeat", "line"]))
        if action == "value":  # a value of the document's, not a comment
            values = [i for i, line in enumerate(lines) if _KEY_VALUE.match(line)]
            index = draw(st.sampled_from(values)) if values else index
        match = _KEY_VALUE.match(lines[index])
        if action == "value" and match:
            lines[index] = f"{match.group(1)} {draw(_new_value(match.group(2)))}"
        elif action == "delete":
            del lines[index]
        elif action == "repeat":
            lines.insert(index, lines[index])
        else:
            indent = draw(st.sampled_from(["", "  ", "    ", "\t"]))
            lines[index] = indent + draw(HOSTILE_TOKEN)
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@st.composite
def mutated_csv(draw: st.DrawFn, text: str) -> str:
    """CSV text with cells replaced, lines deleted or repeated, or a line cut short."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["cell", "cell", "cell", "delete", "repeat", "cut"]))
        if action == "cell":
            cells = lines[index].split(",")
            cell = draw(st.integers(0, len(cells) - 1))
            cells[cell] = draw(st.one_of(CSV_TOKEN, _embedded(cells[cell])))
            lines[index] = ",".join(cells)
        elif action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "repeat":
            lines.insert(index, lines[index])
        else:
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
    end = draw(st.sampled_from(["\n", "\r\n", ""]))
    return end.join(lines) + end


JSON_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities included: json.dumps writes NaN, Infinity
    | st.text(max_size=20)
    | st.dates().map(dt.date.isoformat),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return document


@st.composite
def mutated_json(draw: st.DrawFn, text: str) -> str:
    """A JSON document with values replaced (NaN and infinities included), keys
    removed, a 5,000-digit number or a deep nesting written in."""
    document = json.loads(text)
    paths = list(_paths(document))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        if path and draw(st.booleans()):
            parent = functools.reduce(lambda node, key: node[key], path[:-1], document)
            with contextlib.suppress(KeyError, IndexError, TypeError):
                del parent[path[-1]]
            paths = list(_paths(document))
        else:
            document = _replace(document, path, draw(JSON_VALUE))
            paths = list(_paths(document))
    out = json.dumps(document, indent=1)
    raw = draw(st.sampled_from(["", "digits", "nesting"]))
    if raw == "digits" and re.search(r": \d", out):
        out = re.sub(r": (\d)", lambda m: ": " + "9" * 5000, out, count=1)
    elif raw == "nesting" and out.startswith("{"):
        # a key of its own (readers ignore keys they do not know), nested deep
        depth = draw(st.sampled_from([70, 900, 5000, 100_000]))
        out = (
            '{"deep": '
            + "[" * depth
            + "0"
            + "]" * depth
            + ("," if out[1:].strip() != "}" else "")
            + out[1:]
        )
    return out


# --- the inputs -----------------------------------------------------------------------------


@functools.cache
def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@functools.cache
def report_text() -> str:
    """The small office's JSON report (written once per session)."""
    with workspace() as folder:
        report = folder / "report.json"
        code, _, err = cli(
            "audit", str(SMALL_OFFICE / "inventory.yaml"), "--as-of", AS_OF,
            "-f", "json", "-o", str(report),
        )  # fmt: skip
        assert code == 1, err
        return report.read_text(encoding="utf-8")


# --- inventories ----------------------------------------------------------------------------


@_profile(60)
@given(text=mutated_yaml(text_of(SMALL_OFFICE / "inventory.yaml")))
def test_fuzz_yaml_inventory_loader(text: str) -> None:
    from tma_audit.inventory import load_inventory

    with workspace() as folder:
        path = folder / "inventory.yaml"
        path.write_text(text, encoding="utf-8")
        loads_or_refuses(lambda: load_inventory(path))


@_profile(20)
@given(text=mutated_yaml(text_of(SMALL_OFFICE / "inventory.yaml")))
def test_fuzz_yaml_inventory_audit(text: str) -> None:
    with workspace() as folder:
        path = folder / "inventory.yaml"
        path.write_text(text, encoding="utf-8")
        reports = folder / "reports"
        before = snapshot(folder, reports)
        code, _, err = cli(
            "audit", str(path), "--as-of", AS_OF, "--allow-stale",
            "-f", "table,json,sarif,csv", "--output-dir", str(reports),
        )  # fmt: skip
        assert_handled(code, err)
        assert snapshot(folder, reports) == before


@_profile(60)
@given(text=mutated_csv(text_of(SMALL_OFFICE / "assets.csv")))
def test_fuzz_native_csv_loader(text: str) -> None:
    from tma_audit.inventory import load_inventory

    with workspace() as folder:
        path = folder / "assets.csv"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        loads_or_refuses(lambda: load_inventory(path))


#: the real exports the importers are tested on (UTF-8 ones: the mutations work on text)
EXPORTS = sorted(
    path
    for path in (REPO / "tests" / "importers" / "fixtures").glob("*.[ct]sv")
    if not path.name.startswith(("ad-utf16", "ad-semicolon-cp1252"))
)


@st.composite
def mutated_export(draw: st.DrawFn) -> tuple[str, str, tuple[str, ...]]:
    """A real export (or the native CSV) changed, its file name, and perhaps a --map."""
    path = draw(st.sampled_from([SMALL_OFFICE / "assets.csv", *EXPORTS]))
    text = draw(mutated_csv(path.read_text(encoding="utf-8-sig")))
    options: tuple[str, ...] = ()
    if path in EXPORTS and draw(st.booleans()):
        header = path.read_text(encoding="utf-8-sig").splitlines()[0].replace('"', "")
        column = draw(st.sampled_from(re.split(r"[,;\t]", header)))
        field = draw(st.sampled_from(["patch.missing_critical", "warranty.expires", "kind"]))
        options = ("--map", f"{column}={field}")
    return path.name, text, options


@_profile(20)
@given(export=mutated_export())
def test_fuzz_csv_audit_and_convert(export: tuple[str, str, tuple[str, ...]]) -> None:
    name, text, options = export
    with workspace() as folder:
        path = folder / name
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        out = folder / "out"
        out.mkdir()
        before = snapshot(folder, out)
        for args in (
            ("audit", str(path), *options, "--as-of", AS_OF, "--allow-stale"),
            ("inventory", "convert", str(path), *options, "-o", str(out / "inventory.yaml")),
        ):
            code, _, err = cli(*args)
            assert_handled(code, err)
        assert snapshot(folder, out) == before


# --- rulesets -------------------------------------------------------------------------------

_OVERRIDES = """\
extends: default
parameters:
  look_ahead_days: 90
  waiver_review_days: 180
  waiver_max_days: 365
overrides:
  MS-1U:
    title: Windows servers are patched
    params: {grace_days: 14}
    remediation:
      text: Patch the server.
      payer: minor-change
      effort_hours: 1.5
  SC-9:
    params:
      review_months: 12
disable: [SC-10]
"""


@_profile(60)
@given(text=st.one_of(mutated_yaml(_OVERRIDES), mutated_yaml(text_of(DEFAULT_RULESET))))
def test_fuzz_ruleset_loader(text: str) -> None:
    from tma_audit.rules import load_ruleset

    with workspace() as folder:
        path = folder / "self.yaml"  # `extends: self.yaml` is a loop
        path.write_text(text, encoding="utf-8")
        loads_or_refuses(lambda: load_ruleset(path))


@_profile(20)
@given(text=mutated_yaml(_OVERRIDES))
def test_fuzz_ruleset_audit_and_plan(text: str) -> None:
    with workspace() as folder:
        path = folder / "self.yaml"
        path.write_text(text, encoding="utf-8")
        for command in ("audit", "plan"):
            code, _, err = cli(
                command, str(SMALL_OFFICE / "inventory.yaml"), "--ruleset", str(path),
                "--as-of", AS_OF, "--allow-stale", "-f", "json",
            )  # fmt: skip
            assert_handled(code, err)


# --- waiver registers -----------------------------------------------------------------------


@_profile(60)
@given(text=mutated_yaml(text_of(MIDSIZE / "waivers.yaml")))
def test_fuzz_register_loader(text: str) -> None:
    from tma_audit.waivers.register_file import load_register

    with workspace() as folder:
        path = folder / "waivers.yaml"
        path.write_text(text, encoding="utf-8")
        loads_or_refuses(lambda: load_register(path))


@_profile(20)
@given(text=mutated_yaml(text_of(MIDSIZE / "waivers.yaml")))
def test_fuzz_register_commands(text: str) -> None:
    with workspace() as folder:
        path = folder / "waivers.yaml"
        path.write_text(text, encoding="utf-8")
        inventory = str(MIDSIZE / "inventory.yaml")
        for args in (
            ("waivers", "lint", str(path), "--as-of", AS_OF, "--inventory", inventory),
            ("waivers", "list", str(path), "--as-of", AS_OF),
            ("audit", inventory, "--waivers", str(path), "--as-of", AS_OF, "-f", "json"),
        ):
            code, _, err = cli(*args)
            assert_handled(code, err)


# --- JSON reports into `waivers draft` ------------------------------------------------------


@_profile(60)
@given(data=st.data())
def test_fuzz_report_loader(data: st.DataObject) -> None:
    from tma_audit.reports.json_input import load_report

    text = data.draw(mutated_json(report_text()))
    with workspace() as folder:
        path = folder / "report.json"
        path.write_text(text, encoding="utf-8")
        loads_or_refuses(lambda: load_report(path))


@_profile(20)
@given(data=st.data())
def test_fuzz_report_waivers_draft(data: st.DataObject) -> None:
    text = data.draw(mutated_json(report_text()))
    with workspace() as folder:
        path = folder / "report.json"
        path.write_text(text, encoding="utf-8")
        drafts = folder / "drafts"
        before = snapshot(folder, drafts)
        code, _, err = cli("waivers", "draft", str(path), "-o", str(drafts))
        assert_handled(code, err)
        assert snapshot(folder, drafts) == before


# --- draft settings and wording -------------------------------------------------------------

_DRAFT_SETTINGS = """\
provider:
  legal_name: InfiNet Solutions Ltd
  address: [Unit 4, Example Park, Leeds LS1 1AA]
  contact: accounts@infinet.example
  signatory: {name: Dana Whitfield, title: Account Manager}
page_size: A4
control_lines: 4
wording: wording.yaml
"""
WORDING = REPO / "tma_audit" / "waivers" / "templates" / "wording.yaml"


@_profile(10)
@given(settings_text=mutated_yaml(_DRAFT_SETTINGS), wording=mutated_yaml(text_of(WORDING)))
def test_fuzz_draft_settings_and_wording(settings_text: str, wording: str) -> None:
    with workspace() as folder:
        (folder / "settings.yaml").write_text(settings_text, encoding="utf-8")
        (folder / "wording.yaml").write_text(wording, encoding="utf-8")
        drafts = folder / "drafts"
        before = snapshot(folder, drafts)
        code, _, err = cli(
            "waivers", "draft", str(SMALL_OFFICE / "inventory.yaml"), "-o", str(drafts),
            "--settings", str(folder / "settings.yaml"), "--as-of", AS_OF, "--allow-stale",
        )  # fmt: skip
        assert_handled(code, err)
        assert snapshot(folder, drafts) == before
