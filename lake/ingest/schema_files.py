"""Zero-row schema files: every dataset a contract declares is readable, with all its columns.

dbt sources read `raw/_source=<src>/_dataset=<name>/*/*.parquet`. Before the first file of a
dataset lands, that glob matches nothing and DuckDB refuses the query, so one missing export
would fail the whole `dbt build`. And a column only a newer layout has would be missing from
the union until a file of that layout lands. Ingest therefore keeps, per dataset, one
Parquet file with no rows and every column of the contract (all layouts) plus the lineage
columns, at `raw/_source=<src>/_dataset=<name>/_date=1970-01-01/_schema.parquet`.

The file holds no data, so it does not break the raw zone's guarantee (every row comes from
exactly one landing file); it is rewritten only when the contract's columns change. Names
starting with `_` are never data files: crash recovery leaves them alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from lake.config import LakePaths
from lake.fsutil import publish_file
from lake.ingest.contract import Dataset
from lake.ingest.sql import ident, literal

SCHEMA_PARTITION = "_date=1970-01-01"
SCHEMA_FILE = "_schema.parquet"

LINEAGE_TYPES: tuple[tuple[str, str], ...] = (
    ("_rescued", "varchar"),
    ("_source_file", "varchar"),
    ("_sha256", "varchar"),
    ("_batch_id", "varchar"),
    ("_ingested_at", "timestamp"),
    ("_landed_at", "timestamp"),
    ("_row_number", "bigint"),
    ("_layout", "varchar"),
    ("_landing_metadata", "varchar"),
)
"""The lineage columns every raw file ends with, and their types (see writing.PartWriter)."""


def schema_path(paths: LakePaths, dataset: Dataset) -> Path:
    return (
        paths.raw
        / f"_source={dataset.source}"
        / f"_dataset={dataset.name}"
        / SCHEMA_PARTITION
        / SCHEMA_FILE
    )


def expected_columns(dataset: Dataset) -> list[tuple[str, str]]:
    """(name, DuckDB type) of a raw file of `dataset`: the contract's columns as text, then
    the lineage columns."""
    return [(c, "varchar") for c in dataset.columns] + list(LINEAGE_TYPES)


def ensure_schema_files(paths: LakePaths, datasets: Iterable[Dataset]) -> list[Path]:
    """Write the schema file of every dataset whose file is missing or out of date; return
    the files written."""
    written: list[Path] = []
    con = duckdb.connect()
    try:
        for dataset in datasets:
            target = schema_path(paths, dataset)
            columns = expected_columns(dataset)
            if target.is_file() and _columns_of(con, target) == columns:
                continue
            _write(con, target, columns, paths.tmp)
            written.append(target)
    finally:
        con.close()
    return written


def _columns_of(con: duckdb.DuckDBPyConnection, path: Path) -> list[tuple[str, str]] | None:
    try:
        rows = con.execute(
            f"describe select * from read_parquet({literal(str(path))}, hive_partitioning = false)"
        ).fetchall()
    except duckdb.Error:
        return None  # unreadable (a torn write from an old crash): rewrite it
    return [(row[0], str(row[1]).lower()) for row in rows]


def _write(
    con: duckdb.DuckDBPyConnection, target: Path, columns: list[tuple[str, str]], tmp: Path
) -> None:
    select = ", ".join(f"null::{kind} as {ident(name)}" for name, kind in columns)
    tmp.mkdir(parents=True, exist_ok=True)
    staged = tmp / f"schema-{target.parent.parent.name}-{target.parent.parent.parent.name}.parquet"
    con.execute(f"copy (select {select} where false) to {literal(str(staged))} (format parquet)")
    target.parent.mkdir(parents=True, exist_ok=True)
    publish_file(staged, target)
