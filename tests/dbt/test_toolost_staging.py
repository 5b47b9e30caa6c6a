"""`dbt build` of the TooLost staging models on the real Spotify and Apple responses, landed
and ingested through `lake land` + `lake ingest`: string and integer counts typed to BIGINT,
sums equal the files', and an overlapping newer response wins per day without losing the
older days."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.dbt.staging_support import FIXTURES, StagingBuild, build_sources, ingest, land

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

SPOTIFY = FIXTURES / "toolost" / "toolost_spotify_20250526_141126.json"
APPLE = FIXTURES / "toolost" / "toolost_apple_20250526_141126.json"
# no real statement exists: the sandbox-layout sample the contract tests use
SALES = Path(__file__).parents[1] / "contracts" / "data" / "toolost" / "toolost_sales_2025-04.csv"


def _sum(path: Path, key: str, field: str = "streams") -> int:
    return sum(int(r[field]) for r in json.loads(path.read_text())[key])


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("toolost")
    lake_root = work / "lake"
    land(lake_root, [SPOTIFY, APPLE, SALES], source="toolost", account="blue-frog")
    ingest(lake_root)
    return build_sources(lake_root, work, "toolost")


def test_build_passes_every_test(build: StagingBuild) -> None:
    assert build.problems() == []
    assert "stg_toolost__spotify_streams__newest_export_wins_per_day" in build.node_names()


def test_daily_counts_are_typed_and_sum_to_the_files(build: StagingBuild) -> None:
    for model, key, path, day, count in (
        ("spotify_streams", "streams", SPOTIFY, "stream_date", "streams"),
        ("apple_streams", "totalStreams", APPLE, "stream_date", "streams"),
        ("apple_shazam", "totalShazam", APPLE, "shazam_date", "shazams"),
    ):
        staged = build.one(
            f"select count(*), sum({count}), count(distinct {day}), typeof(any_value({count})) "
            f"from staging.stg_toolost__{model}"
        )
        records = json.loads(path.read_text())[key]
        assert staged == (len(records), _sum(path, key), len(records), "BIGINT"), model


def test_spotify_figures(build: StagingBuild) -> None:
    assert build.one("select count(*), sum(streams) from staging.stg_toolost__spotify_streams") == (
        107,
        _sum(SPOTIFY, "streams"),
    )
    assert build.one(
        "select discovery_month::varchar, streams, fees_usd "
        "from staging.stg_toolost__spotify_discovery"
    ) == ("2025-04-01", 3592, Decimal("2.93076245"))


def test_apple_window_totals_reconcile(build: StagingBuild) -> None:
    [(total,)] = build.query("select streams_total from staging.stg_toolost__apple_summary")
    assert total == 2655
    assert build.one("select sum(streams) from staging.stg_toolost__apple_tracks") == (
        _sum(APPLE, "tracksTotal"),
    )
    assert build.one("select sum(streams) from staging.stg_toolost__apple_countries") == (
        _sum(APPLE, "countryTotal"),
    )
    assert build.one("select sum(streams) from staging.stg_toolost__apple_streams") == (total,)
    isrcs = {i for (i,) in build.query("select isrc from staging.stg_toolost__apple_tracks")}
    assert "QT2VB2509864" in isrcs and len(isrcs) == 9


def test_overlapping_newer_response_wins_per_day(tmp_path: Path) -> None:
    """A newer response covers the last 30 days of the first plus 5 new ones and corrects
    one day: that day takes the new figure, the first response's older days stay."""
    lake_root = tmp_path / "lake"
    land(lake_root, [SPOTIFY], source="toolost", account="blue-frog")
    doc = json.loads(SPOTIFY.read_text())
    days = sorted(doc["streams"], key=lambda r: r["date"])
    last = days[-30:]
    corrected = {**last[0], "streams": str(int(last[0]["streams"]) + 1000)}
    new_days = [{"date": f"2025-06-0{d}", "streams": "10"} for d in range(1, 6)]
    newer = {**doc, "streams": [corrected, *last[1:], *new_days]}
    second = tmp_path / "run2" / "toolost_spotify_20250606_090000.json"
    second.parent.mkdir()
    second.write_text(json.dumps(newer))
    land(lake_root, [second], source="toolost", account="blue-frog")
    ingest(lake_root)
    build = build_sources(lake_root, tmp_path, "toolost.spotify_streams")
    assert build.problems() == []
    rows, total = build.one(
        "select count(*), sum(streams) from staging.stg_toolost__spotify_streams"
    )
    assert rows == 107 + 5
    assert total == _sum(SPOTIFY, "streams") + 1000 + 50
    [(streams, source_file)] = build.query(
        "select streams, _source_file from staging.stg_toolost__spotify_streams "
        f"where stream_date = '{corrected['date']}'"
    )
    assert streams == int(corrected["streams"])
    assert source_file.endswith("toolost_spotify_20250606_090000.json")
