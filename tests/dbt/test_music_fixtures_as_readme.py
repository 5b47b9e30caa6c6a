"""The README's `make fixtures`: every bundled real export landed the way the Makefile does
(`lake land tests/fixtures/platforms/<source>/ --source <source>`, no `--account`), then
ingested; the whole build of every domain's marts (staging, marts, their tests and the
reconciliation tests) must pass: the music marts carry the fixtures, the shop's are empty (a
label with no shop). A landing without an account belongs to the source's own account where the
file names it (Spotify, TikTok) and to the configured default account elsewhere."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.dbt.harness import run_dbt
from tests.dbt.staging_support import FIXTURES, StagingBuild, ingest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

LAKE = [sys.executable, "-m", "lake.cli"]


@pytest.fixture(scope="module")
def readme_build(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("readme_fixtures")
    lake_root = work / "lake"
    sources = sorted(path for path in FIXTURES.iterdir() if path.is_dir())
    assert len(sources) == 6
    for source_dir in sources:
        # the Makefile's `load_fixtures`, word for word (no --account)
        subprocess.run(
            [*LAKE, "land", str(source_dir), "--source", source_dir.name, "--root", str(lake_root)],
            check=True,
            capture_output=True,
        )
    ingest(lake_root)
    result = run_dbt(
        [
            "build",
            "--select",
            "+path:models/marts",  # every domain: a label's lake has no shop
            "path:tests/dbt/singular",
            "--exclude",
            "path:snapshots",
            "resource_type:exposure",
            "--indirect-selection",
            "cautious",
        ],
        lake_root=lake_root,
        work_dir=work,
    )
    return StagingBuild(result, lake_root)


def test_every_fixture_landed_without_an_account_builds(readme_build: StagingBuild) -> None:
    errors = [p for p in readme_build.problems() if not p.startswith("warn ")]
    assert errors == []
    names = readme_build.node_names()
    assert {"fct_link_clicks_daily", "fct_ad_performance_window", "fct_royalties_monthly"} <= names
    assert "assert_meta_spend_matches_raw_insights" in names


def test_a_label_without_a_shop_builds_the_shop_marts_empty(readme_build: StagingBuild) -> None:
    """No shop source landed: every shop mart and its tests build (no error above), empty."""
    names = readme_build.node_names()
    shop = [
        name
        for (name,) in readme_build.query(
            "select table_name from duckdb_tables() where schema_name = 'shop' order by 1"
        )
    ]
    assert {"fct_orders", "fct_revenue_daily", "dim_product", "fct_sessions"} <= set(shop)
    assert {"fct_llm_usage_daily", "fct_fulfilment_daily", "fct_competitor_price_index"} <= set(
        shop
    )
    assert {"assert_shop_payments_match_the_application"} <= names
    for table in shop:
        assert readme_build.one(f'select count(*) from shop."{table}"') == (0,), table


def test_accounts_come_from_the_file_or_the_default(readme_build: StagingBuild) -> None:
    accounts = dict(
        readme_build.query(
            "select 'linktree', list(distinct account) from music.fct_link_clicks_daily "
            "union all select 'meta_ads', list(distinct account) "
            "from music.fct_ad_performance_window "
            "union all select 'distrokid', list(distinct account) "
            "from staging.stg_distrokid__bank_details "
            "union all select 'spotify', list(distinct account) "
            "from staging.stg_spotify__audience_timeline "
            "union all select 'tiktok', list(distinct account) from staging.stg_tiktok__overview"
        )
    )
    assert accounts == {
        "linktree": ["default"],
        "meta_ads": ["default"],
        "distrokid": ["default"],
        "spotify": ["Blue Frog"],
        "tiktok": ["zone.a0"],
    }


def test_meta_spend_joins_its_ad_account(readme_build: StagingBuild) -> None:
    """The insights and the ad account object landed without an account still meet: the
    window mart's spend is the dump's, in one account."""
    (spend,) = readme_build.one("select sum(spend) from music.fct_ad_performance_window")
    assert spend == Decimal("1889.10")


def test_fixture_dirs_are_what_the_makefile_lands() -> None:
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    assert '$(LAKE) land "$$dir" --source "$$(basename "$$dir")" --root "$(1)"' in makefile
