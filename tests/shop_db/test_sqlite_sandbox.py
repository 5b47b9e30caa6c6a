"""`lake extract shop_db` on the sandbox's SQLite database (the demo path): the world's
tables land whole, an advanced world lands only what changed, a database that refuses
readers for a while is retried and one that keeps refusing fails clearly, and a malformed
value is named."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from lake.cli import app
from lake.contracts.shop_db import TABLES
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.shop.database import load_sqlite
from lake.sandbox.world import World
from tests.dbt.staging_support import ingest
from tests.shop_db.conftest import extract, landed

TODAY = date(2026, 11, 23)
OVERLAP = timedelta(minutes=60)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox(World(today=TODAY)) as running:
        yield running


def ids(rows: list[dict]) -> set[str]:
    return {row["order_id"] for row in rows}


def test_env_and_exec_point_the_extractor_at_the_shop_database(sandbox):
    result = CliRunner().invoke(app, ["sandbox", "env", "--url", sandbox.url])
    assert result.exit_code == 0
    lines = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert lines["LAKE_SHOP_DB_URL"] == sandbox.shop_db_url
    path = Path(sandbox.shop_db_url.removeprefix("sqlite:///"))
    connection = sqlite3.connect(path)
    try:
        count = connection.execute("select count(*) from orders").fetchone()[0]
    finally:
        connection.close()
    assert count == len(sandbox.world.shop.table("orders"))


def test_full_then_incremental_after_the_world_advances(sandbox, paths):
    before = {name: sandbox.world.shop.table(name) for name in sandbox.world.shop.table_names}
    first = extract(paths, sandbox.shop_db_url)
    assert first.ok, first.to_dict()
    files = landed(paths, first)
    for spec in TABLES:
        rows = pq.read_table(files[spec.name]["path"]).to_pylist()
        assert rows == before[spec.name], spec.name  # the world's rows, values and types
    ingest(paths.root)

    sandbox.admin.advance(3)
    after = sandbox.world.shop.table("orders")
    second = extract(paths, sandbox.shop_db_url)
    assert second.ok, second.to_dict()
    files = landed(paths, second)
    old = {o["order_id"]: o for o in before["orders"]}
    mark = max(o["updated_at"] for o in before["orders"])
    changed = {o["order_id"] for o in after if old.get(o["order_id"]) != o}
    overlap = {o["order_id"] for o in after if o["updated_at"] >= mark - OVERLAP}
    got = pq.read_table(files["orders"]["path"]).to_pylist()
    assert changed and ids(got) == changed | overlap
    assert files["orders"]["metadata"]["mode"] == "incremental"
    items = pq.read_table(files["order_items"]["path"]).to_pylist()
    assert items == [
        i for i in sandbox.world.shop.table("order_items") if i["order_id"] in ids(got)
    ]
    ingest(paths.root)


def test_a_database_refusing_readers_for_a_while_is_retried(sandbox, paths):
    url = sandbox.shop_db_url
    sandbox.admin.refuse_shop_db(3)
    report = extract(paths, url, connect_attempts="6", retry_seconds="1", connect_timeout="1")
    assert report.ok, report.to_dict()
    log = Path(report.log).read_text()
    assert "database_refused" in log and "database is locked" in log


def test_a_database_that_keeps_refusing_fails_clearly(sandbox, paths):
    url = sandbox.shop_db_url
    sandbox.admin.refuse_shop_db(20)
    started = datetime.now()
    report = extract(paths, url, connect_attempts="2", retry_seconds="0.5", connect_timeout="1")
    assert datetime.now() - started < timedelta(seconds=15)
    (account,) = report.sources[0].accounts
    assert account.status == "failed" and account.files == []
    assert account.error.type == "SourceUnavailableError"
    assert "refused 2 connection attempts" in account.error.message
    assert "database is locked" in account.error.message


def test_a_malformed_value_is_named_and_nothing_lands(tmp_path, paths):
    database = tmp_path / "shop.sqlite"
    load_sqlite(database, {"categories": [{"category_id": "x", "name_en": "x"}]})
    connection = sqlite3.connect(database)
    with connection:
        connection.execute(
            "insert into sellers values ('s1', '01000', 'sao paulo', 'SP', 'yesterday', "
            "'2026-01-01 00:00:00')"
        )
    connection.close()
    report = extract(paths, f"sqlite:///{database}")
    (account,) = report.sources[0].accounts
    assert account.status == "failed" and account.files == []
    assert "table sellers holds a value" in account.error.message
    assert "yesterday" in account.error.message


def test_an_unset_or_bad_url_says_what_to_set(paths):
    report = extract(paths, "")
    (account,) = report.sources[0].accounts
    assert account.error.type == "ConfigError" and "LAKE_SHOP_DB_URL" in account.error.message
    report = extract(paths, "mysql://db/shop")
    (account,) = report.sources[0].accounts
    assert account.error.type == "ConfigError" and "postgresql://" in account.error.hint
