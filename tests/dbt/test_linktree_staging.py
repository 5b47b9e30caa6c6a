"""`dbt build` of the Linktree staging models on the real GraphQL captures, landed (with the
account, as the extractor lands them) and ingested through the real `lake land` +
`lake ingest`: the figures equal the responses', the 7-day and 365-day captures overlap
without double counting, and a newer capture with corrected numbers replaces the overlapping
days without duplicating them or losing the older ones."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lake.cli import app
from tests.dbt.harness import PROJECT_DIR, run_dbt
from tests.dbt.staging_support import StagingBuild

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

FIXTURES = PROJECT_DIR / "tests/fixtures/platforms/linktree"
OVERVIEW_365 = FIXTURES / "graphql_20250527_141844_257580.json"
OVERVIEW = "staging.stg_linktree__overview_daily"
SELECT = ["--select", "staging.linktree", "source:linktree", "--indirect-selection", "cautious"]


def land(lake_root: Path, path: Path, *, account: str | None = None) -> None:
    args = ["land", str(path), "--source", "linktree", "--root", str(lake_root)]
    outcome = CliRunner().invoke(app, [*args, *(["--account", account] if account else [])])
    assert outcome.exit_code == 0, outcome.output


def ingest_and_build(lake_root: Path, work_dir: Path) -> StagingBuild:
    outcome = CliRunner().invoke(app, ["ingest", "--root", str(lake_root)])
    assert outcome.exit_code == 0, outcome.output
    return StagingBuild(
        run_dbt(["build", *SELECT], lake_root=lake_root, work_dir=work_dir), lake_root
    )


def count(build: StagingBuild, model: str) -> int:
    [(rows,)] = build.query(f"select count(*) from staging.stg_linktree__{model}")
    return rows


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("linktree")
    lake_root = work / "lake"
    land(lake_root, FIXTURES, account="zone.a0")
    return ingest_and_build(lake_root, work)


def test_build_passes_every_test_without_warnings(build: StagingBuild) -> None:
    assert build.result.exception is None, build.result.exception
    assert build.problems() == []
    assert build.result.success


def test_overlapping_captures_count_each_day_once(build: StagingBuild) -> None:
    """The 7-day capture repeats the last 7 days of the 365-day one: 365 days, not 372."""
    [(rows, days, views, clicks, first, last)] = build.query(
        f"select count(*), count(distinct report_date), sum(total_views), sum(total_clicks), "
        f"min(report_date), max(report_date) from {OVERVIEW}"
    )
    assert (rows, days, views, clicks) == (365, 365, 3502, 1767)
    assert (first, last) == (date(2024, 5, 28), date(2025, 5, 27))
    [(exported_at, ctr)] = build.query(
        f"select exported_at, click_through_rate from {OVERVIEW} "
        f"where report_date = date '2025-05-26'"
    )
    # the newer (365-day) capture of 14:18:44 wins over the 7-day one of 14:18:27
    assert exported_at == datetime(2025, 5, 27, 14, 18, 44, 257580)
    assert ctr == pytest.approx(1.1818)  # kept as reported, above 1


def test_every_dataset_matches_its_response(build: StagingBuild) -> None:
    rows = {
        m: count(build, m)
        for m in [
            "socials_daily",
            "subscribers_daily",
            "links",
            "socials",
            "lifetime",
            "cities",
            "countries",
            "referrers",
            "devices",
            "link_titles",
        ]
    }
    assert rows == {
        "socials_daily": 730,
        "subscribers_daily": 1095,
        "links": 11,
        "socials": 2,
        "lifetime": 1,
        "cities": 1155,
        "countries": 100,
        "referrers": 8,
        "devices": 4,
        "link_titles": 11,
    }
    [(link_clicks, link_ids)] = build.query(
        "select sum(clicks), list(link_id order by clicks desc)[1] from staging.stg_linktree__links"
    )
    assert (link_clicks, link_ids) == (1400, "445315682")
    [(views, clicks, link, social)] = build.query(
        "select total_views, total_clicks, link_clicks, social_clicks "
        "from staging.stg_linktree__lifetime"
    )
    assert (views, clicks, link, social) == (3502, 1702, 1379, 301)
    [(desktop_ctr,)] = build.query(
        "select click_through_rate from staging.stg_linktree__devices "
        "where device_class = 'desktop'"
    )
    assert desktop_ctr == pytest.approx(1.054054054054054)
    [(active, title)] = build.query(
        "select count(*) filter (where is_active), max(link_title) filter "
        "(where link_id = '445371874') from staging.stg_linktree__link_titles"
    )
    assert (active, title) == (9, "ZONE A0")
    [(accounts,)] = build.query(f"select list(distinct account) from {OVERVIEW}")
    assert accounts == ["zone.a0"]


def corrected_capture(path: Path, days: dict[str, tuple[int, int]]) -> Path:
    """A Linktree overview response in the captured shape, for the given days."""
    timeseries = [
        {
            "totalViews": views,
            "totalClicks": clicks,
            "uniqueViews": views,
            "uniqueClicks": clicks,
            "clickThroughRate": round(clicks / views, 4),
            "date": day,
            "__typename": "AccountActivity",
        }
        for day, (views, clicks) in days.items()
    ]
    overview = {"timeseries": timeseries, "__typename": "AccountOverview"}
    path.write_text(json.dumps({"data": {"getAccountAnalytics": {"overview": overview}}}))
    return path


def test_a_newer_overlapping_capture_corrects_days_without_duplicates(tmp_path: Path) -> None:
    lake_root = tmp_path / "lake"
    land(lake_root, FIXTURES, account="zone.a0")
    ingest_and_build(lake_root, tmp_path)
    # Captured 2025-06-03: a 7-day window 2025-05-25 .. 05-31, three days overlapping and
    # corrected, four new.
    days = {f"2025-05-{d}": (100 + d, 50 + d) for d in range(25, 32)}
    newer = corrected_capture(tmp_path / "graphql_20250603_090000_000001.json", days)
    land(lake_root, newer, account="zone.a0")
    build = ingest_and_build(lake_root, tmp_path)
    assert build.problems() == []

    original = json.loads(OVERVIEW_365.read_text())["data"]["getAccountAnalytics"]
    kept = [d for d in original["overview"]["timeseries"] if d["date"] < "2025-05-25"]
    [(rows, unique_days, views, first, last)] = build.query(
        f"select count(*), count(distinct report_date), sum(total_views), min(report_date), "
        f"max(report_date) from {OVERVIEW}"
    )
    assert (rows, unique_days) == (369, 369)
    assert views == sum(d["totalViews"] for d in kept) + sum(v for v, _ in days.values())
    assert (first, last) == (date(2024, 5, 28), date(2025, 5, 31))
    [(may25, may24)] = build.query(
        f"select max(total_views) filter (where report_date = date '2025-05-25'), "
        f"max(total_views) filter (where report_date = date '2025-05-24') from {OVERVIEW}"
    )
    assert may25 == 125
    assert may24 == next(d["totalViews"] for d in kept if d["date"] == "2025-05-24")
