"""The Windows cumulative-update history."""

from __future__ import annotations

import datetime as dt

import pytest

from tma_audit.lifecycle import Lifecycle, UpdateInfo, load_shipped

DATA_DATE = dt.date(2026, 8, 12)


@pytest.fixture(scope="module")
def lc() -> Lifecycle:
    return load_shipped()


def test_dates(lc: Lifecycle) -> None:
    assert lc.date == dt.date(2026, 11, 26)
    assert lc.updates_date == DATA_DATE


@pytest.mark.parametrize(
    ("build", "server", "expected"),
    [
        (20348, True, UpdateInfo(20348, 5499, "KB5120242", dt.date(2026, 8, 11))),
        (14393, True, UpdateInfo(14393, 9418, "KB5120418", dt.date(2026, 8, 11))),
        (17763, True, UpdateInfo(17763, 9121, "KB5120238", dt.date(2026, 8, 11))),
        (26100, True, UpdateInfo(26100, 33296, "KB5120233", dt.date(2026, 8, 11))),
        (26100, False, UpdateInfo(26100, 9168, "KB5121003", dt.date(2026, 8, 11))),
        (26200, False, UpdateInfo(26200, 9168, "KB5121003", dt.date(2026, 8, 11))),
        (28000, False, UpdateInfo(28000, 2704, "KB5121000", dt.date(2026, 8, 11))),
        (22631, False, UpdateInfo(22631, 7517, "KB5120240", dt.date(2026, 8, 11))),
        (19045, False, UpdateInfo(19045, 7663, "KB5120249", dt.date(2026, 8, 11))),
        (19044, False, UpdateInfo(19044, 7663, "KB5120249", dt.date(2026, 8, 11))),
        (22621, False, UpdateInfo(22621, 6060, "KB5066793", dt.date(2025, 10, 14))),
        (25398, True, UpdateInfo(25398, 2330, "KB5087541", dt.date(2026, 5, 12))),
    ],
)
def test_latest_update_on_the_data_date(
    lc: Lifecycle, build: int, server: bool, expected: UpdateInfo
) -> None:
    assert lc.latest_update(build, server, DATA_DATE) == expected
    assert lc.latest_known_update(build, server) == expected


def test_client_and_server_26100_differ(lc: Lifecycle) -> None:
    on = dt.date(2026, 2, 1)
    client = lc.latest_update(26100, False, on)
    server = lc.latest_update(26100, True, on)
    assert client is not None and server is not None
    assert (client.revision, client.kb) == (7628, "KB5078127")  # out-of-band, 2026-01-24
    assert (server.revision, server.kb) == (32236, "KB5078135")


def test_the_day_boundary_is_inclusive(lc: Lifecycle) -> None:
    before = lc.latest_update(19045, False, dt.date(2025, 10, 13))
    on = lc.latest_update(19045, False, dt.date(2025, 10, 14))
    assert before is not None and on is not None
    assert on == UpdateInfo(19045, 6456, "KB5066791", dt.date(2025, 10, 14))
    assert before.revision < 6456


def test_previews_and_hotpatches_are_not_latest(lc: Lifecycle) -> None:
    # 2026-07-28 preview 26100.8973 and 2026-07-18 hotpatch 26100.8893 are skipped.
    got = lc.latest_update(26100, False, dt.date(2026, 8, 10))
    assert got is not None
    assert (got.revision, got.kb) == (8894, "KB5121767")  # out-of-band 2026-07-18


def test_no_history(lc: Lifecycle) -> None:
    assert lc.latest_update(9600, True, DATA_DATE) is None  # 2012 R2: not in the history
    assert lc.latest_update(20348, False, DATA_DATE) is None  # 20348 is server only
    assert lc.latest_update(19045, False, dt.date(2020, 1, 1)) is None  # before the first
    assert lc.latest_known_update(12345, False) is None
