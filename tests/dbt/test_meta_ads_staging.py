"""`dbt build` of the Meta Ads staging models on the real Marketing API dump, landed and
ingested through `lake land` + `lake ingest`: counts, spend and 18-digit ids match the files,
ctr becomes a fraction, and a newer overlapping insights export replaces the older one."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.dbt.staging_support import FIXTURES, StagingBuild, build_sources, ingest, land

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

DUMP = FIXTURES / "meta_ads"
ENTITIES = ("campaigns", "adsets", "ads", "insights")


def _records(name: str) -> list[dict]:
    doc = json.loads((DUMP / f"{name}.json").read_text())
    return doc["data"] if isinstance(doc, dict) else doc


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("meta_ads")
    lake_root = work / "lake"
    land(
        lake_root, [DUMP / f"{name}.json" for name in ENTITIES], source="meta_ads", account="act_1"
    )
    ingest(lake_root)
    return build_sources(lake_root, work, "meta_ads")


def test_build_passes_every_test(build: StagingBuild) -> None:
    assert build.problems() == []
    assert {
        "stg_meta_ads__campaigns",
        "stg_meta_ads__adsets",
        "stg_meta_ads__ads",
        "stg_meta_ads__insights",
    } <= build.node_names()


def test_one_row_per_object_of_the_dump(build: StagingBuild) -> None:
    for name, key in (("campaigns", "campaign_id"), ("adsets", "adset_id"), ("ads", "ad_id")):
        ids = sorted(r["id"] for r in _records(name))
        staged = [i for (i,) in build.query(f"select {key} from staging.stg_meta_ads__{name}")]
        assert sorted(staged) == ids, name


def test_ids_stay_18_digit_text(build: StagingBuild) -> None:
    rows = build.query("select ad_id, adset_id, campaign_id from staging.stg_meta_ads__ads")
    assert len(rows) == 54
    assert all(len(i) == 18 and i.isdigit() for row in rows for i in row)
    # the exact strings of the file: a double would have changed the last digits
    assert ("120224903624100075",) in build.query("select ad_id from staging.stg_meta_ads__ads")


def test_spend_equals_the_insights_sum(build: StagingBuild) -> None:
    expected = sum(Decimal(r["spend"]) for r in _records("insights"))
    assert expected == Decimal("1889.10")
    rows, spend, impressions, account = build.one(
        "select count(*), sum(spend), sum(impressions), any_value(account) "
        "from staging.stg_meta_ads__insights"
    )
    assert (rows, spend, account) == (31, expected, "act_1")
    assert impressions == sum(int(r["impressions"]) for r in _records("insights"))


def test_ctr_is_a_fraction(build: StagingBuild) -> None:
    ctr, budget = build.one(
        "select ctr, (select daily_budget_minor from staging.stg_meta_ads__adsets "
        "where adset_id = '120224907266840075') "
        "from staging.stg_meta_ads__insights where adset_id = '120224907266740075'"
    )
    assert ctr == pytest.approx(0.00605602)
    assert budget == 500


def test_newer_overlapping_insights_replace_the_older(tmp_path: Path) -> None:
    """A second run's lifetime window overlaps the first: its (corrected) figures replace the
    first run's for every ad set, so the spend total is the newer file's, never the sum."""
    lake_root = tmp_path / "lake"
    land(
        lake_root, [DUMP / f"{name}.json" for name in ENTITIES], source="meta_ads", account="act_1"
    )
    newer = [
        {**r, "date_stop": "2025-05-30", "spend": str(Decimal(r["spend"]) + Decimal("1.00"))}
        for r in _records("insights")
    ]
    second = tmp_path / "run2" / "insights_20250530.json"
    second.parent.mkdir()
    second.write_text(json.dumps(newer))
    land(lake_root, [second], source="meta_ads", account="act_1")
    ingest(lake_root)
    build = build_sources(lake_root, tmp_path, "meta_ads")
    assert build.problems() == []
    rows, spend, files, stops = build.one(
        "select count(*), sum(spend), list(distinct _source_file), list(distinct date_stop) "
        "from staging.stg_meta_ads__insights"
    )
    assert rows == 31
    assert spend == Decimal("1889.10") + 31
    assert [Path(f).name for f in files] == ["insights_20250530.json"]
    assert [str(d) for d in stops] == ["2025-05-30"]
