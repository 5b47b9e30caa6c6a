"""Erasure on the real shop fixture (`/work/shared/fixtures/shop/app_tables/`, 4,044 orders),
through the real path: the application database (SQLite) -> `lake extract shop_db` (with its
daily dump) -> `lake ingest` -> `lake build` (the shop_db staging models and a small mart,
`shop_project/`) -> `lake publish` -> `lake backup`. For a
customer whose e-mail and phone appear once, afterwards none of their e-mail or phone can be
found anywhere under the lake root, nor their name beside their key (300 names are shared by
4,010 customers: the others keep theirs), searched decoded; every published table keeps its
rows and totals."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from lake.config import LakePaths
from lake.governance import logs
from lake.governance.backup import sha256_of
from lake.landing.store import SyncLandingStore
from lake.sandbox.shop.database import load_sqlite
from tests.shop_db.conftest import FIXTURE, extract, fixture_tables

from .decoded import search

pytestmark = pytest.mark.slow
LAKE_BIN = Path(sys.executable).with_name("lake")
PROJECT = Path(__file__).parent / "shop_project"


def lake(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LAKE_ROOT": str(root),
        "DO_NOT_TRACK": "1",
        "LAKE_DBT_PROJECT_DIR": str(PROJECT),
    }
    for name in ("LAKE_MASK_SALT", "LAKE_ENCRYPTION_KEY"):
        env.pop(name, None)
    done = subprocess.run(
        [str(LAKE_BIN), *args], env=env, capture_output=True, text=True, timeout=1500
    )
    assert done.returncode == 0, f"lake {' '.join(args)}: {done.stderr[-3000:]}"
    return done


def subject() -> tuple[str, set[str], str]:
    """A customer with orders whose e-mail and phone each appear once in the fixture.
    Returns (id, {e-mail, phone}, name)."""
    everything = "\n".join(p.read_text(encoding="utf-8") for p in FIXTURE.glob("*.csv")).lower()
    customers = fixture_tables()["customers"]
    ordering = {o["customer_id"] for o in fixture_tables()["orders"]}
    for row in sorted(customers, key=lambda r: str(r["customer_id"])):
        email, phone = row["email"] or "", row["phone"] or ""
        once = everything.count(email.lower()) == 1 and everything.count(phone.lower()) == 1
        if row["customer_id"] in ordering and email and phone and row["full_name"] and once:
            return str(row["customer_id"]), {email, phone}, str(row["full_name"])
    raise AssertionError("no customer whose e-mail and phone appear once")


def published_totals(root: Path) -> dict[str, tuple[object, ...]]:
    """Rows and the sum of every numeric column of every published table."""
    found = {}
    with duckdb.connect(str(root / "warehouse" / "lake.duckdb"), read_only=True) as con:
        columns = con.execute(
            "select schema_name, table_name, list(column_name) filter (where data_type like "
            "'DECIMAL%' or data_type in ('INTEGER', 'BIGINT', 'DOUBLE', 'HUGEINT')) "
            "from duckdb_columns() where schema_name not in ('lake_ops') group by all"
        ).fetchall()
        for schema, table, numeric in columns:
            sums = "".join(f', sum("{c}")' for c in numeric or [])
            row = con.execute(f'select count(*){sums} from "{schema}"."{table}"').fetchone()
            found[f"{schema}.{table}"] = tuple(row or ())
    return found


def test_erasing_a_real_customer_leaves_no_trace_and_the_same_totals(tmp_path: Path) -> None:
    customer_id, values, name = subject()
    app = tmp_path / "shop.sqlite"
    load_sqlite(app, fixture_tables())
    root = tmp_path / "lake"
    paths = LakePaths(root).ensure()
    assert extract(paths, f"sqlite:///{app}", dump="daily").ok
    lake(root, "ingest")
    lake(root, "build")
    lake(root, "publish")
    lake(root, "backup", "--frequency", "daily")
    before = published_totals(root)
    payments = before["staging.stg_shop_db__payments"]
    assert payments[0] == 4452 and 701402.49 in [float(v) for v in payments[1:] if v is not None]
    mart = before["shop.fct_customer_payments"]
    assert float(mart[-1]) == 701402.49  # type: ignore[arg-type]
    scratch = tmp_path / "scratch"
    assert {v for _, v in search(root, values, paths, scratch)} == values
    assert search(root, {name}, paths, scratch, key=customer_id)
    sharing = {f for f, _ in search(root, {name}, paths, scratch)}

    done = json.loads(
        lake(root, "erase", "--subject", f"customer:{customer_id}", "--confirm", "--json").stdout
    )
    assert done["values_found"] >= 3

    assert search(root, values, paths, scratch) == []
    assert search(root, {name}, paths, scratch, key=customer_id) == []
    assert {f for f, _ in search(root, {name}, paths, scratch)} == sharing
    assert published_totals(root) == before
    dump = next((root / "db_dumps" / "daily").glob("*.sql"))
    restored = tmp_path / "restored.sqlite"
    subprocess.run(
        [
            str(LAKE_BIN),
            "db",
            "restore",
            str(dump),
            "--target",
            f"sqlite:///{restored}",
            "--confirm",
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "LAKE_ROOT": str(root)},
    )
    with sqlite3.connect(restored) as app_db:
        rows = app_db.execute(
            "select email, phone from customers where customer_id = ?", [customer_id]
        ).fetchall()
    app_db.close()
    assert rows == [("[erased]", "[erased]")]  # the dump was scrubbed, and still verifies

    # the application still holds the customer, who then changes city: the next extract
    # (with its dump) reads the row again; the ingest keeps it out of raw, then scrubs the
    # landing file and the dump that extract wrote; the landing records follow
    with sqlite3.connect(app) as app_db:
        app_db.execute(
            "update customers set city = 'curitiba', updated_at = '2030-01-01 00:00:00' "
            "where customer_id = ?",
            [customer_id],
        )
    app_db.close()
    later = extract(paths, f"sqlite:///{app}", dump="daily")
    assert later.ok and later.sources[0].accounts[0].files
    assert {v for _, v in search(root, values, paths, scratch)} == values  # back in landing
    lake(root, "ingest")
    assert search(root, values, paths, scratch) == []
    assert search(root, {name}, paths, scratch, key=customer_id) == []
    events = [r["event"] for r in logs.read(logs.audit_log(paths))]
    assert events.count("erase.later_copy") >= 2  # the landing file and the dump
    with SyncLandingStore(paths) as store:  # every record names its file's bytes
        entries = store.all_versions()
    assert entries and all(sha256_of(root / e.path) == e.sha256 for e in entries)
