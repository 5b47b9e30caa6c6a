"""Erasure on the real shop fixture (`/work/shared/fixtures/shop/app_tables/`, 4,044 orders):
for a customer whose e-mail and phone appear once, none of their e-mail, name or phone can be
found decoded anywhere under the lake root afterwards, and the marts' totals are unchanged.

The application's tables are landed as its extract would (one CSV per table, a gzip and a zip
of them, a SQLite dump); raw holds them as Parquet; the tiny shop project builds staging and
the marts. (The shop's own contracts and models come with the shop-db branch: this test
reads the same tables.)"""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import duckdb
import pytest

from lake.landing.store import SyncLandingStore

from .conftest import ShopLake
from .decoded import search

pytestmark = pytest.mark.slow
FIXTURE = Path("/work/shared/fixtures/shop/app_tables")
PAYMENTS_TOTAL = 701_402.49


def read_csv(table: str) -> str:
    return f"read_csv('{FIXTURE / table}.csv', header = true, all_varchar = true)"


def subject() -> tuple[str, set[str], str]:
    """A customer with orders whose e-mail and phone each appear once in the fixture (names
    repeat: 300 names for 4,010 customers). Returns (id, {e-mail, phone}, name)."""
    everything = "\n".join(p.read_text(encoding="utf-8") for p in FIXTURE.glob("*.csv")).lower()
    with duckdb.connect() as con:
        rows = con.execute(
            f"select customer_id, email, full_name, phone from {read_csv('customers')} "
            f"where phone is not null and full_name is not null and customer_id in "
            f"(select customer_id from {read_csv('orders')}) order by customer_id"
        ).fetchall()
    for customer_id, email, name, phone in rows:
        if everything.count(email.lower()) == 1 and everything.count(phone.lower()) == 1:
            return customer_id, {email, phone}, name
    raise AssertionError("no customer whose e-mail and phone appear once")


def land_and_stage(lake: ShopLake) -> None:
    tables = sorted(FIXTURE.glob("*.csv"))
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in tables:
            archive.write(path, path.name)
    with SyncLandingStore(lake.paths) as store:
        for path in tables:
            store.store(path.name, path.read_bytes(), "csv", metadata={"source": "shop_db"})
        customers = (FIXTURE / "customers.csv").read_bytes()
        store.store(
            "customers.csv.gz", gzip.compress(customers), "gzip", metadata={"source": "shop_db"}
        )
        store.store("app_tables.zip", zipped.getvalue(), "zip", metadata={"source": "shop_db"})
    dump = lake.root / "db_dumps" / "daily" / "shop_app.sqlite"
    dump.parent.mkdir(parents=True)
    with duckdb.connect() as con:
        customers_rows = con.execute(f"select * from {read_csv('customers')}").fetchall()
        columns = [
            d[0] for d in con.execute(f"select * from {read_csv('customers')} limit 0").description
        ]
    with sqlite3.connect(dump) as db:
        db.execute(f"create table customers ({', '.join(columns)})")
        db.executemany(
            f"insert into customers values ({', '.join('?' * len(columns))})", customers_rows
        )
    db.close()
    raw = lake.root / "raw" / "_source=shop"
    selects = {
        "customers": f"select *, 'x' as _sha256 from {read_csv('customers')}",
        "orders": (
            "select o.order_id, o.customer_id, "
            "coalesce(sum(p.amount::decimal(12, 2)), 0)::varchar as amount, "
            f"'x' as _sha256 from {read_csv('orders')} o "
            f"left join {read_csv('payments')} p using (order_id) group by all"
        ),
        "reviews": f"select order_id, message, 'x' as _sha256 from {read_csv('reviews')}",
    }
    with duckdb.connect() as con:
        for dataset, select in selects.items():
            folder = raw / f"_dataset={dataset}" / "_date=2026-11-20"
            folder.mkdir(parents=True)
            con.execute(f"copy ({select}) to '{folder / 'part-0.parquet'}' (format parquet)")


def totals(lake: ShopLake) -> tuple[object, ...]:
    with duckdb.connect(str(lake.paths.warehouse / "lake.duckdb"), read_only=True) as con:
        row = con.execute(
            "select count(*), sum(orders), sum(amount) from shop.fct_customer_orders"
        ).fetchone()
    assert row is not None
    return tuple(row)


def test_erasing_a_real_customer_leaves_no_trace_and_the_same_totals(tmp_path: Path) -> None:
    customer_id, values, name = subject()
    lake = ShopLake(tmp_path / "lake")
    lake.paths.ensure()
    land_and_stage(lake)
    lake.build_and_publish()
    lake.lake("backup", "--frequency", "daily")
    before = totals(lake)
    assert float(before[2]) == PAYMENTS_TOTAL and before[1] == 4044  # type: ignore[arg-type]
    scratch = tmp_path / "scratch"
    assert {v for _, v in search(lake.root, values, lake.paths, scratch)} == values
    assert search(lake.root, {name}, lake.paths, scratch, key=customer_id)
    others = search(lake.root, {name}, lake.paths, scratch)

    done = json.loads(
        lake.lake("erase", "--subject", f"customer:{customer_id}", "--confirm", "--json").stdout
    )
    assert done["values_found"] >= 3

    assert search(lake.root, values, lake.paths, scratch) == []
    assert search(lake.root, {name}, lake.paths, scratch, key=customer_id) == []
    # the customers who share the name keep it
    assert {f for f, _ in search(lake.root, {name}, lake.paths, scratch)} == {f for f, _ in others}
    assert totals(lake) == before
