"""`lake publish` masks restricted columns everywhere it publishes and writes one database per
role; role connections are read-only, hardened and logged. One small shop lake is built once
(`conftest.py`)."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import duckdb
import pytest

from lake.governance import logs
from lake.governance.access import QueryRefusedError, QueryTimeoutError, open_role
from lake.governance.export import export
from lake.governance.role_dbs import role_db
from lake.governance.roles import RoleRefusedError
from lake.governance.scan import scan_published
from lake.governance.workspace import open_workspace

from .conftest import CUSTOMERS

pytestmark = pytest.mark.slow
PERSONAL = [v for row in CUSTOMERS for v in row[1:4] if v]


def read(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_published_database_and_parquet_hold_no_personal_value(shop) -> None:
    assert scan_published(shop.paths) == []
    published = shop.paths.warehouse / "lake.duckdb"
    rows = read(published, "select email, full_name, phone from staging.stg_shop__customers")
    assert ("***@example.com", rows[0][1], "***5678") in rows
    for value in PERSONAL:
        for path in [published, *shop.paths.curated.rglob("*.parquet")]:
            assert value.encode() not in path.read_bytes(), f"{value} in {path}"


def test_masked_identifiers_join_across_tables(shop) -> None:
    published = shop.paths.warehouse / "lake.duckdb"
    joined = read(
        published,
        "select count(*) from shop.fct_customer_orders f "
        "join staging.stg_shop__customers c on f.full_name = c.full_name",
    )
    assert joined == [(3,)]
    totals = read(published, "select sum(amount), sum(orders) from shop.fct_customer_orders")
    assert [(float(a), int(o)) for a, o in totals] == [(36.25, 4)]


def test_free_text_is_scrubbed_in_the_published_database(shop) -> None:
    messages = read(
        shop.paths.warehouse / "lake.duckdb",
        "select message from staging.stg_shop__reviews where message is not null order by 1",
    )
    assert messages == [
        ("card [card] was charged twice, cpf [cpf]",),
        ("great! write me at [email] or call [phone]",),
    ]


def test_secrets_are_generated_once_owner_only_and_never_logged(shop) -> None:
    folder = shop.paths.state / "secrets"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("mask_salt", "encryption_key"):
        secret = (folder / name).read_text().strip()
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
        for path in shop.root.rglob("*"):
            if path.is_file() and "secrets" not in path.parts:
                assert secret.encode() not in path.read_bytes(), f"{name} in {path}"


def test_each_role_database_holds_only_its_schemas(shop) -> None:
    def schemas(role: str) -> set[str]:
        return {
            str(r[0])
            for r in read(role_db(shop.paths, role), "select schema_name from duckdb_tables()")
        }

    assert schemas("analyst") == {"shop"}
    assert schemas("ai_agent") == {"shop"}
    assert schemas("data_scientist") == {"shop", "staging"}
    for role in ("analyst", "ai_agent", "data_scientist", "data_engineer"):
        assert not role_db(shop.paths, role).stat().st_mode & 0o222, f"{role} is writable"


def test_only_data_engineer_reads_unmasked_values_and_its_file_is_encrypted(shop) -> None:
    db = role_db(shop.paths, "data_engineer")
    with pytest.raises(duckdb.Error):
        read(db, "select 1")  # no key: not readable as a plain database
    for value in PERSONAL:
        assert value.encode() not in db.read_bytes()
    with open_role(shop.paths, "data_engineer", user="data_engineer") as con:
        _, rows = con.query("select email from staging.stg_shop__customers order by 1")
    assert rows == [("Ana.Souza@Example.com",), ("bruno@uol.com.br",), ("carla@gmail.com",)]
    with open_role(shop.paths, "analyst", user="someone") as con:
        _, rows = con.query("select email from shop.dim_customer order by 1")
    assert rows == [("***@example.com",), ("***@gmail.com",), ("***@uol.com.br",)]


FORBIDDEN = [
    "attach '{root}/warehouse/lake.duckdb' as other",
    "select * from read_parquet('{root}/raw/_source=shop/_dataset=customers/*/*.parquet')",
    "copy (select * from shop.dim_customer) to '{root}/leak.csv'",
    "set enable_external_access = true",
    "set threads = 1",
    "install spatial",
    "load spatial",
    "select * from staging.stg_shop__customers",
]


@pytest.mark.parametrize("sql", FORBIDDEN)
def test_a_role_cannot_reach_what_it_is_not_granted(shop, sql: str) -> None:
    statement = sql.format(root=shop.root)
    with open_role(shop.paths, "analyst", user="someone") as con:
        with pytest.raises(QueryRefusedError):
            con.query(statement)
        _, rows = con.query("select count(*) from shop.dim_customer")
    assert rows == [(3,)]
    assert not (shop.root / "leak.csv").exists()
    last = logs.read(logs.access_log(shop.paths))[-2]
    assert (last["sql"], last["refused"], last["role"], last["user"]) == (
        statement,
        True,
        "analyst",
        "someone",
    )


def test_data_engineer_reads_the_raw_zone_and_nothing_else(shop) -> None:
    with open_role(shop.paths, "data_engineer", user="data_engineer") as con:
        raw = shop.root / "raw" / "_source=shop" / "_dataset=customers"
        _, rows = con.query(f"select count(*) from read_parquet('{raw}/*/*.parquet')")
        assert rows == [(3,)]
        with pytest.raises(QueryRefusedError):
            con.query(f"select * from read_text('{shop.root}/_state/secrets/mask_salt')")


def test_a_role_the_user_does_not_hold_is_refused_and_logged(shop, monkeypatch) -> None:
    monkeypatch.setenv("LAKE_USER", "mallory")
    with pytest.raises(RoleRefusedError):
        open_role(shop.paths, "data_engineer", sql="select 1")
    last = logs.read(logs.access_log(shop.paths))[-1]
    assert (last["user"], last["role"], last["refused"], last["sql"]) == (
        "mallory",
        "data_engineer",
        True,
        "select 1",
    )
    refused = shop.lake(
        "query", "--role", "data_engineer", "select 1", check=False, LAKE_USER="mallory"
    )
    assert refused.returncode == 1 and "may not take the role" in refused.stderr


def test_lake_query_answers_and_logs_rows(shop) -> None:
    result = shop.lake(
        "query",
        "--role",
        "analyst",
        "--json",
        "select city from shop.dim_customer order by 1",
        LAKE_USER="ann",
    )
    assert json.loads(result.stdout) == [{"city": "recife"}, {"city": "rio"}, {"city": "sao paulo"}]
    last = logs.read(logs.access_log(shop.paths))[-1]
    assert (last["user"], last["role"], last["rows"], last["refused"]) == (
        "ann",
        "analyst",
        3,
        False,
    )


def test_ai_agent_queries_stop_at_their_time_limit(shop, tmp_path, monkeypatch) -> None:
    roles = tmp_path / "roles.toml"
    roles.write_text(
        '[roles.ai_agent]\nschemas = ["@domains"]\nmax_seconds = 0.5\nusers = ["bot"]\n'
    )
    monkeypatch.setenv("LAKE_ROLES_FILE", str(roles))
    started = time.monotonic()
    with open_role(shop.paths, "ai_agent", user="bot") as con, pytest.raises(QueryTimeoutError):
        con.query("select count(*) from range(100000000000) a")
    assert time.monotonic() - started < 10
    assert logs.read(logs.access_log(shop.paths))[-1]["error"] == "timeout"


def test_a_workspace_is_writable_and_sees_its_role_read_only(shop) -> None:
    with open_workspace(shop.paths, "ann", "churn", "analyst") as ws:
        ws.query("create table mine as select city from lake.shop.dim_customer")
        assert ws.query("select count(*) from mine")[1] == [(3,)]
        with pytest.raises(QueryRefusedError):
            ws.query("create table lake.shop.x as select 1")
        with pytest.raises(QueryRefusedError):
            ws.query("select * from lake.staging.stg_shop__customers")
    scratch = shop.root / "workspace" / "ann" / "churn" / "scratch.duckdb"
    assert read(scratch, "select count(*) from mine") == [(3,)]
    result = shop.lake(
        "workspace",
        "ann",
        "churn",
        "--role",
        "analyst",
        "--sql",
        "select count(*) from mine",
        "--json",
    )
    assert json.loads(result.stdout)["rows"] == [[3]]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_export_reads_the_masked_database(shop, tmp_path, fmt: str) -> None:
    out = tmp_path / f"customers.{fmt}"
    assert export(shop.paths, output=out, fmt=fmt, model="dim_customer") == 3
    with duckdb.connect() as con:
        reader = {"csv": "read_csv", "parquet": "read_parquet", "json": "read_json"}[fmt]
        rows = con.execute(f"select email from {reader}('{out}') order by 1").fetchall()
    assert rows == [("***@example.com",), ("***@gmail.com",), ("***@uol.com.br",)]


def test_export_with_a_role_goes_through_its_database(shop, tmp_path) -> None:
    out = tmp_path / "q.csv"
    shop.lake(
        "export",
        "--query",
        "select customer_id from staging.stg_shop__customers",
        "--format",
        "csv",
        "--output",
        str(out),
        "--role",
        "data_engineer",
        LAKE_USER="data_engineer",
    )
    assert out.read_text().split() == ["customer_id", "c1", "c2", "c3"]
    refused = shop.lake(
        "export",
        "--query",
        "select * from staging.stg_shop__customers",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "no.csv"),
        "--role",
        "analyst",
        check=False,
    )
    assert refused.returncode == 1 and not (tmp_path / "no.csv").exists()
