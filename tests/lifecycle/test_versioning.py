"""Vendor versions ordered with packaging.version (tma_audit.lifecycle.versioning)."""

from __future__ import annotations

import pytest
from packaging.version import Version

from tma_audit.lifecycle.catalogue import numeric_tuple
from tma_audit.lifecycle.versioning import NO_VERSION, dotted_version, release_of


def test_dotted_numbers_order_as_numbers_not_text() -> None:
    assert dotted_version("7.2.10") > dotted_version("7.2.9")  # type: ignore[operator]
    assert dotted_version("15.0.4160.1") > dotted_version("15.0.4160")  # type: ignore[operator]
    assert dotted_version("7.2") == dotted_version("7.2.0")
    assert "7.2.10" < "7.2.9"  # what a text comparison would have said


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7.4.0build2571", "7.4.0"),
        ("v7.4.1-build2463", "7.4.1"),
        ("FortiOS 7.2.8", "7.2.8"),
        ("SQL Server 2019 15.0.4430.1", "2019"),  # the first dotted number
        ("16.0.17928.20114", "16.0.17928.20114"),
        ("1" * 16 + ".2", None),  # an absurd part: no version (int() limits)
        ("7." + "1" * 16, "7"),
        ("Acme Backup", None),
        ("", None),
        (None, None),
    ],
)
def test_vendor_noise_around_the_version(text: str | None, expected: str | None) -> None:
    found = dotted_version(text)
    assert (str(found) if found is not None else None) == expected


def test_cached_per_distinct_text() -> None:
    dotted_version.cache_clear()
    for _ in range(1000):
        dotted_version("7.2.10")
    info = dotted_version.cache_info()
    assert (info.misses, info.hits) == (1, 999)


def test_release_numbers_for_lookups() -> None:
    assert numeric_tuple("15.0.4480") == (15, 0, 4480)
    assert numeric_tuple("7." + "9" * 16) == (7,)
    assert release_of(None) == ()
    assert Version("0.0.1") > NO_VERSION
