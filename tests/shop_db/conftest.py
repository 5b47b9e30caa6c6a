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


def fixture_rows(table: str) -> list[dict[str, str]]:
    with (FIXTURE / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


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
