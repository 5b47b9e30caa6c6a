"""Search every file under a folder for values, decoded: DuckDB databases through DuckDB (with
the key where encrypted), Parquet, gzip and zip members, SQLite after its vacuum, the rest as
bytes. Returns where each value was found."""

from __future__ import annotations

import gzip
import io
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from lake.config import LakePaths
from lake.governance.role_dbs import attach_encrypted

Hit = tuple[str, str]


def _duckdb_text(con: duckdb.DuckDBPyConnection, alias: str) -> str:
    parts = []
    for schema, table in con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ?", [alias]
    ).fetchall():
        rows = con.execute(f'select * from "{alias}"."{schema}"."{table}"').fetchall()
        parts += [repr(row) for row in rows]
    return "\n".join(parts)


def _decoded(name: str, data: bytes, scratch: Path, opener: Callable[[Path], str]) -> str:
    lowered = name.lower()
    if lowered.endswith(".gz"):
        return _decoded(name[:-3], gzip.decompress(data), scratch, opener)
    if lowered.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                _decoded(m.filename, archive.read(m), scratch, opener) for m in archive.infolist()
            )
    if lowered.endswith((".duckdb", ".parquet", ".sqlite")):
        path = scratch / f"probe{Path(lowered).suffix}"
        path.write_bytes(data)
        try:
            return opener(path)
        finally:
            path.unlink(missing_ok=True)
    return data.decode("utf-8", errors="replace")


def search(
    root: Path, values: set[str], paths: LakePaths, scratch: Path, key: str | None = None
) -> list[Hit]:
    """(file, value) for every value found in any file under `root`; with `key`, only on
    lines (text lines, table rows) that also hold the key."""
    scratch.mkdir(parents=True, exist_ok=True)

    def opener_for(original: Path) -> Callable[[Path], str]:
        def open_copy(path: Path) -> str:
            if path.suffix == ".parquet":
                with duckdb.connect() as con:
                    rows = con.execute(f"select * from read_parquet('{path}')").fetchall()
                    return "\n".join(repr(row) for row in rows)
            if path.suffix == ".sqlite":
                with sqlite3.connect(path) as con:
                    con.execute("vacuum")
                con.close()
                with sqlite3.connect(path) as con:
                    text = "\n".join(con.iterdump())
                con.close()
                return text + "\n" + path.read_bytes().decode("utf-8", errors="replace")
            with duckdb.connect() as con:
                if original.name.startswith("data_engineer"):
                    attach_encrypted(con, paths, path, "probe", read_only=True)
                else:
                    con.execute(f"attach '{path}' as probe (read_only)")
                return _duckdb_text(con, "probe")

        return open_copy

    hits: list[Hit] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_relative_to(scratch):
            continue
        text = _decoded(path.name, path.read_bytes(), scratch, opener_for(path))
        if key is not None:
            text = "\n".join(line for line in text.splitlines() if key in line)
        folded = text.casefold()
        hits += [(str(path), v) for v in sorted(values) if v.casefold() in folded]
    return hits
