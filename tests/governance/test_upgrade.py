"""A lake published before masking existed: its kept and archived versions are masked at the
next publish (`mask_older_versions`), views over raw files included."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb

from lake.config import LakePaths
from lake.governance.publishing import mask_older_versions, masked_versions_file
from lake.warehouse.layout import WarehouseLayout

MANIFEST = {
    "nodes": {
        "model.x.stg_customers": {
            "resource_type": "model",
            "schema": "staging",
            "alias": "stg_customers",
            "columns": {
                "email": {"meta": {"classification": "restricted"}},
                "city": {"meta": {"classification": "internal"}},
            },
        }
    }
}


def old_version(path: Path, *, as_view: bool = False) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema staging")
        kind = "view" if as_view else "table"
        con.execute(
            f"create {kind} staging.stg_customers as "
            "select 'ana@example.com' as email, 'rio' as city"
        )


def test_versions_published_before_masking_are_masked(tmp_path: Path) -> None:
    layout = WarehouseLayout(LakePaths(tmp_path / "lake").ensure()).ensure()
    target = layout.dbt_dir / "target"
    target.mkdir(parents=True)
    (target / "manifest.json").write_text(json.dumps(MANIFEST))
    old_version(layout.version_db("v1"))
    old_version(layout.version_db("v2"), as_view=True)
    layout.version_db("v1").chmod(0o444)
    layout.archive.mkdir(parents=True)
    scratch = tmp_path / "v0.duckdb"
    old_version(scratch)
    layout.archived_db("v0").write_bytes(gzip.compress(scratch.read_bytes()))

    assert sorted(mask_older_versions(layout, "v2")) == ["v0", "v1", "v2"]

    for db in (layout.version_db("v1"), layout.version_db("v2")):
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("select * from staging.stg_customers").fetchall() == [
                ("***@example.com", "rio")
            ]
        assert b"ana@example.com" not in db.read_bytes()
    assert layout.version_db("v1").stat().st_mode & 0o777 == 0o444
    unpacked = gzip.decompress(layout.archived_db("v0").read_bytes())
    assert b"ana@example.com" not in unpacked and b"***@example.com" in unpacked
    assert json.loads(masked_versions_file(layout).read_text()) == ["v0", "v1", "v2"]
    assert mask_older_versions(layout, "v2") == []
