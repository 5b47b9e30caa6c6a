"""The sandbox shop world: the application's tables, deterministic, history kept as today moves."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from lake.sandbox.shop.world import COLUMNS, ShopWorld
from lake.sandbox.world import World

SCHEMA = Path(__file__).parents[2] / "lake" / "sandbox" / "shop" / "app_schema.sql"
TODAY = date(2026, 11, 23)
ORIGIN = TODAY - timedelta(days=730)


@pytest.fixture(scope="module")
def shop() -> ShopWorld:
    return ShopWorld(20240601, TODAY, ORIGIN)


def schema_columns() -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    for name, body in re.findall(r"create table (\w+) \((.*?)\n\);", SCHEMA.read_text(), re.S):
        columns = [line.split()[0] for line in body.splitlines() if line.strip()]
        tables[name] = [c for c in columns if c not in ("primary", "--") and not c.startswith("--")]
    return tables


def test_tables_are_the_application_schema(shop: ShopWorld) -> None:
    schema = schema_columns()
    assert list(shop.table_names) == list(schema)
    for name, columns in schema.items():
        assert list(COLUMNS[name]) == columns
        rows = shop.table(name)
        assert rows, name
        assert all(list(row) == columns for row in rows), name


def test_figures_and_quirks(shop: ShopWorld) -> None:
    orders = shop.table("orders")
    items, payments = shop.table("order_items"), shop.table("payments")
    reviews = shop.table("reviews")
    assert 2500 < len(orders) < 5000
    statuses = Counter(o["status"] for o in orders)
    assert statuses["delivered"] > len(orders) / 2
    assert statuses["canceled"] and statuses["unavailable"] and statuses["shipped"]
    assert set(Counter(o["channel"] for o in orders)) == {"web", "app", "agent"}
    assert max(p["sequence"] for p in payments) >= 4  # paid in several parts
    assert any(p["method"] == "not_defined" and p["amount"] == 0 for p in payments)
    with_items = {i["order_id"] for i in items}
    paid_no_items = {p["order_id"] for p in payments} - with_items
    assert paid_no_items  # canceled or unavailable: items deleted, payments kept
    assert {o["status"] for o in orders if o["order_id"] in paid_no_items} <= {
        "canceled",
        "unavailable",
    }
    goods: Counter[str] = Counter()
    for i in items:
        goods[i["order_id"]] += i["price"] + i["freight_value"]
    paid: Counter[str] = Counter()
    for p in payments:
        paid[p["order_id"]] += p["amount"]
    assert sum(1 for o in paid if o in goods and paid[o] != goods[o]) > 20
    review_orders = Counter(r["review_id"] for r in reviews)
    assert max(review_orders.values()) == 2  # one review covering two orders
    assert any(r["message"] and "\n" in r["message"] for r in reviews)
    assert any(r["message"] and '"' in r["message"] for r in reviews)
    customers = shop.table("customers")
    assert all(re.fullmatch(r"\+55 \d\d 9\d{8}", c["phone"]) for c in customers if c["phone"])
    assert any(c["phone"] is None for c in customers)
    assert any(c["email"].isupper() for c in customers)
    assert any(c["deleted_at"] for c in customers)
    products = shop.table("products")
    gtins = [p["gtin"] for p in products if p["gtin"]]
    assert 0.7 < len(gtins) / len(products) < 0.95
    assert all(len(g) == 13 and g.startswith("789") for g in gtins)
    assert all(isinstance(p["list_price"], Decimal) for p in products)


def test_referential_integrity(shop: ShopWorld) -> None:
    keys = {
        name: {row[f"{name[:-1]}_id"] for row in shop.table(name)}
        for name in ("customers", "sellers", "products", "orders")
    }
    categories = {c["category_id"] for c in shop.table("categories")}
    assert {p["category_id"] for p in shop.table("products")} - categories == {None}
    assert {o["customer_id"] for o in shop.table("orders")} <= keys["customers"]
    for item in shop.table("order_items"):
        assert item["order_id"] in keys["orders"]
        assert item["product_id"] in keys["products"]
        assert item["seller_id"] in keys["sellers"]
    for name in ("payments", "reviews"):
        assert {row["order_id"] for row in shop.table(name)} <= keys["orders"]


def test_deterministic_and_history_kept(shop: ShopWorld) -> None:
    later = ShopWorld(20240601, TODAY + timedelta(days=5), ORIGIN)
    assert later.table("orders") == shop.advanced(5).table("orders")
    assert ShopWorld(20240601, TODAY, ORIGIN).table("payments") == shop.table("payments")
    now = datetime(TODAY.year, TODAY.month, TODAY.day)
    before = {o["order_id"]: o for o in shop.table("orders")}
    after = {o["order_id"]: o for o in later.table("orders")}
    assert set(before) < set(after)  # new orders
    moved = [k for k in before if after[k] != before[k]]
    assert moved  # open orders moved on, and only they did
    assert all(after[k]["updated_at"] >= now for k in moved)
    assert all(before[k]["status"] not in ("delivered", "canceled", "unavailable") for k in moved)
    assert all(o["updated_at"] < now for o in before.values())


def test_music_world_has_the_shop() -> None:
    world = World(today=TODAY)
    assert world.shop.today == TODAY and world.shop.origin == world.origin
    assert world.shop is world.shop
    assert world.advanced(1).shop.today == TODAY + timedelta(days=1)
