"""`lake erase --subject customer:ID`: the subject's personal values leave every file under
the lake root and every backup, decoded; facts and totals stay; the suppression list keeps
them out of later publications."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import duckdb
import pytest

from lake.governance import logs
from lake.governance.suppression import suppressed
from lake.landing.store import SyncLandingStore

from .conftest import CUSTOMERS, ShopLake, make_shop_lake
from .decoded import search

pytestmark = pytest.mark.slow
BRUNO = {"bruno@uol.com.br", "Bruno Lima", "+55 21 99876-4321"}
OTHERS = {"Ana Souza", "carla@gmail.com", "+55 11 91234-5678"}


def land_copies(lake: ShopLake) -> None:
    """The customers as the shop's extract would land them: CSV, gzip, zip; and a SQLite."""
    lines = ["customer_id,email,full_name,phone,city"] + [
        ",".join(v or "" for v in row) for row in CUSTOMERS
    ]
    body = ("\n".join(lines) + "\n").encode()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("customers.csv", body)
    with SyncLandingStore(lake.paths) as store:
        store.store("customers.csv", body, "csv", metadata={"source": "shop"})
        store.store("customers.csv.gz", gzip.compress(body), "gzip", metadata={"source": "shop"})
        store.store("customers.zip", zipped.getvalue(), "zip", metadata={"source": "shop"})
    app = lake.root / "db_dumps" / "daily" / "app.sqlite"
    app.parent.mkdir(parents=True)
    with sqlite3.connect(app) as con:
        con.execute("create table customers (id text, email text, name text)")
        con.executemany("insert into customers values (?, ?, ?)", [r[:3] for r in CUSTOMERS])
    con.close()


def totals(lake: ShopLake) -> tuple[object, ...]:
    db = lake.paths.warehouse / "lake.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            "select count(*), sum(orders), sum(amount) from shop.fct_customer_orders"
        ).fetchone()
    assert row is not None
    return tuple(row)


def test_erasure_removes_the_subject_everywhere_and_keeps_totals(tmp_path: Path) -> None:
    lake = make_shop_lake(tmp_path / "lake")
    land_copies(lake)
    lake.build_and_publish()
    lake.lake("query", "--role", "analyst", "select 'bruno@uol.com.br' as probe", LAKE_USER="x")
    lake.lake("backup", "--to", str(tmp_path / "offsite"))
    before = totals(lake)
    scratch = tmp_path / "scratch"
    assert {v for _, v in search(lake.root, BRUNO, lake.paths, scratch)} == BRUNO

    dry = json.loads(lake.lake("erase", "--subject", "customer:c2", "--json").stdout)
    assert not dry["confirmed"] and dry["values_found"] >= 3
    assert any("landing" in f for f in dry["files"]) and any("offsite" in f for f in dry["files"])
    assert {v for _, v in search(lake.root, BRUNO, lake.paths, scratch)} == BRUNO

    done = json.loads(lake.lake("erase", "--subject", "customer:c2", "--confirm", "--json").stdout)
    assert done["confirmed"] and len(done["files"]) >= len(dry["files"])
    assert search(lake.root, BRUNO, lake.paths, scratch) == []
    assert search(tmp_path / "offsite", BRUNO, lake.paths, scratch) == []
    assert {v for _, v in search(lake.root, OTHERS, lake.paths, scratch)} == OTHERS
    assert totals(lake) == before

    assert "customer:c2" in suppressed(lake.paths)
    events = [r["event"] for r in logs.read(logs.audit_log(lake.paths))]
    assert events[0] == "backup" and "erase.request" in events and events[-1] == "erase.done"
    offsite = next((tmp_path / "offsite" / "manual").iterdir())
    lake.lake("restore", str(offsite))  # its manifest was re-checksummed: it still verifies
    with SyncLandingStore(lake.paths) as store:
        assert store.search("uol") == []

    # a later export of the whole table brings the subject's values back into raw
    lake.write_raw("customers", ["customer_id", "email", "full_name", "phone", "city"], CUSTOMERS)
    lake.lake("build", "--full-refresh")
    lake.lake("publish")
    with duckdb.connect(str(lake.paths.warehouse / "lake.duckdb"), read_only=True) as con:
        again = con.execute(
            "select email, full_name, phone from staging.stg_shop__customers "
            "where customer_id = 'c2'"
        ).fetchall()
    assert set(again) == {(None, None, None)}  # suppressed at publish, whatever raw brought
    assert totals(lake) == before


def test_an_unknown_subject_is_refused(tmp_path: Path) -> None:
    lake = make_shop_lake(tmp_path / "lake")
    result = lake.lake("erase", "--subject", "customer:nobody", check=False)
    assert result.returncode == 1 and "no personal data of customer:nobody" in result.stderr
    bad = lake.lake("erase", "--subject", "planet:x", check=False)
    assert bad.returncode == 1 and "KIND:ID" in bad.stderr


def test_ingest_redacts_suppressed_subjects_in_new_raw_files(tmp_path: Path) -> None:
    from lake.governance.suppression import redact_suppressed, suppress
    from lake.ingest.contract import Column

    paths = make_shop_lake(tmp_path / "lake").paths
    schema = (
        Column("customer_id", "Key.", "internal"),
        Column("email", "E-mail.", "restricted"),
        Column("city", "City.", "internal"),
    )
    fake = type("D", (), {"schema": schema, "columns": ("customer_id", "email", "city")})()
    raw = tmp_path / "part.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from (values ('c1', 'a@b.com', 'rio'), ('c2', 'c@d.com', 'x')) "
            f"t(customer_id, email, city)) to '{raw}' (format parquet)"
        )
    assert redact_suppressed(paths, fake, raw).rows == 0
    suppress(paths, "customer:c2", "customer_id", "c2")
    redaction = redact_suppressed(paths, fake, raw)
    assert (redaction.rows, redaction.values) == (1, {"c2": {"c@d.com"}})
    with duckdb.connect() as con:
        rows = con.execute(f"select * from read_parquet('{raw}') order by 1").fetchall()
    assert rows == [("c1", "a@b.com", "rio"), ("c2", None, "x")]
