"""`dbt build` of the DistroKid stats-page staging models on the real saved pages, landed and
ingested through `lake land` + `lake ingest`: daily streams counted once (not again through
the weekly and monthly charts), Apple's `MM-YY` months and `WW/YY` weeks dated, every series
summing to the page's total."""

from __future__ import annotations

import pytest

from tests.dbt.staging_support import FIXTURES, StagingBuild, build_sources, ingest, land

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

PAGES = [
    FIXTURES / "distrokid" / "streams_stats_20250527_102936.html",
    FIXTURES / "distrokid" / "applemusic_stats_20250527_102936.html",
]
TABLES = (
    "streams_daily",
    "apple_music_monthly",
    "apple_music_weekly",
    "apple_music_daily",
    "apple_music_breakdowns",
)
APPLE_TOTAL = 20151  # the page's year of Apple Music streams, in every time series


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("distrokid_html")
    lake_root = work / "lake"
    land(lake_root, PAGES, source="distrokid", account="pig1987")
    ingest(lake_root)
    return build_sources(lake_root, work, *(f"distrokid.{t}" for t in TABLES))


def test_build_passes_every_test(build: StagingBuild) -> None:
    assert build.problems() == []
    assert "stg_distrokid__bank_details" not in build.node_names()


def test_daily_streams_are_counted_once(build: StagingBuild) -> None:
    rows, total, first, last, account = build.one(
        "select count(*), sum(streams), min(stream_date)::varchar, max(stream_date)::varchar, "
        "any_value(account) from staging.stg_distrokid__streams_daily"
    )
    # the 365-day chart's 276 days; the 60-day, weekly and monthly charts repeat them
    assert (rows, total, first, last) == (276, 677589, "2024-08-23", "2025-05-25")
    assert account == "pig1987"
    [(raw_total,)] = build.query(
        "select sum(value::bigint) from read_parquet("
        f"'{build.lake_root}/raw/_source=distrokid/_dataset=streams_daily/*/*.parquet')"
    )
    assert raw_total > 3 * total  # raw holds every chart; staging counts each day once


def test_apple_months_parse_mm_yy(build: StagingBuild) -> None:
    rows = build.query(
        "select month_label, month_start::varchar, is_window_start "
        "from staging.stg_distrokid__apple_music_monthly order by month_start"
    )
    assert len(rows) == 9
    assert rows[0] == ("09-24", "2024-09-01", True)
    assert ("12-24", "2024-12-01", False) in rows
    assert rows[-1] == ("05-25", "2025-05-01", False)
    assert build.one("select sum(streams) from staging.stg_distrokid__apple_music_monthly") == (
        APPLE_TOTAL,
    )


def test_apple_weeks_are_iso_weeks(build: StagingBuild) -> None:
    rows, total = build.one(
        "select count(*), sum(streams) from staging.stg_distrokid__apple_music_weekly"
    )
    assert (rows, total) == (39, APPLE_TOTAL)
    # each week equals the page's daily series summed Monday to Sunday
    mismatches = build.query(
        "select w.week_label from staging.stg_distrokid__apple_music_weekly as w "
        "left join staging.stg_distrokid__apple_music_daily as d "
        "on d.stream_date between w.week_start and w.week_start + 6 "
        "group by w.week_label, w.streams having w.streams != coalesce(sum(d.streams), 0)"
    )
    assert mismatches == []
    assert build.one(
        "select week_start::varchar from staging.stg_distrokid__apple_music_weekly "
        "where week_label = '53/24'"
    ) == ("2024-12-30",)


def test_apple_daily_and_breakdowns(build: StagingBuild) -> None:
    assert build.one(
        "select count(*), sum(streams) from staging.stg_distrokid__apple_music_daily"
    ) == (263, APPLE_TOTAL)
    by_breakdown = dict(
        build.query(
            "select breakdown, sum(streams) from staging.stg_distrokid__apple_music_breakdowns "
            "group by breakdown"
        )
    )
    assert by_breakdown["albums1year"] == APPLE_TOTAL
    assert by_breakdown["tracks1year"] == 20126
    assert len(by_breakdown) == 10
    assert build.one(
        "select item_id from staging.stg_distrokid__apple_music_breakdowns "
        "where breakdown = 'tracks1year' and item = 'HOLD ON I'"
    ) == ("59125706",)
