"""`snap_products` keeps a product's price and stock history across builds. (A lake with no
shop at all builds these marts empty: tests/dbt/test_music_fixtures_as_readme.py.)"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.dbt.harness import run_dbt
from tests.dbt.staging_support import StagingBuild

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

SELECT = ("+dim_product+", "+fct_competitor_price_index+", "+fct_fulfilment_daily+")


def failures(build: StagingBuild) -> list[str]:
    """Models and error-severity tests that did not pass (warnings and the exposures'
    no-ops are not failures)."""
    return [p for p in build.problems() if not p.startswith(("warn ", "no-op "))]


# --- snap_products: SCD2 of price and stock ---------------------------------------------

PRODUCT_COLUMNS = (
    "product_id",
    "category_id",
    "title",
    "list_price",
    "stock_qty",
    "created_at",
    "updated_at",
)
CREATED = "2026-01-01 00:00:00"


def write_shop_db_snapshot(lake_root: Path, snapshot: str, products: list[tuple]) -> None:
    """One extract of the shop database, as ingest writes it: the categories read whole and
    the products changed since the last extract, every value text, with lineage columns."""
    day = snapshot[:10]
    tables = {
        "categories": (("category_id", "name_en"), [("casa", "home")]),
        "products": (PRODUCT_COLUMNS, products),
    }
    for dataset, (columns, rows) in tables.items():
        folder = lake_root / "raw" / "_source=shop_db" / f"_dataset={dataset}" / f"_date={day}"
        folder.mkdir(parents=True, exist_ok=True)
        source_file = f"landing/shop_db/{day}/default/{dataset}_{snapshot}.parquet"
        metadata = json.dumps({"account": "default", "snapshot_id": f"{snapshot}Z"})
        with duckdb.connect() as con:
            con.execute(f"create table t ({', '.join(f'{c} varchar' for c in columns)})")
            con.executemany(f"insert into t values ({', '.join('?' * len(columns))})", rows)
            con.execute(
                "create table raw as select *, null::varchar as _rescued, "
                "? as _source_file, 'sha' as _sha256, 'batch-' || ? as _batch_id, "
                "row_number() over () as _row_number, ?::timestamp as _landed_at, "
                "?::timestamp as _ingested_at, 'app_v1' as _layout, ? as _landing_metadata "
                "from t",
                [source_file, snapshot, snapshot, snapshot, metadata],
            )
            target = folder / (snapshot[11:].replace(":", "") + ".parquet")
            con.execute(f"copy raw to '{target}' (format parquet)")


def test_snap_products_opens_a_version_when_price_or_stock_changes(tmp_path: Path) -> None:
    lake_root = tmp_path / "lake"
    write_shop_db_snapshot(
        lake_root,
        "2026-11-01T06:00:00",
        [
            ("p1", "casa", "Casa P1", "10.00", "5", CREATED, "2026-10-01 10:00:00"),
            ("p2", "casa", "Casa P2", "20.00", "0", CREATED, "2026-10-01 10:00:00"),
            ("p3", "casa", "Casa P3", "30.00", "7", CREATED, "2026-10-01 10:00:00"),
        ],
    )
    select = ["build", "--select", "+snap_products", "--indirect-selection", "cautious"]
    first = StagingBuild(run_dbt(select, lake_root=lake_root, work_dir=tmp_path), lake_root)
    assert failures(first) == []
    # the next extract: p1 repriced, p2 restocked, p3 only retitled (not tracked)
    write_shop_db_snapshot(
        lake_root,
        "2026-11-02T06:00:00",
        [
            ("p1", "casa", "Casa P1", "12.50", "5", CREATED, "2026-11-01 12:00:00"),
            ("p2", "casa", "Casa P2", "20.00", "9", CREATED, "2026-11-01 12:00:00"),
            ("p3", "casa", "Casa P3 novo", "30.00", "7", CREATED, "2026-11-01 12:00:00"),
        ],
    )
    second = StagingBuild(run_dbt(select, lake_root=lake_root, work_dir=tmp_path), lake_root)
    assert failures(second) == []
    versions = second.query(
        "select product_id, list_price, stock_qty, product_title, dbt_valid_to is null "
        "from snapshots.snap_products order by product_id, dbt_valid_from"
    )
    assert versions == [
        ("p1", Decimal("10.00"), 5, "Casa P1", False),
        ("p1", Decimal("12.50"), 5, "Casa P1", True),
        ("p2", Decimal("20.00"), 0, "Casa P2", False),
        ("p2", Decimal("20.00"), 9, "Casa P2", True),
        ("p3", Decimal("30.00"), 7, "Casa P3", True),
    ]
