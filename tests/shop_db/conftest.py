"""The shop database suites: a real PostgreSQL server loaded with the real fixture, and
helpers to extract (`lake extract shop_db`'s runner) and ingest (`lake ingest`)."""

from __future__ import annotations

import asyncio
import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extract.runner import Runner, RunReport
from extract.shop_db import EXTRACTOR
from lake.config import LakePaths
from lake.contracts.shop_db import TABLES
from lake.landing import SyncLandingStore
from lake.sandbox.shop.database import SCHEMA_FILE
from tests.support.postgres import PostgresServer, postgres_server  # noqa: F401

FIXTURE = Path("/work/shared/fixtures/shop/app_tables")
_names = itertools.count()
CHANGED_AT = "2026-12-01 10:00:00"


def fixture_rows(table: str) -> list[dict[str, str]]:
    with (FIXTURE / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def fixture_tables() -> dict[str, list[dict[str, str | None]]]:
    """Every fixture table, an empty field as NULL (as `\\copy ... csv` reads it)."""
    return {
        t.name: [
            {k: (v if v != "" else None) for k, v in row.items()} for row in fixture_rows(t.name)
        ]
        for t in TABLES
    }


def load_fixture_sql() -> str:
    """The DDL, then `\\copy` of every fixture table in load order."""
    lines = [SCHEMA_FILE.read_text(encoding="utf-8")]
    for table in TABLES:
        path = FIXTURE / f"{table.name}.csv"
        lines.append(f"\\copy {table.name} from '{path}' with (format csv, header true)")
    return "\n".join(lines) + "\n"


@dataclass
class ShopPg:
    server: PostgresServer
    name: str

    @property
    def url(self) -> str:
        return self.server.url(self.name)

    def sql(self, statement: str) -> str:
        return self.server.psql(self.name, statement)

    def count(self, table: str) -> int:
        return int(self.sql(f"select count(*) from {table}").strip())


@pytest.fixture
def shop_pg(postgres_server: PostgresServer) -> Iterator[ShopPg]:  # noqa: F811
    """A fresh database holding the real fixture (4,044 orders), dropped after the test."""
    name = f"shop_{next(_names)}"
    postgres_server.create_database(name)
    database = ShopPg(postgres_server, name)
    database.sql(load_fixture_sql())
    try:
        yield database
    finally:
        postgres_server.drop_database(name)


@pytest.fixture
def paths(tmp_path: Path) -> LakePaths:
    return LakePaths(tmp_path / "lake").ensure()


def extract(paths: LakePaths, url: str, **settings: str) -> RunReport:
    """One `lake extract shop_db` run (the runner, in process) with `LAKE_SHOP_DB_*`."""
    env = {"LAKE_SHOP_DB_URL": url, "LAKE_SHOP_DB_RETRY_SECONDS": "0.2"}
    env |= {f"LAKE_SHOP_DB_{k.upper()}": v for k, v in settings.items()}
    report = asyncio.run(Runner(paths, env=env).run({"shop_db": EXTRACTOR}))
    return report


def landed(paths: LakePaths, report: RunReport) -> dict[str, dict[str, Any]]:
    """table -> {"path", "metadata"} of the files one run landed."""
    store = SyncLandingStore(paths)
    found = {}
    for account in report.sources[0].accounts:
        for file in account.files:
            entry = store.retrieve_by_path(file["path"])
            found[entry.metadata["dataset"]] = {
                "path": paths.root / file["path"],
                "metadata": entry.metadata,
            }
    return found


def money(values: list[str]) -> Decimal:
    return sum((Decimal(v) for v in values if v), Decimal(0))


def change_the_shop(db: ShopPg) -> dict[str, object]:
    """Status updates, two new orders, one open order's items and payments rewritten, a
    customer soft-deleted: what the next incremental extract must land."""
    orders = fixture_rows("orders")
    items = fixture_rows("order_items")
    with_items = {i["order_id"] for i in items}
    open_orders = sorted(
        o["order_id"]
        for o in orders
        if o["status"] in ("shipped", "processing", "invoiced") and o["order_id"] in with_items
    )
    delivered, rewritten = open_orders[:5], open_orders[5]
    customer = fixture_rows("customers")[0]["customer_id"]
    erased = fixture_rows("customers")[1]["customer_id"]
    product, seller = items[0]["product_id"], items[0]["seller_id"]
    other_product, other_seller = items[1]["product_id"], items[1]["seller_id"]
    quoted = ", ".join(f"'{o}'" for o in delivered)
    db.sql(
        f"""
        update orders set status = 'delivered', delivered_customer_at = '{CHANGED_AT}',
            updated_at = '{CHANGED_AT}' where order_id in ({quoted});
        insert into orders values
            ('new-order-1', '{customer}', 'created', 'agent', 'BRL', '{CHANGED_AT}', null, null,
             null, '2026-12-20', '{CHANGED_AT}'),
            ('new-order-2', '{customer}', 'approved', 'app', 'USD', '{CHANGED_AT}',
             '{CHANGED_AT}', null, null, '2026-12-22', '{CHANGED_AT}');
        insert into order_items values
            ('new-order-1', 1, '{product}', '{seller}', '{CHANGED_AT}', 10.00, 5.00),
            ('new-order-2', 1, '{product}', '{seller}', '{CHANGED_AT}', 20.00, 2.50),
            ('new-order-2', 2, '{other_product}', '{other_seller}', '{CHANGED_AT}', 7.25, 0.00);
        insert into payments values ('new-order-2', 1, 'credit_card', 3, 29.75, '{CHANGED_AT}');
        delete from order_items where order_id = '{rewritten}';
        insert into order_items values
            ('{rewritten}', 1, '{other_product}', '{other_seller}', '{CHANGED_AT}', 55.55, 4.45);
        delete from payments where order_id = '{rewritten}';
        insert into payments values
            ('{rewritten}', 1, 'voucher', 1, 20.00, '{CHANGED_AT}'),
            ('{rewritten}', 2, 'credit_card', 2, 40.00, '{CHANGED_AT}');
        update orders set updated_at = '{CHANGED_AT}' where order_id = '{rewritten}';
        update customers set deleted_at = '{CHANGED_AT}', updated_at = '{CHANGED_AT}'
            where customer_id = '{erased}';
        """
    )
    return {
        "delivered": delivered,
        "rewritten": rewritten,
        "new": ["new-order-1", "new-order-2"],
        "erased": erased,
    }
