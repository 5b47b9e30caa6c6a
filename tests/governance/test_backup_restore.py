"""`lake backup`, `lake restore`: the round trip through a deleted lake root, and a corrupted
backup refused with the lake untouched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from lake.governance.access import open_role

from .conftest import ShopLake, make_shop_lake

pytestmark = pytest.mark.slow


def tables_and_counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        names = con.execute(
            "select schema_name, table_name from duckdb_tables() order by 1, 2"
        ).fetchall()
        return {
            f"{s}.{t}": int(con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0])  # type: ignore[index]
            for s, t in names
        }


def version_of(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return str(con.execute("select version from lake_ops.publication").fetchone()[0])  # type: ignore[index]


@pytest.fixture
def published(tmp_path: Path) -> ShopLake:
    lake = make_shop_lake(tmp_path / "lake")
    lake.build_and_publish()
    return lake


def test_backup_delete_restore_gives_the_same_lake_and_the_next_run_continues(
    published: ShopLake, tmp_path: Path
) -> None:
    lake = published
    db = lake.paths.warehouse / "lake.duckdb"
    before, version = tables_and_counts(db), version_of(db)
    landing_listing = sorted(
        p.name for p in lake.root.rglob("*") if p.is_file() and "raw" in p.parts
    )

    out = json.loads(lake.lake("backup", "--to", str(tmp_path / "backups"), "--json").stdout)
    backup = Path(out["path"])
    assert backup.parent == tmp_path / "backups" / "manual"
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["published_version"] == version
    assert "warehouse/roles/data_engineer.duckdb" in manifest["files"]

    shutil.rmtree(lake.root)
    dry = lake.lake("restore", str(backup))
    assert "--confirm" in dry.stderr and not lake.root.exists()
    lake.lake("restore", str(backup), "--confirm")

    assert tables_and_counts(db) == before
    assert version_of(db) == version
    assert (
        db.stat().st_ino == (lake.paths.warehouse / "versions" / f"{version}.duckdb").stat().st_ino
    )
    assert (
        sorted(p.name for p in lake.root.rglob("*") if p.is_file() and "raw" in p.parts)
        == landing_listing
    )
    with open_role(lake.paths, "data_engineer", user="data_engineer") as con:
        assert con.query("select count(*) from staging.stg_shop__customers")[1] == [(3,)]

    lake.write_raw("orders", ["order_id", "customer_id", "amount"], [("o5", "c2", "5.00")], part=1)
    lake.lake("run", "--from", "build", "--no-docs")
    with duckdb.connect(str(db), read_only=True) as con:
        previous = con.execute("select previous_version from lake_ops.publication").fetchone()
        total = con.execute("select sum(amount) from shop.fct_customer_orders").fetchone()
    assert previous == (version,)
    assert total is not None and float(total[0]) == 5.00 + 1.25 + 20.00 + 15.00


def test_a_corrupted_backup_is_refused_and_the_lake_is_untouched(
    published: ShopLake, tmp_path: Path
) -> None:
    lake = published
    out = json.loads(lake.lake("backup", "--json").stdout)
    backup = Path(out["path"])
    assert backup.parent == lake.root / "db_dumps" / "manual"
    victim = next(backup.glob("raw/**/*.parquet"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    state = {p: p.stat().st_mtime_ns for p in lake.root.rglob("*") if "db_dumps" not in p.parts}

    refused = lake.lake("restore", str(backup), "--confirm", check=False)
    assert refused.returncode == 1
    assert "corrupted" in refused.stderr and victim.name in refused.stderr.replace("\n", "")
    assert {
        p: p.stat().st_mtime_ns for p in lake.root.rglob("*") if "db_dumps" not in p.parts
    } == state
