"""Remove a data subject's values from a file of any format the lake writes, decoded.

Two scopes: values specific enough to be the subject's wherever they appear (e-mail
addresses, phone numbers: `Subject.anywhere`) are replaced everywhere; every value, names
included, is replaced in the rows (lines of text files, table rows) that hold the subject's
key, so another person who shares a name keeps theirs.

Text (CSV, JSON lines, HTML, logs, records) line by line, in UTF-8 and JSON-escaped forms;
gzip and zip by their members; Parquet and DuckDB (plain or encrypted) through DuckDB, every
text column, rewritten whole so no freed block keeps a value; SQLite by its text columns, then
`VACUUM`. Each returns True when it changed the file. The replacement is `[erased]`.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

ERASED = "[erased]"
DuckAttach = Callable[[duckdb.DuckDBPyConnection, Path, str, bool], None]


@dataclass(frozen=True)
class Subject:
    key: str
    values: frozenset[str]

    @property
    def anywhere(self) -> frozenset[str]:
        """Values that identify the subject wherever they are: e-mails, phone numbers."""
        return frozenset(v for v in self.values if "@" in v or len(re.sub(r"\D", "", v)) >= 8)


def _forms(values: frozenset[str]) -> list[bytes]:
    forms: set[bytes] = set()
    for value in values:
        forms.add(value.encode("utf-8"))
        forms.add(json.dumps(value)[1:-1].encode("utf-8"))
    return sorted(forms, key=len, reverse=True)


def _replace_all(data: bytes, values: frozenset[str]) -> bytes:
    for form in _forms(values):
        data = data.replace(form, ERASED.encode())
    return data


def scrub_text(data: bytes, subject: Subject) -> bytes:
    key = subject.key.encode("utf-8")
    lines = data.split(b"\n")
    for i, line in enumerate(lines):
        scope = subject.values if key in line else subject.anywhere
        lines[i] = _replace_all(line, scope)
    return b"\n".join(lines)


def _replace_file(path: Path, data: bytes) -> None:
    mode = path.stat().st_mode & 0o777
    staged = path.with_name(f".{path.name}.erase.tmp")
    staged.write_bytes(data)
    staged.chmod(mode)
    staged.replace(path)


def scrub_blob(name: str, data: bytes, subject: Subject, workdir: Path) -> bytes | None:
    """The scrubbed bytes of a file called `name`, or None when nothing matched."""
    lowered = name.lower()
    if lowered.endswith(".gz"):
        inner = scrub_blob(name[:-3], gzip.decompress(data), subject, workdir)
        return None if inner is None else gzip.compress(inner)
    if lowered.endswith(".zip"):
        return _scrub_zip(data, subject, workdir)
    if lowered.endswith((".parquet", ".duckdb", ".sqlite")):
        scratch = workdir / f"blob-{os.getpid()}{Path(lowered).suffix}"
        scratch.write_bytes(data)
        try:
            changed = scrub_file(scratch, subject, workdir)
            return scratch.read_bytes() if changed else None
        finally:
            scratch.unlink(missing_ok=True)
    scrubbed = scrub_text(data, subject)
    return None if scrubbed == data else scrubbed


def _scrub_zip(data: bytes, subject: Subject, workdir: Path) -> bytes | None:
    changed = False
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = source.read(info)
            scrubbed = scrub_blob(info.filename, member, subject, workdir)
            changed |= scrubbed is not None
            target.writestr(info, scrubbed if scrubbed is not None else member)
    return out.getvalue() if changed else None


def scrub_file(
    path: Path, subject: Subject, workdir: Path, attach: DuckAttach | None = None
) -> bool:
    """Scrub `path` in place; `attach` opens an encrypted DuckDB file."""
    name = path.name.lower()
    if name.endswith(".parquet"):
        return _scrub_parquet(path, subject)
    if name.endswith(".duckdb"):
        return _scrub_duckdb(path, subject, attach)
    if name.endswith(".sqlite"):
        return _scrub_sqlite(path, subject)
    scrubbed = scrub_blob(path.name, path.read_bytes(), subject, workdir)
    if scrubbed is None:
        return False
    _replace_file(path, scrubbed)
    return True


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _replaced(column: str, values: frozenset[str]) -> str:
    expression = f'"{column}"'
    for value in sorted(values, key=len, reverse=True):
        expression = f"replace({expression}, {_literal(value)}, '{ERASED}')"
    return expression


def _any_contains(columns: list[str], values: frozenset[str]) -> str:
    tests = [f'contains("{c}"::varchar, {_literal(v)})' for c in columns for v in sorted(values)]
    return " or ".join(tests) or "false"


def _keyed(columns: list[str], key: str) -> str:
    return " or ".join(f'"{c}"::varchar = {_literal(key)}' for c in columns) or "false"


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


def _table_hits(con: duckdb.DuckDBPyConnection, relation: str, cols: list[str], s: Subject) -> str:
    """The rows of `relation` to scrub (a WHERE condition), or '' when there are none."""
    where = (
        f"(({_keyed(cols, s.key)}) and ({_any_contains(cols, s.values)})) "
        f"or ({_any_contains(cols, s.anywhere)})"
    )
    row = con.execute(f"select count(*) from {relation} where {where}").fetchone()
    return where if row and row[0] else ""


def _scrub_tables(con: duckdb.DuckDBPyConnection, catalog: str, subject: Subject) -> bool:
    changed = False
    for (schema, table), columns in _text_columns(con, catalog).items():
        relation = f'"{catalog}"."{schema}"."{table}"'
        if not _table_hits(con, relation, columns, subject):
            continue
        keyed = _keyed(columns, subject.key)
        sets = ", ".join(
            f'"{c}" = case when {keyed} then {_replaced(c, subject.values)} '
            f"else {_replaced(c, subject.anywhere)} end"
            for c in columns
        )
        con.execute(f"update {relation} set {sets}")
        changed = True
    return changed


def _plain_attach(con: duckdb.DuckDBPyConnection, path: Path, alias: str, read_only: bool) -> None:
    options = " (read_only)" if read_only else ""
    con.execute(f"attach {_literal(str(path))} as {alias}{options}")


def _scrub_duckdb(path: Path, subject: Subject, attach: DuckAttach | None) -> bool:
    """Copy, scrub the copy, copy it again whole (no freed block keeps a value), swap."""
    opener = attach or _plain_attach
    mode = path.stat().st_mode & 0o777
    first = path.with_name(f".{path.name}.erase1.tmp")
    second = path.with_name(f".{path.name}.erase2.tmp")
    for stale in (first, second):
        stale.unlink(missing_ok=True)
    with duckdb.connect() as con:
        opener(con, path, "src", True)
        hits = [
            _table_hits(con, f'"src"."{s}"."{t}"', cols, subject)
            for (s, t), cols in _text_columns(con, "src").items()
        ]
        if not any(hits):
            return False
        opener(con, first, "first", False)
        con.execute("copy from database src to first")
        con.execute("detach src")
        _scrub_tables(con, "first", subject)
        con.execute("checkpoint first")
        opener(con, second, "second", False)
        con.execute("copy from database first to second")
        con.execute("detach first")
        con.execute("detach second")
    first.unlink()
    second.chmod(mode)
    second.replace(path)
    return True


def _scrub_parquet(path: Path, subject: Subject) -> bool:
    with duckdb.connect() as con:
        con.execute(f"create table t as select * from read_parquet({_literal(str(path))})")
        if not _scrub_tables(con, "memory", subject):
            return False
        staged = path.with_name(f".{path.name}.erase.tmp")
        con.execute(f"copy t to {_literal(str(staged))} (format parquet, compression zstd)")
    staged.chmod(path.stat().st_mode & 0o777)
    staged.replace(path)
    return True


def _scrub_sqlite(path: Path, subject: Subject) -> bool:
    data = path.read_bytes()
    if not any(form in data for form in _forms(subject.values)):
        return False
    changed = False
    with sqlite3.connect(path) as con:
        tables = [
            str(r[0])
            for r in con.execute("select name from sqlite_master where type = 'table'")
            if not str(r[0]).startswith("sqlite_")
        ]
        for table in tables:
            try:
                changed |= _scrub_sqlite_table(con, table, subject)
            except sqlite3.DatabaseError:
                continue  # virtual tables (FTS shadows) are rebuilt by their owner
    with sqlite3.connect(path) as con:
        con.execute("vacuum")
    con.close()
    return changed


def _scrub_sqlite_table(con: sqlite3.Connection, table: str, subject: Subject) -> bool:
    columns = [str(r[1]) for r in con.execute(f'pragma table_info("{table}")')]
    keyed = " or ".join(f'"{c}" = ?' for c in columns)
    before = con.total_changes
    for column in columns:
        for value in subject.values:
            scope = "1" if value in subject.anywhere else f"({keyed})"
            params = [value, ERASED, value] + ([] if scope == "1" else [subject.key] * len(columns))
            con.execute(
                f'update "{table}" set "{column}" = replace("{column}", ?, ?) '
                f'where instr("{column}", ?) > 0 and {scope}',
                params,
            )
    return con.total_changes > before
