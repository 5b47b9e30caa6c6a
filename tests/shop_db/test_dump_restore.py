"""`lake extract shop_db --dump` and `lake db restore`: a checksummed logical dump
(pg_dump for PostgreSQL, `.dump` for SQLite) restores into an empty database with equal
tables and row counts; a corrupted dump, a non-empty target and a missing `--confirm` change
nothing."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lake.cli import app
from lake.contracts.shop_db import TABLES
from lake.db.dumps import DumpChecksumError, file_sha256, restore_dump
from lake.errors import ConflictError
from lake.sandbox.shop.database import load_sqlite
from tests.shop_db.conftest import ShopPg, extract, fixture_rows, fixture_tables
from tests.support.postgres import PostgresServer

DUMP_NAME = re.compile(r"shop_backup_\d{8}_\d{6}\.sql")


def only_dump(folder: Path) -> Path:
    (dump,) = sorted(folder.glob("*.sql"))
    return dump


def pg_counts(server: PostgresServer, database: str) -> dict[str, int]:
    return {
        t.name: int(server.psql(database, f"select count(*) from {t.name}").strip()) for t in TABLES
    }


def pg_table_names(server: PostgresServer, database: str) -> list[str]:
    output = server.psql(
        database, "select tablename from pg_tables where schemaname = 'public' order by 1"
    )
    return output.split()


def restore_cli(dump: Path, target: str, *confirm: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["db", "restore", str(dump), "--target", target, *confirm])
    return result.exit_code, result.output


def test_postgres_dump_restores_into_an_empty_database(shop_pg: ShopPg, paths):
    report = extract(paths, shop_pg.url, dump="daily")
    assert report.ok, report.to_dict()
    dump = only_dump(paths.db_dumps / "daily")
    assert DUMP_NAME.fullmatch(dump.name)
    assert dump.read_text().startswith("--\n-- PostgreSQL database dump")
    recorded = (dump.parent / f"{dump.name}.sha256").read_text()
    assert recorded == f"{file_sha256(dump)}  {dump.name}\n"
    server = shop_pg.server
    server.create_database("restored")
    try:
        code, output = restore_cli(dump, server.url("restored"))
        assert code == 0 and "would restore" in output and "8 tables" in output
        assert pg_table_names(server, "restored") == []  # without --confirm: untouched
        code, output = restore_cli(dump, server.url("restored"), "--confirm")
        assert code == 0, output
        assert pg_table_names(server, "restored") == sorted(t.name for t in TABLES)
        assert pg_counts(server, "restored") == pg_counts(server, shop_pg.name)
        assert pg_counts(server, "restored")["orders"] == len(fixture_rows("orders"))
        assert server.psql("restored", "select sum(amount) from payments").strip() == "701402.49"
        # restored again: the target is no longer empty, refused
        code, output = restore_cli(dump, server.url("restored"), "--confirm")
        assert code == 2 and "not empty" in output
        assert pg_counts(server, "restored")["orders"] == 4044
    finally:
        server.drop_database("restored")


def test_a_corrupted_dump_is_refused_and_the_target_untouched(shop_pg: ShopPg, paths):
    assert extract(paths, shop_pg.url, dump="manual").ok
    dump = only_dump(paths.db_dumps / "manual")
    text = dump.read_bytes()
    dump.write_bytes(text.replace(b"701", b"702", 1) if b"701" in text else text + b"--\n")
    server = shop_pg.server
    server.create_database("corrupt_target")
    try:
        code, output = restore_cli(dump, server.url("corrupt_target"), "--confirm")
        assert code == 2 and "does not match its checksum" in output
        assert pg_table_names(server, "corrupt_target") == []
        with pytest.raises(DumpChecksumError):
            restore_dump(dump, server.url("corrupt_target"), confirm=True)
        assert pg_table_names(server, "corrupt_target") == []
    finally:
        server.drop_database("corrupt_target")


def test_sqlite_dump_round_trip(tmp_path, paths):
    source = tmp_path / "app.sqlite"
    load_sqlite(source, fixture_tables())
    report = extract(paths, f"sqlite:///{source}", dump="weekly")
    assert report.ok, report.to_dict()
    dump = only_dump(paths.db_dumps / "weekly")
    assert dump.read_text().startswith("BEGIN TRANSACTION;")
    target = tmp_path / "restored" / "shop.sqlite"
    code, output = restore_cli(dump, f"sqlite:///{target}")
    assert code == 0 and "would restore" in output and not target.exists()
    code, output = restore_cli(dump, f"sqlite:///{target}", "--confirm")
    assert code == 0, output

    def counts(path: Path) -> dict[str, int]:
        connection = sqlite3.connect(path)
        try:
            return {
                t.name: connection.execute(f"select count(*) from {t.name}").fetchone()[0]
                for t in TABLES
            }
        finally:
            connection.close()

    assert counts(target) == counts(source)
    assert counts(target)["payments"] == 4452
    before = target.read_bytes()
    with pytest.raises(ConflictError, match="not empty"):
        restore_dump(dump, f"sqlite:///{target}", confirm=True)
    assert target.read_bytes() == before
    (dump.parent / f"{dump.name}.sha256").unlink()
    with pytest.raises(DumpChecksumError, match="no checksum file"):
        restore_dump(dump, f"sqlite:///{tmp_path / 'other.sqlite'}", confirm=True)
    assert not (tmp_path / "other.sqlite").exists()


def test_a_dump_of_the_other_kind_is_refused(tmp_path, paths, postgres_server):
    source = tmp_path / "app.sqlite"
    load_sqlite(source, {"categories": fixture_tables()["categories"]})
    assert extract(paths, f"sqlite:///{source}", dump="manual").ok
    dump = only_dump(paths.db_dumps / "manual")
    code, output = restore_cli(dump, postgres_server.url("postgres"), "--confirm")
    assert code == 2 and "is a sqlite dump" in output


def test_lake_extract_dump_options(tmp_path, monkeypatch):
    source = tmp_path / "app.sqlite"
    load_sqlite(source, {"categories": fixture_tables()["categories"]})
    monkeypatch.setenv("LAKE_SHOP_DB_URL", f"sqlite:///{source}")
    root = tmp_path / "lake"
    runner = CliRunner()
    refused = runner.invoke(app, ["extract", "mailchimp", "--dump", "--root", str(root)])
    assert refused.exit_code == 2 and "--dump applies to shop_db only" in refused.output
    wrong = runner.invoke(app, ["extract", "shop_db", "--dump", "--frequency", "hourly"])
    assert wrong.exit_code == 2 and "hourly" in wrong.output
    done = runner.invoke(
        app, ["extract", "shop_db", "--dump", "--frequency", "weekly", "--root", str(root)]
    )
    assert done.exit_code == 0, done.output
    dump = only_dump(root / "db_dumps" / "weekly")
    assert DUMP_NAME.fullmatch(dump.name)
    assert 'INSERT INTO "categories"' in dump.read_text()
