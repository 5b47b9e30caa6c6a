"""`dbt build` of the TikTok staging models on the real Overview export, landed and ingested
through the real `lake land` + `lake ingest`: the yearless dates resolve to 2024-05-28 ..
2025-05-27, the figures equal the file's, and a newer overlapping export with corrected
numbers replaces the overlapping days without duplicating them or losing the older ones."""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lake.cli import app
from tests.dbt.harness import PROJECT_DIR, run_dbt
from tests.dbt.staging_support import StagingBuild

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

OVERVIEW_ZIP = (
    PROJECT_DIR / "tests/fixtures/platforms/tiktok/Overview_2024-05-28_1748345895_zone.a0.zip"
)
VIDEO_JSON = PROJECT_DIR / "tests/contracts/data/tiktok/video_7372781234567890123.json"
OVERVIEW = "staging.stg_tiktok__overview"
VIDEOS = "staging.stg_tiktok__video_stats"
SELECT = ["--select", "staging.tiktok", "source:tiktok", "--indirect-selection", "cautious"]


def land(lake_root: Path, path: Path, *, account: str | None = None) -> None:
    args = ["land", str(path), "--source", "tiktok", "--root", str(lake_root)]
    outcome = CliRunner().invoke(app, [*args, *(["--account", account] if account else [])])
    assert outcome.exit_code == 0, outcome.output


def ingest_and_build(lake_root: Path, work_dir: Path) -> StagingBuild:
    outcome = CliRunner().invoke(app, ["ingest", "--root", str(lake_root)])
    assert outcome.exit_code == 0, outcome.output
    return StagingBuild(
        run_dbt(["build", *SELECT], lake_root=lake_root, work_dir=work_dir), lake_root
    )


def overview_rows(zip_path: Path) -> list[dict[str, str]]:
    """The export's rows, read here independently of ingest and dbt."""
    with zipfile.ZipFile(zip_path) as archive:
        text = archive.read("Overview.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("tiktok")
    lake_root = work / "lake"
    land(lake_root, OVERVIEW_ZIP)  # as the real fixture was: no account but the file name's
    land(lake_root, VIDEO_JSON, account="zone.a0")
    return ingest_and_build(lake_root, work)


def test_build_passes_every_test_without_warnings(build: StagingBuild) -> None:
    assert build.result.exception is None, build.result.exception
    assert build.problems() == []
    assert build.result.success


def test_overview_matches_the_real_export(build: StagingBuild) -> None:
    [(rows, days, views, first, last, accounts)] = build.query(
        f"select count(*), count(distinct report_date), sum(video_views), min(report_date), "
        f"max(report_date), list(distinct account) from {OVERVIEW}"
    )
    assert (rows, days, views) == (365, 365, 4_683_142)
    assert (first, last) == (date(2024, 5, 28), date(2025, 5, 27))
    assert accounts == ["zone.a0"]
    source = overview_rows(OVERVIEW_ZIP)
    for column, metric in [
        ("profile_views", "Profile Views"),
        ("likes", "Likes"),
        ("comments", "Comments"),
        ("shares", "Shares"),
    ]:
        [(total,)] = build.query(f"select sum({column}) from {OVERVIEW}")
        assert total == sum(int(row[metric]) for row in source), column


def test_yearless_dates_cross_the_new_year_in_order(build: StagingBuild) -> None:
    """Row n of the file is day n of the window: the resolved dates are consecutive."""
    dates = [d for (d,) in build.query(f"select report_date from {OVERVIEW} order by _row_number")]
    assert [(b - a).days for a, b in itertools.pairwise(dates)] == [1] * 364
    [(dec31, jan1)] = build.query(
        f"select max(video_views) filter (where report_date = date '2024-12-31'), "
        f"max(video_views) filter (where report_date = date '2025-01-01') from {OVERVIEW}"
    )
    assert (dec31, jan1) == (20957, 54018)  # the file's "December 31" and "January 1"


def test_overview_columns_are_typed(build: StagingBuild) -> None:
    types = dict(
        build.query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'staging' and table_name = 'stg_tiktok__overview'"
        )
    )
    assert types["report_date"] == "DATE"
    assert types["video_views"] == "BIGINT"
    assert types["exported_at"] == "TIMESTAMP"
    assert {"_source_file", "_batch_id", "_landed_at", "_sha256", "_row_number"} <= set(types)
    [(exported_at, window_start)] = build.query(
        f"select distinct exported_at, window_start_date from {OVERVIEW}"
    )
    assert exported_at == datetime(2025, 5, 27, 11, 38, 15)
    assert window_start == date(2024, 5, 28)


def test_video_stats_keep_the_id_as_text(build: StagingBuild) -> None:
    [row] = build.query(
        f"select video_id, account, created_at, views, likes, comments, shares, "
        f"duration_seconds from {VIDEOS}"
    )
    assert row == (
        "7372781234567890123",
        "zone.a0",
        datetime(2024, 5, 28, 12, 40),
        48211,
        3920,
        211,
        97,
        31,
    )


def write_export(path: Path, rows: list[tuple[str, int]]) -> Path:
    """An Overview zip in TikTok's format: BOM, every value quoted, dates without a year."""
    lines = ['"Date","Video Views","Profile Views","Likes","Comments","Shares"']
    lines += [f'"{day}","{views}","1","2","3","4"' for day, views in rows]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Overview.csv", ("\ufeff" + "\n".join(lines) + "\n").encode())
    return path


def test_a_newer_overlapping_export_corrects_days_without_duplicates(tmp_path: Path) -> None:
    lake_root = tmp_path / "lake"
    land(lake_root, OVERVIEW_ZIP)
    land(lake_root, VIDEO_JSON, account="zone.a0")
    ingest_and_build(lake_root, tmp_path)
    # Exported 2025-06-03 09:00 UTC, window 2025-05-20 ..: May 20-27 overlap (corrected),
    # May 28 - June 3 are new.
    corrected = [(f"May {d}", 100_000 + d) for d in range(20, 32)] + [
        (f"June {d}", 200_000 + d) for d in range(1, 4)
    ]
    newer = write_export(tmp_path / "Overview_2025-05-20_1748941200_zone.a0.zip", corrected)
    land(lake_root, newer, account="zone.a0")
    build = ingest_and_build(lake_root, tmp_path)
    assert build.problems() == []

    original = overview_rows(OVERVIEW_ZIP)
    kept = sum(int(r["Video Views"]) for r in original[:357])  # 2024-05-28 .. 2025-05-19
    expected = kept + sum(views for _, views in corrected)
    [(rows, days, views, first, last)] = build.query(
        f"select count(*), count(distinct report_date), sum(video_views), min(report_date), "
        f"max(report_date) from {OVERVIEW}"
    )
    assert (rows, days) == (372, 372)
    assert views == expected
    assert (first, last) == (date(2024, 5, 28), date(2025, 6, 3))
    [(may20, may27, jun3)] = build.query(
        f"select max(video_views) filter (where report_date = date '2025-05-20'), "
        f"max(video_views) filter (where report_date = date '2025-05-27'), "
        f"max(video_views) filter (where report_date = date '2025-06-03') from {OVERVIEW}"
    )
    assert (may20, may27, jun3) == (100_020, 100_027, 200_003)
    [(older_files, newer_files)] = build.query(
        f"select count(*) filter (where report_date < date '2025-05-20' and "
        f"_source_file like '%1748345895%'), count(*) filter (where _source_file like "
        f"'%1748941200%') from {OVERVIEW}"
    )
    assert (older_files, newer_files) == (357, 15)
