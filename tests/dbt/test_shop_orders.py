"""The shop's order and revenue marts carry the real fixture's figures exactly: the
application's tables (/work/shared/fixtures/shop/app_tables/) loaded into PostgreSQL,
extracted by `extract/shop_db.py`, ingested and built. Then the shop changes (statuses, new
orders, an order's lines rewritten, one canceled and its lines deleted) and the incremental
build of the marts equals a full refresh."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from lake.config import LakePaths
from tests.dbt.harness import run_dbt
from tests.dbt.staging_support import StagingBuild, ingest
from tests.shop_db.conftest import (  # noqa: F401  (pytest fixtures)
    ShopPg,
    change_the_shop,
    extract,
    fixture_rows,
    paths,
    postgres_server,
    shop_pg,
)

pytestmark = pytest.mark.slow

MARTS = ("fct_orders", "fct_order_items", "fct_revenue_daily", "dim_customer")
KEYS = {
    "fct_orders": "order_id",
    "fct_order_items": "order_id, line_number",
    "fct_revenue_daily": "purchase_date, channel, category_id, currency",
    "dim_customer": "customer_id",
}
SELECT = [
    "build",
    "--select",
    *(f"+{mart}" for mart in MARTS),
    "+dim_product",  # the lines' products (shop-products' dimension)
    "snap_shop_order_status",
    "snap_shop_customer_segments",
    # only the tests whose every parent is built here (not the staging ones reaching the
    # reviews, sellers or the gateway's charges)
    "--indirect-selection",
    "cautious",
]


def build(lake_root: Path, work_dir: Path, *extra: str) -> StagingBuild:
    return StagingBuild(
        run_dbt([*SELECT, *extra], lake_root=lake_root, work_dir=work_dir), lake_root
    )


def marts_of(built: StagingBuild) -> dict[str, list[tuple]]:
    return {
        mart: built.query(
            f"select * exclude (order_ingested_at) from shop.{mart} order by {KEYS[mart]}"
        )
        if mart == "fct_order_items"
        else built.query(f"select * from shop.{mart} order by {KEYS[mart]}")
        for mart in MARTS
    }


def test_marts_carry_the_fixture_figures_and_build_incrementally(
    shop_pg: ShopPg,  # noqa: F811
    paths: LakePaths,  # noqa: F811
    tmp_path: Path,
) -> None:
    assert extract(paths, shop_pg.url).ok
    ingest(paths.root)
    first = build(paths.root, tmp_path)
    assert first.problems() == []
    names = first.node_names()
    assert {
        "assert_shop_payments_match_the_application",
        "assert_shop_refunds_match_the_gateway",
        "assert_shop_goods_sold_is_items_plus_freight",
        "assert_shop_gateway_money_in_the_order_currency",
    } <= names
    assert {
        "int_shop__order_category_amounts__splits_payments_by_item_value",
        "dim_customer__rfm_scores_and_segments",
    } <= names

    # the fixture's README, exactly
    assert first.one(
        "select count(*), sum(payments_recorded), sum(items_value), sum(freight_value), "
        "sum(goods_sold), string_agg(distinct currency) from shop.fct_orders"
    ) == (
        4044,
        Decimal("701402.49"),
        Decimal("532650.54"),
        Decimal("85107.20"),
        Decimal("617757.74"),
        "BRL",
    )
    assert first.one(
        "select count(*) filter (where is_canceled), count(*) filter (where is_unavailable), "
        "max(payment_parts), sum(payment_parts) from shop.fct_orders"
    ) == (301, 282, 26, 4452)
    # orders with payments and no lines (372, 2 of them paid 0 by a `not_defined` part);
    # 19 with lines whose payments differ from goods sold: 9 by more than a cent
    # (installment interest, vouchers), 10 by one cent (installments rounded)
    assert dict(first.query("select payment_match, count(*) from shop.fct_orders group by 1")) == {
        "matches": 3653,
        "no_items": 372,
        "paid_more": 13,
        "paid_less": 6,
    }
    assert first.one(
        "select count(*) from shop.fct_orders "
        "where payment_match in ('paid_more', 'paid_less') and abs(payments_difference) > 0.01"
    ) == (9,)
    assert first.one("select count(*), sum(goods_sold) from shop.fct_order_items") == (
        4185,
        Decimal("617757.74"),
    )
    # the revenue mart: every real (not canceled or unavailable) sale, the rest apart, the
    # orders without lines in their own bucket, nothing lost in the split
    revenue = first.one(
        "select sum(payments_recorded + voided_payments_recorded), "
        "sum(goods_sold), sum(orders), sum(canceled_orders), sum(unavailable_orders), "
        "sum(payments_recorded + voided_payments_recorded) "
        "filter (where category_id = '(no items)') from shop.fct_revenue_daily"
    )
    kept, no_items = first.one(
        "select sum(goods_sold) filter (where not is_voided), "
        "sum(payments_recorded) filter (where item_lines = 0) from shop.fct_orders"
    )
    # each order counted once (in its main category)
    assert revenue == (Decimal("701402.49"), kept, 4044 - 301 - 282, 301, 282, no_items)
    # one row per customer; the 27 customers with more than one order
    assert first.one(
        "select count(*), count(*) filter (where orders + voided_orders > 1) from shop.dim_customer"
    ) == (first.one("select count(*) from staging.stg_shop_db__customers")[0], 27)
    # no personal data in the customer dimension
    columns = {
        row[0]
        for row in first.query(
            "select column_name from information_schema.columns "
            "where table_schema = 'shop' and table_name = 'dim_customer'"
        )
    }
    assert not columns & {"email", "full_name", "phone", "zip_code_prefix", "city"}

    # the shop moves on; the incremental build equals a full refresh
    changes = change_the_shop(shop_pg)
    # and a product sold long ago moves to another category (its orders are not re-read)
    moved = fixture_rows("order_items")[-1]["product_id"]
    shop_pg.sql(
        "update products set category_id = 'pet_shop', updated_at = '2026-12-01 10:00:00' "
        f"where product_id = '{moved}'"
    )
    assert extract(paths, shop_pg.url).ok
    ingest(paths.root)
    second = build(paths.root, tmp_path)
    assert second.problems() == []
    # the lines mart ran incrementally: only the orders ingested since its watermark
    [items_run] = [r for r in second.result.result.results if r.node.name == "fct_order_items"]
    assert "where _ingested_at > '" in items_run.node.compiled_code
    assert second.one(
        f"select count(*) from shop.fct_order_items where order_id = '{changes['canceled']}'"
    ) == (0,)
    assert second.one(
        "select item_lines, items_value, payment_parts, payments_recorded from shop.fct_orders "
        f"where order_id = '{changes['rewritten']}'"
    ) == (1, Decimal("55.55"), 2, Decimal("60.00"))
    assert second.one(
        "select currency, payments_recorded, goods_sold from shop.fct_orders "
        "where order_id = 'new-order-2'"
    ) == ("USD", Decimal("29.75"), Decimal("29.75"))
    assert second.one(
        "select count(*) from snapshots.snap_shop_order_status "
        f"where order_id = '{changes['canceled']}'"
    ) == (2,)
    assert second.query(
        f"select distinct category_id from shop.fct_order_items where product_id = '{moved}'"
    ) == [("pet_shop",)]
    incremental = marts_of(second)
    full = build(paths.root, tmp_path, "--full-refresh")
    assert full.problems() == []
    assert marts_of(full) == incremental
