"""`lake extract shop_db` on a real PostgreSQL server holding the real fixture: a full
extract whose raw rows equal the fixture's files, then changes in the database (status
updates, new orders, one order's items and payments rewritten, a customer soft-deleted) and
an incremental extract that lands exactly those changes (plus the overlap)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import duckdb
import pyarrow.parquet as pq

from lake.config import LakePaths
from lake.contracts.shop_db import TABLES, table
from lake.db.connect import DatabaseUrl, attach_postgres
from tests.dbt.staging_support import ingest
from tests.shop_db.conftest import (
    CHANGED_AT,
    ShopPg,
    change_the_shop,
    extract,
    fixture_rows,
    landed,
    money,
)

OVERLAP = timedelta(minutes=60)


def raw_rows(paths: LakePaths, name: str) -> list[dict]:
    columns = ", ".join(table(name).column_names)
    con = duckdb.connect()
    try:
        relation = con.sql(
            f"select {columns} from read_parquet('{paths.raw}/_source=shop_db/"
            f"_dataset={name}/_date=*/[!_]*.parquet')"
        )
        return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
    finally:
        con.close()


def as_fixture(rows: list[dict]) -> list[tuple]:
    """Rows as the CSV writes them: text, empty for NULL, sorted."""
    return sorted(tuple("" if v is None else str(v) for v in row.values()) for row in rows)


def parquet_rows(path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def latest(rows: list[dict[str, str]], column: str) -> datetime:
    return max(datetime.fromisoformat(r[column]) for r in rows if r[column])


def since(rows: list[dict[str, str]], column: str, start: datetime) -> set[tuple]:
    return {
        tuple(r[c] for c in r)
        for r in rows
        if r[column] and datetime.fromisoformat(r[column]) >= start
    }


def test_full_extract_lands_every_table_and_ingest_matches_the_fixture(shop_pg: ShopPg, paths):
    report = extract(paths, shop_pg.url)
    assert report.ok, report.to_dict()
    files = landed(paths, report)
    assert sorted(files) == sorted(t.name for t in TABLES)
    orders_meta = files["orders"]["metadata"]
    assert orders_meta["mode"] == "full" and orders_meta["watermark_from"] == {}
    assert orders_meta["watermark"] == {
        "updated_at": str(latest(fixture_rows("orders"), "updated_at"))
    }
    assert orders_meta["snapshot_id"] == files["payments"]["metadata"]["snapshot_id"]
    assert orders_meta["database"] == shop_pg.url  # no password in this URL to hide
    ingest(paths.root)  # `lake ingest`: asserts nothing was quarantined
    for spec in TABLES:
        raw = raw_rows(paths, spec.name)
        fixture = fixture_rows(spec.name)
        assert len(raw) == len(fixture), spec.name
        assert as_fixture(raw) == sorted(tuple(r.values()) for r in fixture), spec.name
    # the README's figures
    assert len(raw_rows(paths, "orders")) == 4044
    payments = raw_rows(paths, "payments")
    assert len(payments) == 4452
    assert money([p["amount"] for p in payments]) == Decimal("701402.49")
    items = raw_rows(paths, "order_items")
    assert money([i["price"] for i in items]) == Decimal("532650.54")
    assert money([i["freight_value"] for i in items]) == Decimal("85107.20")
    reviews = raw_rows(paths, "reviews")
    assert len(reviews) == 4093 and len({r["review_id"] for r in reviews}) == 4084
    assert any("\n" in (r["message"] or "") for r in reviews)


def test_incremental_extract_lands_exactly_the_changes(shop_pg: ShopPg, paths):
    first = extract(paths, shop_pg.url)
    assert first.ok
    old_items = {(i["order_id"], i["line_number"]) for i in fixture_rows("order_items")}
    changes = change_the_shop(shop_pg)
    second = extract(paths, shop_pg.url)
    assert second.ok, second.to_dict()
    files = landed(paths, second)
    orders = fixture_rows("orders")
    order_mark = latest(orders, "updated_at")
    overlap_orders = {
        o["order_id"]
        for o in orders
        if datetime.fromisoformat(o["updated_at"]) >= order_mark - OVERLAP
    }
    changed = {*changes["delivered"], changes["rewritten"], *changes["new"]}
    got_orders = {r["order_id"]: r for r in parquet_rows(files["orders"]["path"])}
    assert set(got_orders) == changed | overlap_orders
    assert all(got_orders[o]["status"] == "delivered" for o in changes["delivered"])
    meta = files["orders"]["metadata"]
    assert meta["mode"] == "incremental"
    assert meta["watermark_from"] == {"updated_at": str(order_mark)}
    assert meta["watermark"] == {"updated_at": CHANGED_AT}
    # items and payments: the complete current lines of exactly the orders read
    expected_items = {
        tuple(line.split("|"))
        for line in shop_pg.sql(
            "select order_id, line_number, product_id from order_items where order_id in ("
            + ", ".join(f"'{o}'" for o in got_orders)
            + ")"
        ).split()
    }
    got_items = parquet_rows(files["order_items"]["path"])
    assert {
        (i["order_id"], str(i["line_number"]), i["product_id"]) for i in got_items
    } == expected_items
    rewritten_lines = [i for i in got_items if i["order_id"] == changes["rewritten"]]
    assert [(i["line_number"], i["price"]) for i in rewritten_lines] == [(1, Decimal("55.55"))]
    assert sum(1 for key in old_items if key[0] == changes["rewritten"]) >= 1
    payments = [
        p for p in parquet_rows(files["payments"]["path"]) if p["order_id"] == changes["rewritten"]
    ]
    assert [(p["sequence"], p["method"], p["amount"]) for p in payments] == [
        (1, "voucher", Decimal("20.00")),
        (2, "credit_card", Decimal("40.00")),
    ]
    assert {p["order_id"] for p in parquet_rows(files["payments"]["path"])} <= set(got_orders)
    # customers: the soft-deleted one, and the overlap
    customers = fixture_rows("customers")
    customer_mark = latest(customers, "updated_at")
    overlap_customers = {
        c["customer_id"]
        for c in customers
        if datetime.fromisoformat(c["updated_at"]) >= customer_mark - OVERLAP
    }
    got_customers = {r["customer_id"]: r for r in parquet_rows(files["customers"]["path"])}
    assert set(got_customers) == {changes["erased"]} | overlap_customers
    assert got_customers[changes["erased"]]["deleted_at"] == datetime.fromisoformat(CHANGED_AT)
    # tables nobody changed: only their overlap; categories whole
    for name in ("sellers", "products"):
        rows = fixture_rows(name)
        mark = latest(rows, "updated_at")
        assert len(parquet_rows(files[name]["path"])) == len(
            since(rows, "updated_at", mark - OVERLAP)
        )
    reviews = fixture_rows("reviews")
    expected_reviews = since(
        reviews, "created_at", latest(reviews, "created_at") - OVERLAP
    ) | since(reviews, "answered_at", latest(reviews, "answered_at") - OVERLAP)
    assert len(parquet_rows(files["reviews"]["path"])) == len(expected_reviews)
    assert len(parquet_rows(files["categories"]["path"])) == len(fixture_rows("categories"))
    # a third run with nothing changed lands the overlap only, and moves no watermark
    third = extract(paths, shop_pg.url)
    again = landed(paths, third)
    assert again["orders"]["metadata"]["watermark"] == {"updated_at": CHANGED_AT}
    assert {r["order_id"] for r in parquet_rows(again["orders"]["path"])} == changed


def test_the_snapshot_is_one_repeatable_read_transaction(shop_pg: ShopPg):
    con = duckdb.connect()
    try:
        attach_postgres(con, DatabaseUrl.parse(shop_pg.url), "app")
        con.execute("begin transaction")
        before = con.execute("select count(*) from app.orders").fetchone()[0]
        shop_pg.sql(
            "insert into orders select 'late-order', customer_id, 'created', 'web', 'BRL', "
            "now(), null, null, null, null, now() from customers limit 1"
        )
        assert con.execute("select count(*) from app.orders").fetchone()[0] == before
        assert con.execute("select count(*) from app.order_items").fetchone()[0] == 4185
        con.execute("commit")
        assert con.execute("select count(*) from app.orders").fetchone()[0] == before + 1
    finally:
        con.close()


def test_a_database_that_refuses_connections_fails_clearly_after_retries(paths):
    report = extract(
        paths, "postgresql://postgres@127.0.0.1:1/shop", connect_attempts="3", retry_seconds="0.1"
    )
    (account,) = report.sources[0].accounts
    assert account.status == "failed" and account.files == []
    assert account.error.type == "SourceUnavailableError"
    assert "refused 3 connection attempts" in account.error.message
    assert "connection refused" in account.error.message.lower()
