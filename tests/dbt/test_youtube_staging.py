"""`dbt build` of the YouTube staging models on the documented layouts (no real export was
available: the contract samples plus reports written here), landed and ingested through
`lake land` + `lake ingest`: the Studio `Total` row is dropped, each single-dimension report
feeds its own model, and an overlapping newer daily report wins per day."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.dbt.staging_support import CONTRACT_SAMPLES, StagingBuild, build_sources, ingest, land

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

SAMPLES = CONTRACT_SAMPLES / "youtube"


def _report(dimension: str, metrics: list[str], rows: list[list]) -> str:
    headers = [{"name": dimension, "columnType": "DIMENSION", "dataType": "STRING"}] + [
        {"name": m, "columnType": "METRIC", "dataType": "INTEGER"} for m in metrics
    ]
    return json.dumps(
        {"kind": "youtubeAnalytics#resultTable", "columnHeaders": headers, "rows": rows}
    )


NEWER_REPORTS = {
    # overlaps the sample's 2024-06-14..16: corrects 06-15 (988 -> 1000), adds 06-17
    "analytics_report_daily_2.json": _report(
        "day",
        ["views", "estimatedMinutesWatched"],
        [["2024-06-15", 1000, 3600], ["2024-06-16", 1410, 5120], ["2024-06-17", 700, 2000]],
    ),
    "analytics_report_monthly.json": _report(
        "month", ["views", "estimatedRevenue"], [["2024-06", 15234, 12.345678]]
    ),
    "analytics_report_videos.json": _report(
        "video", ["views", "likes"], [["dQw4w9WgXcQ", 9120, 300], ["a1B2c3D4e5F", 4100, 120]]
    ),
    "analytics_report_countries.json": _report(
        "country", ["views"], [["US", 8000], ["DE", 1200], ["FR", 900]]
    ),
}


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("youtube")
    lake_root = work / "lake"
    land(lake_root, sorted(SAMPLES.iterdir()), source="youtube", account="blue-frog-channel")
    written = work / "reports"
    written.mkdir()
    for name, text in NEWER_REPORTS.items():
        (written / name).write_text(text)
    land(lake_root, sorted(written.iterdir()), source="youtube", account="blue-frog-channel")
    ingest(lake_root)
    return build_sources(lake_root, work, "youtube")


def test_build_passes_every_test(build: StagingBuild) -> None:
    assert build.problems() == []


def test_studio_total_row_is_dropped(build: StagingBuild) -> None:
    [(raw_rows,)] = build.query(
        "select count(*) from read_parquet("
        f"'{build.lake_root}/raw/_source=youtube/_dataset=table_data/*/*.parquet')"
    )
    assert raw_rows == 4
    rows, views, videos, ctr, hours = build.one(
        "select count(*), sum(views), list(video_id order by video_id), "
        "max(impressions_ctr), sum(watch_time_hours) "
        "from staging.stg_youtube__studio_video_totals"
    )
    assert rows == 3
    assert views == 15234  # the Total row's views, now counted once
    assert videos == ["Zz9_-Yy8Xx7", "a1B2c3D4e5F", "dQw4w9WgXcQ"]
    assert ctr == pytest.approx(0.0501)
    assert hours == Decimal("812.4471")  # the Total row's watch time
    assert build.one(
        "select published_date::varchar from staging.stg_youtube__studio_video_totals "
        "where video_id = 'dQw4w9WgXcQ'"
    ) == ("2024-06-14",)


def test_daily_newest_report_wins_per_day(build: StagingBuild) -> None:
    rows = build.query(
        "select report_date::varchar, views, estimated_minutes_watched, account "
        "from staging.stg_youtube__channel_daily order by report_date"
    )
    assert rows == [
        ("2024-06-14", 1203, 4410, "blue-frog-channel"),  # only the older report has it
        ("2024-06-15", 1000, 3600, "blue-frog-channel"),  # corrected by the newer report
        ("2024-06-16", 1410, 5120, "blue-frog-channel"),
        ("2024-06-17", 700, 2000, "blue-frog-channel"),
    ]


def test_each_dimension_feeds_its_model(build: StagingBuild) -> None:
    assert build.one(
        "select report_month::varchar, views, estimated_revenue_usd "
        "from staging.stg_youtube__channel_monthly"
    ) == ("2024-06-01", 15234, Decimal("12.345678"))
    assert build.one(
        "select count(*), sum(views), sum(likes) from staging.stg_youtube__video_totals"
    ) == (2, 13220, 420)
    assert build.one(
        "select count(*), sum(views), list(country_code order by country_code) "
        "from staging.stg_youtube__country_totals"
    ) == (3, 10100, ["DE", "FR", "US"])
