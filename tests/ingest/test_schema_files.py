"""Every declared dataset reads as a relation with all its contract's columns, even empty."""

from __future__ import annotations

import dataclasses

import duckdb

from lake.ingest.contract import Layout
from lake.ingest.engine import Ingestor
from lake.ingest.ledger import Ledger
from lake.ingest.schema_files import SCHEMA_FILE, ensure_schema_files, schema_path
from tests.ingest.conftest import WIDGETS, Lake


def _read(lake: Lake, dataset: str = "widgets") -> duckdb.DuckDBPyRelation:
    glob = lake.paths.raw / f"_source=shop/_dataset={dataset}/*/*.parquet"
    return duckdb.sql(
        f"select * from read_parquet('{glob}', hive_partitioning = true, union_by_name = true)"
    )


def test_a_dataset_with_no_files_reads_as_zero_rows_with_every_column(lake: Lake) -> None:
    summary = lake.ingest()
    assert summary.files == []
    relation = _read(lake)
    assert relation.fetchall() == []
    assert relation.columns[:5] == ["id", "name", "price", "colour", "made_on"]
    assert "_landing_metadata" in relation.columns
    assert dict(zip(relation.columns, relation.dtypes, strict=True))["_ingested_at"] == "TIMESTAMP"


def test_the_schema_file_adds_no_rows_beside_data(lake: Lake) -> None:
    lake.land("widgets.csv", "id,name,price\n1,a,2.50\n2,b,3.00\n")
    lake.ingest()
    assert _read(lake).aggregate("count(*)").fetchone() == (2,)
    assert [p.name for p in lake.parquet_files()] != []
    assert schema_path(lake.paths, WIDGETS).is_file()


def test_a_new_optional_column_appears_before_any_file_has_it(lake: Lake) -> None:
    lake.land("widgets.csv", "id,name,price\n1,a,2.50\n")
    lake.ingest()
    grown = dataclasses.replace(
        WIDGETS,
        layouts=(dataclasses.replace(WIDGETS.layouts[0], optional=("colour", "made_on", "size")),),
    )
    written = ensure_schema_files(lake.paths, [grown])
    assert written == [schema_path(lake.paths, grown)]
    rows = _read(lake).filter("id = '1'").select("size, name").fetchall()
    assert rows == [(None, "a")]


def test_an_unchanged_contract_rewrites_nothing(lake: Lake) -> None:
    lake.ingest()
    before = schema_path(lake.paths, WIDGETS).stat().st_mtime_ns
    assert ensure_schema_files(lake.paths, [WIDGETS]) == []
    lake.ingest()
    assert schema_path(lake.paths, WIDGETS).stat().st_mtime_ns == before


def test_a_torn_schema_file_is_rewritten(lake: Lake) -> None:
    lake.ingest()
    target = schema_path(lake.paths, WIDGETS)
    target.write_bytes(b"PAR1 torn")
    assert ensure_schema_files(lake.paths, [WIDGETS]) == [target]
    assert _read(lake).fetchall() == []


def test_crash_recovery_keeps_schema_files(lake: Lake) -> None:
    lake.ingest()
    ingestor = Ingestor(lake.paths, [WIDGETS])
    ledger = Ledger(ingestor.ledger_path)
    try:
        swept = ingestor.recover(ledger)
    finally:
        ledger.close()
    assert swept == []
    assert schema_path(lake.paths, WIDGETS).name == SCHEMA_FILE
    assert schema_path(lake.paths, WIDGETS).is_file()


def test_every_layout_contributes_its_columns(lake: Lake) -> None:
    two = dataclasses.replace(
        WIDGETS, layouts=(*WIDGETS.layouts, Layout("v0", required=("id", "label")))
    )
    ensure_schema_files(lake.paths, [two])
    assert "label" in _read(lake).columns
