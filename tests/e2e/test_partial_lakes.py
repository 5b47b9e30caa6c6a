"""A lake that holds only some sources builds, tests and publishes the marts they feed.

A shop with no music, holding only its application database: the real fixture
(`/work/shared/fixtures/shop/app_tables/`) in SQLite, configured as the only source, then
plain `lake run` (no sandbox: every other extractor is not configured). The run is ok; the
sources with no data are reported empty, not failed or stale; the published shop marts carry
the fixture's figures and the music marts are there, empty. (A label with no shop:
`tests/dbt/test_music_fixtures_as_readme.py` builds every mart on the music fixtures.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from lake.config import LakePaths
from lake.governance.role_dbs import attach_encrypted, role_db
from lake.sandbox.shop.database import load_sqlite
from tests.shop_db.conftest import fixture_tables

pytestmark = pytest.mark.slow
LAKE_BIN = Path(sys.executable).with_name("lake")
MUSIC_SOURCES = {"distrokid", "linktree", "mailchimp", "meta_ads", "spotify", "tiktok", "toolost"}
SHOP_SOURCES_NOT_HERE = {"app_logs", "competitors", "events", "llm_calls", "payments", "shipping"}


@pytest.fixture(scope="module")
def shop_only(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    work = tmp_path_factory.mktemp("shop_only")
    app = work / "shop.sqlite"
    load_sqlite(app, fixture_tables())
    root = work / "lake"
    env = {**os.environ, "DO_NOT_TRACK": "1", "LAKE_SHOP_DB_URL": f"sqlite:///{app}"}
    for name in [n for n in env if n.startswith("LAKE_SANDBOX") or n == "LAKE_ROOT"]:
        env.pop(name)
    done = subprocess.run(
        [str(LAKE_BIN), "run", "--root", str(root), "--no-docs", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return root, json.loads(done.stdout)


def test_the_run_is_ok_and_reports_missing_sources_as_empty(shop_only) -> None:
    _, record = shop_only
    stages = {s["name"]: s for s in record["stages"]}
    assert record["status"] == "ok"
    assert [s["status"] for s in record["stages"]] == ["ok"] * len(record["stages"])
    extract = stages["extract"]["detail"]["sources"]
    assert extract["shop_db"] == "ok"
    assert {s for s, status in extract.items() if status == "not_configured"} >= MUSIC_SOURCES
    empty = set(stages["build"]["detail"]["empty_sources"])
    assert empty >= MUSIC_SOURCES | SHOP_SOURCES_NOT_HERE and "shop_db" not in empty
    assert record["stale_sources"] == []
    assert not [a for a in record["next_actions"] if a["kind"] != "quarantined_file"]
    assert record["tests"]["failed"] == 0 and record["tests"]["passed"] > 1000


def test_the_published_shop_marts_carry_the_fixture(shop_only) -> None:
    root, record = shop_only
    with duckdb.connect(str(root / "warehouse" / "lake.duckdb"), read_only=True) as con:
        orders = con.execute(
            "select count(*), sum(payments_recorded), sum(items_value), sum(freight_value) "
            "from shop.fct_orders"
        ).fetchone()
        products = con.execute("select count(*) from shop.dim_product").fetchone()
        unmatched = con.execute(
            "select count(*) filter (where match_method = 'none'), count(*) "
            "from shop.fct_competitor_price_index"
        ).fetchone()
        empty_marts = {
            f"{schema}.{table}": con.execute(f'select count(*) from {schema}."{table}"').fetchone()[
                0
            ]
            for schema, table in con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where (schema_name = 'music' and table_name like 'fct%') or table_name in "
                "('fct_shipments', 'fct_events', 'fct_sessions', 'fct_llm_calls')"
            ).fetchall()
        }
    assert orders == (4044, Decimal("701402.49"), Decimal("532650.54"), Decimal("85107.20"))
    assert products is not None and products[0] > 0
    assert unmatched is not None and unmatched[0] == unmatched[1] == products[0]  # no scrapes
    # the music facts (its dimensions hold the seeds' artists and accounts) and the shop
    # marts of sources this lake does not have
    assert len(empty_marts) > 10 and set(empty_marts.values()) == {0}
    assert record["published_version"]


def rows(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    found = con.execute(f"select count(*) from {relation}").fetchone()
    return int(found[0]) if found else -1


def test_the_data_engineer_reads_the_same_version_unmasked(shop_only) -> None:
    root, record = shop_only
    paths = LakePaths(root)
    with duckdb.connect() as con:
        attach_encrypted(con, paths, role_db(paths, "data_engineer"), "de", read_only=True)
        version = con.execute("select version from de.lake_ops.publication").fetchone()
        emails = con.execute(
            "select count(*) from de.staging.stg_shop_db__customers where email like '%@%'"
        ).fetchone()
    assert version == (record["published_version"],)
    assert emails is not None and emails[0] > 4000
