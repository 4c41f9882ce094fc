"""Reading exports: encodings, preamble lines, delimiters, nulls, headers, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tma_audit.errors import InventoryError
from tma_audit.inventory.importers.csvfile import NULL, header_key, parse_table, sniff_delimiter

AD = '"Name","OperatingSystem"\r\n"PC01","Windows 10 Pro"\r\n"PC02",\r\n'


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (AD.encode(), "UTF-8"),
        (b"\xef\xbb\xbf" + AD.encode(), "UTF-8 with BOM"),
        (b"\xff\xfe" + AD.encode("utf-16-le"), "UTF-16LE with BOM"),
        (b"\xfe\xff" + AD.encode("utf-16-be"), "UTF-16BE with BOM"),
        (AD.encode("utf-16-le"), "UTF-16LE"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le"],
)
def test_encodings_by_bom_or_content(raw: bytes, encoding: str) -> None:
    table = parse_table(raw, "ad.csv")
    assert table.encoding == encoding
    assert table.headers == ["Name", "OperatingSystem"]
    assert table.columns[1] == ("Windows 10 Pro", NULL)
    assert not table.warnings


def test_windows_1252_is_read_with_a_warning() -> None:
    table = parse_table('Name,Description\r\nPC01,"Büro – Empfang"\r\n'.encode("cp1252"), "x.csv")
    assert table.encoding == "Windows-1252"
    assert table.columns[1] == ("Büro – Empfang",)
    assert "Windows-1252" in table.warnings[0]


def test_invalid_utf16_names_the_line() -> None:
    raw = b"\xff\xfe" + "a,b\r\nc,d\r\n".encode("utf-16-le") + b"\x00\xd8"  # lone surrogate
    with pytest.raises(InventoryError, match=r"x\.csv:3: not valid UTF-16LE"):
        parse_table(raw, "x.csv")


def test_type_and_sep_lines_are_dropped_and_lines_still_count() -> None:
    raw = b"#TYPE Selected.Microsoft.ActiveDirectory.Management.ADComputer\r\n" + AD.encode()
    table = parse_table(raw, "ad.csv")
    assert table.type_name == "Selected.Microsoft.ActiveDirectory.Management.ADComputer"
    assert table.preamble == ["#TYPE Selected.Microsoft.ActiveDirectory.Management.ADComputer"]
    assert table.lines == [3, 4]
    assert table.header_line == 2
    excel = parse_table(b"sep=|\r\nName|OS\r\nPC01|Windows 11 Pro\r\n", "x.csv")
    assert (excel.delimiter, excel.columns, excel.lines) == (
        "|",
        [("PC01",), ("Windows 11 Pro",)],
        [3],
    )
    tab = parse_table(b"sep=\t\nName\tOS\nPC01\tWindows 11 Pro\n", "x.csv")
    assert tab.delimiter == "\t"


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [
        ('"Name","OS","Version"', ","),
        ('"Name";"OS";"Version"', ";"),
        ("Name\tOS\tVersion", "\t"),
        ('"A,B";"C";"D"', ";"),  # commas inside quotes do not count
        ("Name", ","),
    ],
)
def test_delimiter_sniffed_from_the_header(line: str, delimiter: str) -> None:
    assert sniff_delimiter(line) == delimiter


def test_null_and_quoted_empty_are_kept_apart() -> None:
    table = parse_table(b'"A","B","C"\r\n"x",,""\r\n,"y",\r\n', "x.csv")
    assert table.columns == [("x", NULL), (NULL, "y"), ("", NULL)]


def test_a_quoted_value_with_empty_cells_inside_is_not_marked() -> None:
    table = parse_table(b'A,B\r\n"a,,b",\r\n",\r\nc",d\r\n', "x.csv")
    assert table.columns[0] == ("a,,b", ",\r\nc")
    assert table.lines == [2, 3]


def test_multi_line_values_keep_row_lines() -> None:
    table = parse_table(b'A,B\n1,"two\nlines"\n3,4\n\n5,6\n', "x.csv")
    assert table.columns == [("1", "3", "5"), ("two\nlines", "4", "6")]
    assert table.lines == [2, 4, 6]


def test_padded_rows_and_unnamed_empty_columns_are_dropped() -> None:
    table = parse_table(b"Name,OS,,,\r\nPC01,Win 10,,,\r\nPC02,Win 11\r\n,,,,\r\n", "x.csv")
    assert table.headers == ["Name", "OS"]
    assert table.dropped_columns == 3
    assert table.columns[0] == ("PC01", "PC02", NULL)


def test_an_unnamed_column_with_data_is_kept() -> None:
    table = parse_table(b"Name,,OS\r\nPC01,x,Win 10\r\n", "x.csv")
    assert table.headers == ["Name", "column 2", "OS"]


def test_duplicate_headers_are_told_apart() -> None:
    table = parse_table(b"name,type,Name,NAME\r\na,b,c,d\r\n", "x.csv")
    assert table.headers == ["name", "type", "Name (2)", "NAME (3)"]
    assert table.keys == ["name", "type", "name2", "name3"]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("OS version", "osversion"),
        ("operating_system", "operatingsystem"),
        ("Last check-in", "lastcheckin"),
        ("IPv4Address", "ipv4address"),
        ("  Warranty  End  ", "warrantyend"),
    ],
)
def test_headers_match_without_case_or_punctuation(header: str, key: str) -> None:
    assert header_key(header) == key


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", r"x\.csv:1: the file has no header row"),
        (b"#TYPE X\r\n\r\n", r"x\.csv:3: the file has no header row"),
        (b"A,B\r\n1,2,3\r\n", r"x\.csv:2: column 3: row has 3 cells but the header has 2"),
        (b'A,B\r\n1,"2\r\n3,4\r\n', r"x\.csv:2: unterminated quote opened at line 2"),
        (b'A,B\r\n1,2\r\n"3" x,4\r\n', r"x\.csv:3: malformed CSV"),
        (b"A,B\r\n1,\x002\r\n", r"x\.csv:2: contains NUL characters"),
    ],
)
def test_bad_files_name_file_and_line(raw: bytes, message: str) -> None:
    with pytest.raises(InventoryError, match=message):
        parse_table(raw, "x.csv")


def test_a_row_without_a_host_name_is_an_error_unless_it_is_all_blank(tmp_path: Path) -> None:
    from tma_audit.inventory.importers.api import import_files
    from tma_audit.lifecycle import load_shipped

    path = tmp_path / "ad.csv"
    path.write_text("Name,OperatingSystem,Description\r\nPC1,Win 10,\r\n,,\r\n", encoding="utf-8")
    assert len(import_files([path], load_shipped()).inventory.assets) == 1
    path.write_text(
        "Name,OperatingSystem,Description\r\nPC1,Win 10,\r\n,,spare\r\n", encoding="utf-8"
    )
    with pytest.raises(InventoryError, match=r"ad\.csv:3: Name: the host name is empty"):
        import_files([path], load_shipped())


def _mark_nulls_by_pairs(text: str, d: str) -> str:
    """The first implementation (string replacements), kept as the reference."""
    pair, marked = d + d, d + NULL + d
    if pair in text:
        text = text.replace(pair, marked)
        if pair in text:
            text = text.replace(pair, marked)
    end = "\r\n" if "\r\n" in text else "\n" if "\n" in text else "\r"
    if d + end in text:
        text = text.replace(d + end, d + NULL + end)
    if end + d in text:
        text = text.replace(end + d, end + NULL + d)
    if text.startswith(d):
        text = NULL + text
    if text.endswith(d):
        text += NULL
    return text


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("end", ["\r\n", "\n", "\r"])
def test_null_marks_match_the_reference(delimiter: str, end: str) -> None:
    import random

    from tma_audit.inventory.importers.csvfile import _mark_nulls

    rng = random.Random(f"{delimiter}{end}")
    cells = ["", "", '""', '"a"', "b", f'"x{delimiter}{delimiter}y"', '"q""r"', "7"]
    for _ in range(300):
        rows = [
            delimiter.join(rng.choice(cells) for _ in range(rng.randint(1, 6)))
            for _ in range(rng.randint(1, 5))
        ]
        text = end.join(rows) + rng.choice(["", end])
        assert _mark_nulls(text, delimiter) == _mark_nulls_by_pairs(text, delimiter), text


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (("PC01", "PC02"), ["PC01", "PC02"]),
        (("PC01", NULL, ""), ["PC01", None, None]),
        ((" PC01", "PC02\t", NULL), ["PC01", "PC02", None]),
        (("\u2003PC01", "PC02"), ["PC01", "PC02"]),  # any white space, as str.strip
        (("PC01\n", "  ", "x"), ["PC01", None, "x"]),
        ((), []),
    ],
)
def test_text_columns_strip_and_null(cells: tuple[str, ...], expected: list[str | None]) -> None:
    from tma_audit.inventory.importers.mapping import text_column

    assert text_column(cells, "Name", "a.csv", list(range(2, 2 + len(cells)))) == expected


#: every character str.strip() removes, ASCII or not (\x1c-\x1f are white space too)
_SPACES = [chr(i) for i in range(0x3000 + 1) if chr(i).isspace()]


@pytest.mark.parametrize("space", _SPACES, ids=[f"U+{ord(c):04X}" for c in _SPACES])
@pytest.mark.parametrize("where", ["start", "end", "alone", "inside"])
def test_text_column_strips_every_white_space_among_many_clean_names(
    space: str, where: str
) -> None:
    """A column of distinct clean names takes a quick look for white space: one value
    with white space at an end (of any kind) is still stripped, as str.strip does."""
    from tma_audit.inventory.importers.mapping import text_column

    cells = [f"pc{i:05d}.corp.example" for i in range(2000)]
    cells += [NULL, ""]
    odd = {
        "start": space + "PC-ODD",
        "end": "PC-ODD" + space,
        "alone": space,
        "inside": "PC" + space + "ODD",  # kept
    }[where]
    cells.insert(700, odd)
    expected = [None if c in (NULL, "") else c.strip() or None for c in cells]
    assert expected[700] == {"alone": None, "inside": odd}.get(where, "PC-ODD")
    lines = list(range(2, 2 + len(cells)))
    if space in "\x0b\x0c\x1c\x1d\x1e\x1f":  # white space, but control characters: refused
        with pytest.raises(InventoryError):
            text_column(tuple(cells), "Name", "a.csv", lines)
        return
    assert text_column(tuple(cells), "Name", "a.csv", lines) == expected


def test_text_column_refuses_control_characters() -> None:
    from tma_audit.inventory.importers.mapping import text_column

    with pytest.raises(InventoryError) as info:
        text_column(("PC01", "PC\x0702"), "Name", "a.csv", [2, 3])
    assert (info.value.line, info.value.field) == (3, "Name")
