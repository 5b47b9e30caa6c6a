"""Every real export in tests/fixtures/platforms ingests with zero rejects and exact counts."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from lake.contracts import all_datasets

from .conftest import Lake

PLATFORMS = Path(__file__).resolve().parents[1] / "fixtures" / "platforms"

# file -> {dataset: rows}; figures counted from the files (see tests/contracts for how)
EXPECTED: dict[str, dict[str, int]] = {
    "distrokid/dk_bank_details_20250529_043711_sample.tsv": {"bank_details": 1440},
    "distrokid/streams_stats_20250527_102936.html": {"streams_daily": 385},
    "distrokid/applemusic_stats_20250527_102936.html": {
        "apple_music_monthly": 9,
        "apple_music_weekly": 39,
        "apple_music_daily": 263,
        "apple_music_breakdowns": 73,
    },
    "toolost/toolost_spotify_20250526_141126.json": {
        "spotify_streams": 107,
        "spotify_discovery": 1,
    },
    "toolost/toolost_apple_20250526_141126.json": {
        "apple_streams": 104,
        "apple_shazam": 13,
        "apple_tracks": 9,
        "apple_countries": 45,
        "apple_summary": 1,
    },
    "spotify/Blue Frog-audience-timeline.csv": {"audience_timeline": 783},
    "spotify/Blue Frog-songs-all.csv": {"songs": 29},
    "tiktok/Overview_2024-05-28_1748345895_zone.a0.zip": {"overview": 365},
    "meta_ads/campaigns.json": {"campaigns": 13},
    "meta_ads/adsets.json": {"adsets": 31},
    "meta_ads/ads.json": {"ads": 54},
    "meta_ads/insights.json": {"insights": 31},
    "linktree/graphql_20250527_141827_117309.json": {"overview_daily": 7},
    "linktree/graphql_20250527_141844_257580.json": {"overview_daily": 365},
    "linktree/graphql_20250527_141843_975221.json": {"subscribers_daily": 1095},
    "linktree/graphql_20250527_141844_047977.json": {
        "links": 11,
        "socials": 2,
        "socials_daily": 730,
    },
    "linktree/graphql_20250527_141844_433901.json": {
        "lifetime": 1,
        "cities": 1155,
        "countries": 100,
        "referrers": 8,
        "devices": 4,
    },
    "linktree/graphql_20250527_141844_552983.json": {"link_titles": 11},
}


def test_every_fixture_file_is_listed() -> None:
    on_disk = {
        p.relative_to(PLATFORMS).as_posix()
        for p in PLATFORMS.rglob("*")
        if p.is_file() and p.name != "README.md"
    }
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_fixture_ingests_with_zero_rejects(lake: Lake, relative: str) -> None:
    path = PLATFORMS / relative
    source = relative.split("/")[0]
    lake.land(path.name, path.read_bytes(), source=source)
    (outcome,) = lake.ingest(all_datasets()).files
    assert outcome.status == "ingested", outcome.reason
    assert outcome.rows_rejected == 0
    got = {o.dataset: o.rows_raw for o in outcome.outputs}
    assert got == EXPECTED[relative]
    assert all(o.rescued_columns == [] for o in outcome.outputs)
    for dataset, rows in got.items():
        assert len(lake.raw(dataset, source)) == rows


def test_distrokid_earnings_total_to_the_cent(lake: Lake) -> None:
    path = PLATFORMS / "distrokid/dk_bank_details_20250529_043711_sample.tsv"
    lake.land(path.name, path.read_bytes(), source="distrokid")
    lake.ingest(all_datasets())
    # independent sum straight from the bytes: CR-only lines, tab separated, last column
    lines = path.read_bytes().decode().split("\r")
    expected = sum(Decimal(line.split("\t")[-1]) for line in lines[1:] if line)
    assert expected == Decimal("120.17732204")
    total = sum(Decimal(r["Earnings (USD)"]) for r in lake.raw("bank_details", "distrokid"))
    assert total == expected


def test_tiktok_video_views_equal_the_export(lake: Lake) -> None:
    path = PLATFORMS / "tiktok/Overview_2024-05-28_1748345895_zone.a0.zip"
    lake.land(path.name, path.read_bytes(), source="tiktok")
    lake.ingest(all_datasets())
    with zipfile.ZipFile(path) as archive:
        member = archive.read("Overview.csv").decode("utf-8-sig")
    # independent sum: every value is quoted; Video Views is the second column
    expected = sum(int(line.split('","')[1]) for line in member.splitlines()[1:] if line)
    assert expected == 4_683_142
    rows = lake.raw("overview", "tiktok")
    assert sum(int(r["Video Views"]) for r in rows) == expected
