"""`lake export MODEL|--query SQL --format csv|parquet|json --output PATH [--role ROLE]`.

Without `--role` it reads the masked published database (read-only); with one, the role's
database through its hardened connection (checked and logged like `lake query`). The result
is written by a separate in-memory DuckDB, aside then renamed into place.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from lake.config import LakePaths
from lake.errors import NotFoundError, ValidationError
from lake.governance.access import open_role

FORMATS = {
    "csv": "(format csv, header true)",
    "parquet": "(format parquet)",
    "json": "(format json)",
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")


def model_query(con: duckdb.DuckDBPyConnection, model: str) -> str:
    """`select * from <schema>.<model>` for `model` (`dim_track` or `music.dim_track`)."""
    if not _NAME.fullmatch(model):
        raise ValidationError(f"bad model name {model!r}", "write MODEL or SCHEMA.MODEL")
    schema, _, name = model.rpartition(".")
    rows = con.execute(
        "select schema_name, table_name from duckdb_tables() where table_name = ? "
        "and (? = '' or schema_name = ?) union all "
        "select schema_name, view_name from duckdb_views() where view_name = ? "
        "and (? = '' or schema_name = ?)",
        [name, schema, schema, name, schema, schema],
    ).fetchall()
    if len(rows) != 1:
        raise NotFoundError(
            f"{'no' if not rows else 'more than one'} relation called {model!r}",
            "name it SCHEMA.MODEL (see `lake query`: select * from duckdb_tables())",
        )
    return f'select * from "{rows[0][0]}"."{rows[0][1]}"'


def export(
    paths: LakePaths,
    *,
    output: Path,
    fmt: str,
    model: str | None = None,
    query: str | None = None,
    role: str | None = None,
) -> int:
    if fmt not in FORMATS:
        raise ValidationError(f"unknown format {fmt!r}", f"one of {', '.join(FORMATS)}")
    if (model is None) == (query is None):
        raise ValidationError("give a MODEL or --query SQL (one of them)")
    if role is None:
        published = paths.warehouse / "lake.duckdb"
        if not published.exists():
            raise NotFoundError("nothing is published yet", "run `lake run` first")
        with duckdb.connect(str(published), read_only=True) as con:
            table = con.execute(query or model_query(con, str(model))).to_arrow_table()
    else:
        with open_role(paths, role, sql=query or model) as role_con:
            table = role_con.arrow(query or model_query(role_con.con, str(model)))
    output.parent.mkdir(parents=True, exist_ok=True)
    staged = output.with_name(f".{output.name}.tmp")
    with duckdb.connect() as writer:
        writer.register("result", table)
        quoted = str(staged).replace("'", "''")
        writer.execute(f"copy result to '{quoted}' {FORMATS[fmt]}")
    staged.replace(output)
    return int(table.num_rows)
