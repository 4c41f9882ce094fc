"""Windows build, NT-version and generation tables the snapshot's update history lacks."""

from __future__ import annotations

#: LTSC/LTSB year -> build.
LTS_BUILDS = {2015: 10240, 2016: 14393, 2019: 17763, 2021: 19044, 2024: 26100}
#: Builds not covered by the update history.
CLIENT_OLD_BUILDS = {
    2195: "2000",
    2600: "XP",
    3790: "XP",
    6000: "Vista",
    6001: "Vista",
    6002: "Vista",
    6003: "Vista",
    7600: "7",
    7601: "7",
    9200: "8",
    9600: "8.1",
}
SERVER_OLD_BUILDS = {
    2195: "2000",
    3790: "2003",
    6001: "2008",
    6002: "2008",
    6003: "2008",
    7600: "2008 R2",
    7601: "2008 R2",
    9200: "2012",
    9600: "2012 R2",
}
CLIENT_NT = {
    (5, 0): "2000",
    (5, 1): "XP",
    (5, 2): "XP",
    (6, 0): "Vista",
    (6, 1): "7",
    (6, 2): "8",
    (6, 3): "8.1",
}
SERVER_NT = {
    (5, 0): "2000",
    (5, 2): "2003",
    (6, 0): "2008",
    (6, 1): "2008 R2",
    (6, 2): "2012",
    (6, 3): "2012 R2",
}
#: Azure Stack HCI (Azure Local) versions by build.
HCI_BUILDS = {17784: "20H2", 20348: "21H2", 20349: "22H2", 25398: "23H2", 26100: "24H2"}
#: Server generation -> windows-server cycle.
SERVER_CYCLES = {
    "2000": "2000",
    "2003": "2003-sp2",
    "2008": "2008-sp2",
    "2008 R2": "2008-r2-sp1",
    "2012": "2012",
    "2012 R2": "2012-r2",
    "2016": "2016",
    "2019": "2019",
    "2022": "2022",
    "2025": "2025",
    "1709": "1709-sac",
    "1803": "1803-sac",
    "1809": "1809-sac",
    "1903": "1903-sac",
    "1909": "1909-sac",
    "2004": "2004-sac",
    "20H2": "20h2-sac",
    "23H2": "23h2-ac",
}
#: Client generation -> windows cycle, for the fixed-lifecycle releases.
CLIENT_CYCLES = {"XP": "5-sp3", "Vista": "6-sp2", "7": "7-sp1", "8": "8", "8.1": "8.1"}
#: The service pack each of those cycles is, by build (a build not listed: a note).
SP_BUILDS = {
    "2008": {6002, 6003},
    "2008 R2": {7601},
    "7": {7601},
    "Vista": {6002, 6003},
    "XP": {2600},
    "2003": {3790},
}
#: The first Windows 11 build (client builds below it, from 10240, are Windows 10).
FIRST_WINDOWS_11 = 22000
FIRST_WINDOWS_10 = 10240


def client_generation(build: int) -> str:
    """ "10" or "11" for a build of one of them."""
    return "11" if build >= FIRST_WINDOWS_11 else "10"
