"""Support status: the lifecycle facts the rules depend on (docs/domain.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from tma_audit.lifecycle import (
    Lifecycle,
    ProductRelease,
    SupportStatus,
    load_shipped,
)

AUDIT = dt.date(2026, 11, 26)
S, E, ESU, U = (
    SupportStatus.SUPPORTED,
    SupportStatus.ENDED,
    SupportStatus.ESU_ONLY,
    SupportStatus.UNKNOWN,
)


@pytest.fixture(scope="module")
def lc() -> Lifecycle:
    return load_shipped()


def release(lc: Lifecycle, product: str, cycle: str) -> ProductRelease:
    found = lc.release(product, cycle)
    assert found is not None, (product, cycle)
    return found


def server(lc: Lifecycle, name: str) -> ProductRelease:
    got = lc.recognise_os(name, None, None, None, True).release
    assert got is not None, name
    return got


@pytest.mark.parametrize(
    ("name", "as_of", "esu", "status", "until"),
    [
        ("Windows Server 2012 R2 Standard", AUDIT, False, E, None),
        ("Windows Server 2012 R2 Standard", AUDIT, True, E, None),
        ("Windows Server 2012 Standard", AUDIT, True, E, None),
        (
            "Windows Server 2012 R2 Standard",
            dt.date(2026, 10, 13),
            True,
            ESU,
            dt.date(2026, 10, 13),
        ),
        ("Windows Server 2012 R2 Standard", dt.date(2026, 10, 14), True, E, None),
        ("Windows Server 2012 R2 Standard", dt.date(2023, 10, 10), False, S, dt.date(2023, 10, 10)),
        ("Windows Server 2016 Standard", AUDIT, False, S, dt.date(2027, 1, 12)),
        ("Windows Server 2016 Standard", dt.date(2027, 1, 12), False, S, dt.date(2027, 1, 12)),
        ("Windows Server 2016 Standard", dt.date(2027, 1, 13), False, E, None),
        ("Windows Server 2016 Standard", dt.date(2027, 1, 13), True, ESU, dt.date(2030, 1, 12)),
        ("Windows Server 2019 Standard", AUDIT, False, S, dt.date(2029, 1, 9)),
        ("Windows Server 2022 Standard", AUDIT, False, S, dt.date(2031, 10, 14)),
        ("Windows Server 2025 Standard", AUDIT, False, S, dt.date(2034, 11, 14)),
        ("Windows Server 2008 R2 Standard", AUDIT, True, E, None),
    ],
)
def test_windows_server(
    lc: Lifecycle,
    name: str,
    as_of: dt.date,
    esu: bool,
    status: SupportStatus,
    until: dt.date | None,
) -> None:
    verdict = lc.support_status(server(lc, name), as_of, esu)
    assert (verdict.status, verdict.until) == (status, until), verdict.reason


def test_reasons_name_the_release_and_the_date(lc: Lifecycle) -> None:
    r2 = lc.support_status(server(lc, "Windows Server 2012 R2"), AUDIT, True)
    assert r2.reason == "Windows Server 2012 R2: extended security updates ended 2026-10-13"
    ws2016 = lc.support_status(server(lc, "Windows Server 2016"), AUDIT, False)
    assert ws2016.reason == "Windows Server 2016: supported until 2027-01-12"
    w10 = lc.support_status(release(lc, "windows", "10-22h2"), AUDIT, False)
    assert w10.reason.startswith(
        "Windows 10 22H2: support ended 2025-10-14; no evidence of ESU enrolment"
    )
    w10_esu = lc.support_status(release(lc, "windows", "10-22h2"), AUDIT, True)
    assert w10_esu.reason == (
        "Windows 10 22H2: support ended 2025-10-14; extended security updates until 2028-10-10"
    )


def test_windows_10_22h2_counts_esu_only_with_evidence(lc: Lifecycle) -> None:
    w10 = release(lc, "windows", "10-22h2")
    assert w10.support_end == dt.date(2025, 10, 14)
    assert w10.esu_end == dt.date(2028, 10, 10)
    assert w10.last_free_revision == 6456
    assert lc.support_status(w10, dt.date(2025, 10, 14), False).status is S
    assert lc.support_status(w10, AUDIT, False).status is E
    with_esu = lc.support_status(w10, AUDIT, True)
    assert (with_esu.status, with_esu.until) == (ESU, dt.date(2028, 10, 10))
    assert lc.support_status(w10, dt.date(2028, 10, 10), True).status is ESU
    assert lc.support_status(w10, dt.date(2028, 10, 11), True).status is E


@pytest.mark.parametrize(
    ("name", "version", "edition", "status", "until"),
    [
        ("Windows 7 Enterprise", "6.1 (7601)", None, E, None),
        ("Windows 8.1 Pro", "6.3 (9600)", None, E, None),
        ("Windows XP Professional", None, None, E, None),
        ("Windows 11 Pro", "10.0 (22631)", None, E, None),  # 23H2 W ended 2025-11-11
        ("Windows 11 Enterprise", "10.0 (22631)", None, E, None),  # 23H2 E ended 2026-11-10
        ("Windows 11 Pro", "10.0 (26100)", None, E, None),  # 24H2 W ended 2026-10-13
        ("Windows 11 Enterprise", "10.0 (26100)", None, S, dt.date(2027, 10, 12)),
        ("Windows 11 Pro", "10.0 (26200)", None, S, dt.date(2027, 10, 12)),
        ("Windows 11 Enterprise", "10.0 (26200)", None, S, dt.date(2028, 10, 10)),
        ("Windows 11 Enterprise LTSC 2024", None, None, S, dt.date(2029, 10, 9)),
        ("Windows 11 IoT Enterprise LTSC 2024", None, None, S, dt.date(2034, 10, 10)),
        ("Windows 10 Enterprise LTSC 2019", "10.0 (17763)", None, S, dt.date(2029, 1, 9)),
        ("Windows 10 Enterprise LTSC 2021", "10.0 (19044)", None, S, dt.date(2027, 1, 12)),
        ("Windows 10 IoT Enterprise LTSC", "10.0 (19044)", None, S, dt.date(2032, 1, 13)),
        ("Windows 10 Enterprise 2016 LTSB", None, None, E, None),  # ended 2026-10-13
        ("Windows 10 Enterprise", "10.0 (19044)", None, E, None),  # 21H2 E, not LTSC
    ],
)
def test_windows_client(
    lc: Lifecycle,
    name: str,
    version: str | None,
    edition: str | None,
    status: SupportStatus,
    until: dt.date | None,
) -> None:
    rec = lc.recognise_os(name, version, None, edition, False)
    assert rec.release is not None, rec.note
    verdict = lc.support_status(rec.release, AUDIT, False)
    assert (verdict.status, verdict.until) == (status, until), verdict.reason


def test_windows_11_23h2_enterprise_lasts_a_year_longer(lc: Lifecycle) -> None:
    w = release(lc, "windows", "11-23h2-w")
    e = release(lc, "windows", "11-23h2-e")
    assert w.support_end == dt.date(2025, 11, 11)
    assert e.support_end == dt.date(2026, 11, 10)
    on = dt.date(2026, 1, 1)
    assert lc.support_status(w, on, False).status is E
    assert lc.support_status(e, on, False).status is S


def test_windows_11_24h2_home_pro_ended_on_2026_10_13(lc: Lifecycle) -> None:
    w = release(lc, "windows", "11-24h2-w")
    e = release(lc, "windows", "11-24h2-e")
    assert lc.support_status(w, dt.date(2026, 10, 13), False).status is S
    assert lc.support_status(w, dt.date(2026, 10, 14), False).status is E
    assert lc.support_status(e, AUDIT, False).status is S


def test_flags_without_dates(lc: Lifecycle) -> None:
    # eol: false (macOS 14): supported, no end date announced.
    sonoma = release(lc, "macos", "14")
    assert sonoma.support_end is None
    verdict = lc.support_status(sonoma, AUDIT, False)
    assert (verdict.status, verdict.until) == (S, None)
    # eol: true without a date (Veeam B&R 9.0): ended at an unknown date.
    veeam9 = release(lc, "veeam-backup-and-replication", "9.0")
    assert lc.support_status(veeam9, AUDIT, False).status is E


def test_neither_date_nor_flag_is_unknown(lc: Lifecycle) -> None:
    bare = ProductRelease(
        product="made-up",
        product_label="Made Up",
        cycle="1",
        label="Made Up 1",
        release_date=None,
        support_end=None,
        active_support_end=None,
        esu_end=None,
        last_free_revision=None,
        link=None,
    )
    verdict = lc.support_status(bare, AUDIT, True)
    assert verdict.status is U
    assert verdict.reason == "Made Up 1: end of support not known"


def test_ended_releases_in_other_products(lc: Lifecycle) -> None:
    fortios72 = lc.find_release("FortiOS", "7.2.8")
    assert fortios72 is not None
    assert (
        lc.support_status(fortios72, AUDIT, False).reason == "FortiOS 7.2: support ended 2026-09-30"
    )
    exchange = lc.find_release("Exchange Server 2016", "CU23")
    assert exchange is not None
    # Exchange 2016's ESU period ended 2026-11-01.
    assert lc.support_status(exchange, AUDIT, True).status is E
