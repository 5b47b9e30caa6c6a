"""`dbt build` of the Mailchimp staging model on the documented reports page (the contract
sample; no real export was available), landed and ingested through `lake land` + `lake
ingest`: one row per campaign, counts typed, rates kept as fractions, and a newer page with
grown counters replaces the older one's figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.dbt.staging_support import CONTRACT_SAMPLES, StagingBuild, build_sources, ingest, land

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

PAGE = CONTRACT_SAMPLES / "mailchimp" / "reports_0.json"
STAGING = "staging.stg_mailchimp__campaign_reports"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("mailchimp")
    lake_root = work / "lake"
    land(lake_root, [PAGE], source="mailchimp", account="us21-blue-frog")
    # a week later the first campaign has more opens: the newer page must win
    doc = json.loads(PAGE.read_text())
    first = doc["reports"][0]
    first["opens"] = {**first["opens"], "opens_total": 1100, "unique_opens": 700}
    newer = work / "later" / "reports_0.json"
    newer.parent.mkdir()
    newer.write_text(json.dumps({**doc, "reports": [first]}))
    land(lake_root, [newer], source="mailchimp", account="us21-blue-frog")
    ingest(lake_root)
    return build_sources(lake_root, work, "mailchimp")


def test_build_passes_every_test(build: StagingBuild) -> None:
    assert build.problems() == []


def test_one_row_per_campaign_with_the_newest_counters(build: StagingBuild) -> None:
    rows = build.query(
        f"select campaign_id, emails_sent, opens_total, unique_opens, open_rate, click_rate, "
        f"hard_bounces, sent_at, account from {STAGING} order by campaign_id"
    )
    assert rows == [
        (
            "42694e9e57",
            1520,
            1100,
            700,
            pytest.approx(0.4537),
            pytest.approx(0.1002),
            3,
            datetime(2024, 6, 14, 16, 0, tzinfo=UTC),
            "us21-blue-frog",
        ),
        (
            "b03bfc273a",
            1604,
            902,
            611,
            pytest.approx(0.3838),
            pytest.approx(0.0597),
            1,
            datetime(2024, 12, 6, 17, 30, tzinfo=UTC),
            "us21-blue-frog",
        ),
    ]
    [(raw_rows,)] = build.query(
        "select count(*) from read_parquet("
        f"'{build.lake_root}/raw/_source=mailchimp/_dataset=reports/*/*.parquet')"
    )
    assert raw_rows == 3  # the repeated report is in raw twice, staged once
