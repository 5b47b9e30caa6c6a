"""Remove given values from a file of any format the lake writes, decoded.

Text (CSV, JSON, HTML, logs, records) by bytes (UTF-8 and JSON-escaped forms); gzip and zip
by their members; Parquet and DuckDB (plain or encrypted) through DuckDB, every text column,
rewritten whole so no old block survives; SQLite by its text columns, then `VACUUM`. Each
returns True when it changed the file. The replacement is `[erased]`.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb

ERASED = "[erased]"
DuckAttach = Callable[[duckdb.DuckDBPyConnection, Path, str, bool], None]


def _forms(values: set[str]) -> list[bytes]:
    forms: set[bytes] = set()
    for value in values:
        forms.add(value.encode("utf-8"))
        forms.add(json.dumps(value)[1:-1].encode("utf-8"))
    return sorted(forms, key=len, reverse=True)


def scrub_bytes(data: bytes, values: set[str]) -> bytes:
    for form in _forms(values):
        data = data.replace(form, ERASED.encode())
    return data


def contains_bytes(data: bytes, values: set[str]) -> bool:
    return any(form in data for form in _forms(values))


def _replace_file(path: Path, data: bytes) -> None:
    mode = path.stat().st_mode & 0o777
    staged = path.with_name(f".{path.name}.erase.tmp")
    staged.write_bytes(data)
    staged.chmod(mode)
    staged.replace(path)


def scrub_blob(name: str, data: bytes, values: set[str], workdir: Path) -> bytes | None:
    """The scrubbed bytes of a file called `name`, or None when nothing matched."""
    lowered = name.lower()
    if lowered.endswith(".gz"):
        inner = scrub_blob(name[:-3], gzip.decompress(data), values, workdir)
        return None if inner is None else gzip.compress(inner)
    if lowered.endswith(".zip"):
        return _scrub_zip(data, values, workdir)
    if lowered.endswith((".parquet", ".duckdb", ".sqlite")):
        scratch = workdir / f"blob-{os.getpid()}{Path(lowered).suffix}"
        scratch.write_bytes(data)
        try:
            changed = scrub_file(scratch, values, workdir)
            return scratch.read_bytes() if changed else None
        finally:
            scratch.unlink(missing_ok=True)
    return scrub_bytes(data, values) if contains_bytes(data, values) else None


def _scrub_zip(data: bytes, values: set[str], workdir: Path) -> bytes | None:
    changed = False
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = source.read(info)
            scrubbed = scrub_blob(info.filename, member, values, workdir)
            changed |= scrubbed is not None
            target.writestr(info, scrubbed if scrubbed is not None else member)
    return out.getvalue() if changed else None


def scrub_file(
    path: Path, values: set[str], workdir: Path, attach: DuckAttach | None = None
) -> bool:
    """Scrub `path` in place; `attach` opens an encrypted DuckDB file."""
    name = path.name.lower()
    if name.endswith(".parquet"):
        return _scrub_parquet(path, values)
    if name.endswith(".duckdb"):
        return _scrub_duckdb(path, values, attach)
    if name.endswith(".sqlite"):
        return _scrub_sqlite(path, values)
    scrubbed = scrub_blob(path.name, path.read_bytes(), values, workdir)
    if scrubbed is None:
        return False
    _replace_file(path, scrubbed)
    return True


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _replaced(column: str, values: set[str]) -> str:
    expression = f'"{column}"'
    for value in sorted(values, key=len, reverse=True):
        expression = f"replace({expression}, {_literal(value)}, '{ERASED}')"
    return expression


def _matches(column: str, values: set[str]) -> str:
    return " or ".join(f'contains("{column}", {_literal(v)})' for v in sorted(values))


def _text_columns(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[tuple[str, str], list[str]]:
    rows = con.execute(
        "select c.schema_name, c.table_name, c.column_name from duckdb_columns() c "
        "join duckdb_tables() t using (database_name, schema_name, table_name) "
        "where c.database_name = ? and c.data_type in ('VARCHAR', 'JSON')",
        [catalog],
    ).fetchall()
    found: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in rows:
        found.setdefault((str(schema), str(table)), []).append(str(column))
    return found


def _scrub_tables(con: duckdb.DuckDBPyConnection, catalog: str, values: set[str]) -> bool:
    changed = False
    for (schema, table), columns in _text_columns(con, catalog).items():
        relation = f'"{catalog}"."{schema}"."{table}"'
        for column in columns:
            where = _matches(column, values)
            hit = con.execute(f"select count(*) from {relation} where {where}").fetchone()
            if hit and hit[0]:
                con.execute(
                    f'update {relation} set "{column}" = {_replaced(column, values)} where {where}'
                )
                changed = True
    return changed


def _plain_attach(con: duckdb.DuckDBPyConnection, path: Path, alias: str, read_only: bool) -> None:
    options = " (read_only)" if read_only else ""
    con.execute(f"attach {_literal(str(path))} as {alias}{options}")


def _scrub_duckdb(path: Path, values: set[str], attach: DuckAttach | None) -> bool:
    """Copy, scrub the copy, copy it again whole (no freed block keeps a value), swap."""
    opener = attach or _plain_attach
    mode = path.stat().st_mode & 0o777
    first = path.with_name(f".{path.name}.erase1.tmp")
    second = path.with_name(f".{path.name}.erase2.tmp")
    for stale in (first, second):
        stale.unlink(missing_ok=True)
    with duckdb.connect() as con:
        opener(con, path, "src", True)
        con.execute("attach ':memory:' as probe")
        hits = any(
            (
                con.execute(
                    f'select count(*) from "src"."{s}"."{t}" where '
                    + " or ".join(f"({_matches(c, values)})" for c in cols)
                ).fetchone()
                or (0,)
            )[0]
            for (s, t), cols in _text_columns(con, "src").items()
        )
        if not hits:
            return False
        opener(con, first, "first", False)
        con.execute("copy from database src to first")
        con.execute("detach src")
        _scrub_tables(con, "first", values)
        con.execute("checkpoint first")
        opener(con, second, "second", False)
        con.execute("copy from database first to second")
        con.execute("detach first")
        con.execute("detach second")
    first.unlink()
    second.chmod(mode)
    second.replace(path)
    return True


def _scrub_parquet(path: Path, values: set[str]) -> bool:
    with duckdb.connect() as con:
        con.execute(f"create table t as select * from read_parquet({_literal(str(path))})")
        if not _scrub_tables(con, "memory", values):
            return False
        staged = path.with_name(f".{path.name}.erase.tmp")
        con.execute(f"copy t to {_literal(str(staged))} (format parquet, compression zstd)")
    staged.chmod(path.stat().st_mode & 0o777)
    staged.replace(path)
    return True


def _scrub_sqlite(path: Path, values: set[str]) -> bool:
    if not contains_bytes(path.read_bytes(), values):
        return False
    with sqlite3.connect(path) as con:
        tables = [
            r[0]
            for r in con.execute("select name from sqlite_master where type = 'table'")
            if not str(r[0]).startswith("sqlite_")
        ]
        for table in tables:
            try:
                columns = [r[1] for r in con.execute(f'pragma table_info("{table}")')]
                for column in columns:
                    for value in values:
                        con.execute(
                            f'update "{table}" set "{column}" = replace("{column}", ?, ?) '
                            f'where instr("{column}", ?) > 0',
                            [value, ERASED, value],
                        )
            except sqlite3.DatabaseError:
                continue  # virtual tables (FTS shadows) are rebuilt by their owner
    with sqlite3.connect(path) as con:
        con.execute("vacuum")
    return True
