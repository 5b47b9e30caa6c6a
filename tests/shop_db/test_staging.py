"""Staging for the shop database shows the application's current state: after a full
extract it equals the fixture; after an incremental extract (status updates, new orders, an
order's items and payments rewritten, a customer soft-deleted) the incremental build shows
exactly the database as it now is, and equals a full refresh, while raw keeps every version."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from lake.contracts.shop_db import TABLES
from tests.dbt.harness import run_dbt
from tests.dbt.staging_support import StagingBuild, build_sources, ingest
from tests.shop_db.conftest import ShopPg, change_the_shop, extract, fixture_rows

pytestmark = pytest.mark.slow

MODELS = tuple(t.name for t in TABLES)
KEYS = {
    "customers": "customer_id",
    "sellers": "seller_id",
    "categories": "category_id",
    "products": "product_id",
    "orders": "order_id",
    "order_items": "order_id, line_number",
    "payments": "order_id, payment_sequence",
    "reviews": "review_id, order_id",
}


def snapshot_of(build: StagingBuild) -> dict[str, list[tuple]]:
    return {
        name: build.query(f"select * from staging.stg_shop_db__{name} order by {KEYS[name]}")
        for name in MODELS
    }


def database_lines(db: ShopPg, table: str, columns: str) -> list[tuple]:
    output = db.sql(f"select {columns} from {table} order by {columns}")
    return sorted(tuple(line.split("|")) for line in output.split("\n") if line)


def test_staging_shows_the_current_state_incrementally(shop_pg: ShopPg, paths, tmp_path):
    assert extract(paths, shop_pg.url).ok
    ingest(paths.root)
    first = build_sources(paths.root, tmp_path, "shop_db", without=("llm_calls",))
    assert first.problems() == []
    counts = {
        name: first.one(f"select count(*) from staging.stg_shop_db__{name}")[0] for name in MODELS
    }
    assert counts == {name: len(fixture_rows(name)) for name in MODELS}
    assert first.one("select sum(amount), min(currency) from staging.stg_shop_db__payments") == (
        Decimal("701402.49"),
        "BRL",
    )

    changes = change_the_shop(shop_pg)
    report = extract(paths, shop_pg.url)
    assert report.ok
    ingest(paths.root)
    second = build_sources(paths.root, tmp_path, "shop_db", without=("llm_calls",))
    assert second.problems() == []
    # incremental: the order lines model only rebuilt the orders re-read
    assert second.one(
        "select count(distinct _batch_id) > 1 from staging.stg_shop_db__order_items"
    ) == (True,)
    assert second.one("select count(*) from staging.stg_shop_db__orders") == (4046,)
    statuses = second.query(
        "select order_status, count(*) from staging.stg_shop_db__orders where order_id in ("
        + ", ".join(f"'{o}'" for o in changes["delivered"])
        + ") group by 1"
    )
    assert statuses == [("delivered", 5)]
    assert second.query(
        "select line_number, price, currency from staging.stg_shop_db__order_items "
        f"where order_id = '{changes['rewritten']}'"
    ) == [(1, Decimal("55.55"), "BRL")]
    assert second.query(
        "select payment_sequence, payment_method, amount from staging.stg_shop_db__payments "
        f"where order_id = '{changes['rewritten']}' order by 1"
    ) == [(1, "voucher", Decimal("20.00")), (2, "credit_card", Decimal("40.00"))]
    assert second.one(
        "select currency, sum(amount) from staging.stg_shop_db__payments "
        "where order_id = 'new-order-2' group by 1"
    ) == ("USD", Decimal("29.75"))
    # the canceled order's lines were deleted in the application: gone from staging too
    # (raw still has them, below)
    assert second.one(
        "select count(*) from staging.stg_shop_db__order_items "
        f"where order_id = '{changes['canceled']}'"
    ) == (0,)
    assert second.one(
        "select is_deleted from staging.stg_shop_db__customers "
        f"where customer_id = '{changes['erased']}'"
    ) == (True,)
    # staging equals the database, line for line
    staged_items = sorted(
        second.query(
            "select order_id, line_number::varchar, product_id, price::varchar "
            "from staging.stg_shop_db__order_items"
        )
    )
    assert staged_items == database_lines(
        shop_pg, "order_items", "order_id, line_number, product_id, price"
    )
    staged_payments = sorted(
        second.query(
            "select order_id, payment_sequence::varchar, amount::varchar "
            "from staging.stg_shop_db__payments"
        )
    )
    assert staged_payments == database_lines(shop_pg, "payments", "order_id, sequence, amount")
    # raw keeps every version: the rewritten order's old lines are still there
    con = duckdb.connect()
    try:
        raw_items = (
            f"read_parquet('{paths.raw}/_source=shop_db/_dataset=order_items/*/[!_]*.parquet')"
        )
        versions = con.execute(
            f"select count(distinct _source_file) from {raw_items} "
            f"where order_id = '{changes['rewritten']}'"
        ).fetchone()
        canceled_lines = con.execute(
            f"select count(*) from {raw_items} where order_id = '{changes['canceled']}'"
        ).fetchone()
    finally:
        con.close()
    assert versions == (2,)
    assert canceled_lines[0] > 0
    # the incremental build equals a full rebuild from raw
    incremental = snapshot_of(second)
    rebuilt = run_dbt(
        [
            "build",
            "--select",
            "source:shop_db+",
            "--exclude",
            "path:models/intermediate+",
            "path:models/marts+",
            "source:llm_calls+",
            "--full-refresh",
        ],
        lake_root=paths.root,
        work_dir=tmp_path,
    )
    full = StagingBuild(rebuilt, paths.root)
    assert full.problems() == []
    assert snapshot_of(full) == incremental
