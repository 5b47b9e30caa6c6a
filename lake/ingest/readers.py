"""Read one landing file (or zip member) as a relation of text columns, for DuckDB.

Every reader ends in the same shape, `Landed`: a relation whose columns are the source's own
names, all VARCHAR, plus `_row_number` (1-based position of the record in the file), and
the records that could not be read at all (`parse_rejects`, with their line). DuckDB does the
reading (read_csv with its rejects tables, read_json_objects, read_parquet). Every record is
numbered before the COPY that writes raw, which does not keep the rows' order: CSV and NDJSON
are parsed once, in parallel, into a temp table whose `rowid` is the record's position (DuckDB
keeps insertion order), Parquet has `file_row_number`. A window (`row_number() over ()`, one
thread) numbers only small inputs, stored with them: JSON documents, parser hooks' rows (which
DuckDB gets as Arrow), and a CSV with a column named `rowid`. Parquet is streamed (read by the
COPY itself). File-level problems raise `ContractError` (the file goes to quarantine).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from lake.errors import ContractError
from lake.ingest.contract import Csv, Dataset, Hook, Json, Ndjson, Parquet, ParseInput, Regex
from lake.ingest.parts import (
    Landed,
    Part,
    Reject,
    check_header,
    check_utf16,
    column_alias,
    decode_head,
    duckdb_encoding,
    file_error,
    first_record,
    gunzip,
    head_bytes,
    looks_binary,
    name_blank_columns,
    refuse_duplicate_columns,
    rejects_from_duckdb,
    run_line_reader,
)
from lake.ingest.readers_json import read_json, read_ndjson
from lake.ingest.readers_text import read_regex
from lake.ingest.sql import ident, literal

__all__ = ["Landed", "Part", "Reject", "file_error", "gunzip", "read_part"]


def read_part(con: duckdb.DuckDBPyConnection, part: Part, dataset: Dataset) -> Landed | None:
    """Read `part` per the dataset's format; None when a hook says the file is not its dataset."""
    fmt = dataset.format
    if isinstance(fmt, Csv):
        return read_csv(con, part, fmt)
    if isinstance(fmt, Json):
        return read_json(con, part, fmt)
    if isinstance(fmt, Ndjson):
        return read_ndjson(con, part, fmt)
    if isinstance(fmt, Regex):
        return read_regex(con, part, fmt)
    if isinstance(fmt, Parquet):
        return read_parquet(con, part)
    if isinstance(fmt, Hook):
        return read_hook(con, part, fmt)
    raise TypeError(f"unknown format {fmt!r} in contract {dataset.key}")


# --------------------------------------------------------------------------- CSV


def read_csv(con: duckdb.DuckDBPyConnection, part: Part, fmt: Csv) -> Landed:
    head = head_bytes(part)
    if not head.strip():
        raise ContractError(
            "empty_file",
            f"{part.name} has no content (0 bytes or only whitespace)",
            "an export always has at least a header line: download it again",
        )
    check_utf16(head, fmt.encoding, part.name)
    if looks_binary(head) and fmt.encoding.lower().replace("-", "") in ("utf8", "latin1"):
        raise ContractError(
            "not_text",
            f"{part.name} is binary data, not delimited text",
            "check that the right file was saved under this name (a PDF, image or "
            "spreadsheet saved as .csv?), then land the real export",
        )
    text = decode_head(head, fmt.encoding, part.name)
    header, header_length = first_record(text, fmt)
    header = name_blank_columns(header) if any(header) else header
    if header_length > fmt.max_line_size:
        raise ContractError(
            "line_too_long",
            f"{part.name}: the header line is {header_length} characters, over the "
            f"maximum of {fmt.max_line_size}",
            "raise max_line_size in the contract if the file is genuine",
            {"line": 1},
        )
    check_header(header, text, fmt, part.name)
    options = ", ".join(
        [
            f"delim = {literal(fmt.delimiter)}",
            f"quote = {literal(fmt.quote)}",
            f"escape = {literal(fmt.quote)}",
            "header = true",
            "all_varchar = true",
            "auto_detect = false",
            f"columns = {_columns_struct(header)}",
            f"encoding = {literal(duckdb_encoding(fmt.encoding))}",
            f"max_line_size = {int(fmt.max_line_size)}",
            "store_rejects = true",
            "rejects_table = 'csv_reject_errors'",
            "rejects_scan = 'csv_reject_scans'",
            "rejects_limit = 0",
            "null_padding = false",
            "strict_mode = true",
        ]
    )

    def reader(path: Path) -> str:
        return f"read_csv({literal(str(path))}, {options})"

    if any(name.lower() == "rowid" for name in header):
        # a column named rowid hides the pseudo-column: number the rows with a (one-thread)
        # window, stored with them (the COPY to raw does not keep the rows' order)
        run_line_reader(
            con,
            part,
            lambda path: (
                f"create or replace temp table landed_csv as "
                f"select *, row_number() over () as _row_number from {reader(path)}"
            ),
        )
        relation = "landed_csv"
    else:
        run_line_reader(
            con,
            part,
            lambda path: f"create or replace temp table landed_csv as select * from {reader(path)}",
        )
        relation = "(select *, rowid + 1 as _row_number from landed_csv)"
    return Landed(
        relation=relation,
        header=header,
        parse_rejects=lambda: rejects_from_duckdb(con, "csv_reject_errors"),
    )


def _columns_struct(header: list[str]) -> str:
    pairs = ", ".join(f"{literal(column_alias(name))}: 'VARCHAR'" for name in header)
    return "{" + pairs + "}"


# --------------------------------------------------------------------------- Parquet


def read_parquet(con: duckdb.DuckDBPyConnection, part: Part) -> Landed:
    path = literal(str(part.path))
    try:
        described = con.execute(f"describe select * from read_parquet({path})").fetchall()
    except duckdb.Error as exc:
        raise file_error(part, exc) from exc
    header = [row[0] for row in described]
    # DuckDB renames a case-duplicate (`ID` and `id` read as `ID`, `id_1`): the file's own
    # names, from its footer, follow the one rule of every reader
    refuse_duplicate_columns(_parquet_names(part), part.name)
    casts = ", ".join(_as_text(name, kind) for name, kind, *_ in described)
    relation = (
        f"(select {casts}, file_row_number + 1 as _row_number "
        f"from read_parquet({path}, file_row_number = true))"
    )
    return Landed(
        relation=relation, header=header, types={name: kind for name, kind, *_ in described}
    )


def _parquet_names(part: Part) -> list[str]:
    try:
        return list(pq.read_schema(part.path).names)
    except (OSError, pa.ArrowException) as exc:
        raise file_error(part, exc) from exc


def _as_text(name: str, kind: str) -> str:
    nested = any(token in kind for token in ("STRUCT", "MAP", "[]", "UNION")) or kind == "JSON"
    expression = f"to_json({ident(name)})::varchar" if nested else f"{ident(name)}::varchar"
    return f"{expression} as {ident(column_alias(name))}"


# --------------------------------------------------------------------------- hooks


def read_hook(con: duckdb.DuckDBPyConnection, part: Part, fmt: Hook) -> Landed | None:
    content = part.path.read_bytes()
    parse_input = ParseInput(
        name=part.name, content=content, landing_path=part.landing_path, metadata=part.metadata
    )
    try:
        records = fmt.parse(parse_input)
    except ContractError:
        raise
    except Exception as exc:
        raise ContractError(
            "parser_failed",
            f"the parser hook failed on {part.name}: {type(exc).__name__}: {exc}",
            "fix the hook in the source's contract module, then 'lake quarantine retry'",
        ) from exc
    if records is None:
        return None
    table = records if isinstance(records, pa.Table) else _records_to_arrow(records)
    table = _all_text(table)
    header = [str(name) for name in table.column_names]
    refuse_duplicate_columns(header, part.name)
    table = table.rename_columns([column_alias(name) for name in header])
    con.register("hook_rows", table)
    try:
        con.execute(
            "create or replace temp table landed_rows as "
            "select *, row_number() over () as _row_number from hook_rows"
        )
    finally:
        con.unregister("hook_rows")
    return Landed(relation="landed_rows", header=header, empty=table.num_rows == 0)


def _records_to_arrow(records: list[dict[str, Any]]) -> pa.Table:
    columns: dict[str, None] = {}
    for record in records:
        for key in record:
            columns.setdefault(str(key), None)
    data = {c: [_text(r.get(c)) for r in records] for c in columns}
    return pa.table({c: pa.array(v, type=pa.string()) for c, v in data.items()})


def _all_text(table: pa.Table) -> pa.Table:
    for index, column in enumerate(table.schema):
        if not pa.types.is_string(column.type):
            values = [_text(v) for v in table.column(index).to_pylist()]
            table = table.set_column(index, column.name, pa.array(values, type=pa.string()))
    return table


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)
