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

import codecs
import csv
import gzip
import json
import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from lake.errors import ContractError
from lake.ingest.contract import Csv, Dataset, Hook, Json, Ndjson, Parquet, ParseInput
from lake.ingest.sql import ident, literal

HEAD_BYTES = 1 << 16
# the first record whose keys are read on their own is looked for among these
FIRST_RECORDS = 1000


@dataclass(frozen=True)
class Reject:
    """A record that did not land: where it was and why."""

    error: str
    line: int | None = None
    row_number: int | None = None
    column: str | None = None
    raw: str | None = None


@dataclass
class Landed:
    """Rows to land: `relation` (a table name or a parenthesised SELECT) yields the source's
    columns as text plus `_row_number`. `types` holds the source's own type of a column when
    the format has one (Parquet): a check that such a type always passes can be skipped.
    `parse_rejects()` is complete once the relation has been read."""

    relation: str
    header: list[str]
    empty: bool = False
    parse_rejects: Callable[[], list[Reject]] = field(default=lambda: [])
    types: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Part:
    """One readable unit: a file on disk (a landing file, or a member extracted from a zip)."""

    path: Path
    name: str
    landing_path: str
    metadata: dict[str, Any]


def read_part(con: duckdb.DuckDBPyConnection, part: Part, dataset: Dataset) -> Landed | None:
    """Read `part` per the dataset's format; None when a hook says the file is not its dataset."""
    fmt = dataset.format
    if isinstance(fmt, Csv):
        return read_csv(con, part, fmt)
    if isinstance(fmt, Json):
        return read_json(con, part, fmt)
    if isinstance(fmt, Ndjson):
        return read_ndjson(con, part, fmt)
    if isinstance(fmt, Parquet):
        return read_parquet(con, part)
    if isinstance(fmt, Hook):
        return read_hook(con, part, fmt)
    raise TypeError(f"unknown format {fmt!r} in contract {dataset.key}")


# --------------------------------------------------------------------------- helpers


def head_bytes(part: Part, size: int = HEAD_BYTES) -> bytes:
    with part.path.open("rb") as handle:
        return handle.read(size)


def gunzip(source: Path, target: Path, name: str) -> None:
    """Decompress a gzip file to `target`, checking its CRC and length (a truncated download
    fails here instead of landing half its rows)."""
    try:
        with gzip.open(source, "rb") as src, target.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
    except (OSError, EOFError, zlib.error) as exc:
        raise ContractError(
            "corrupt_gzip",
            f"{name} is not a complete gzip file ({exc})",
            "the download was probably cut short: fetch the export again, land it, and "
            "run 'lake ingest'",
        ) from exc


def looks_binary(head: bytes) -> bool:
    if b"\x00" in head[:8192]:
        return True
    sample = head[:8192]
    if not sample:
        return False
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control / len(sample) > 0.05


def _check_utf16(head: bytes, encoding: str, name: str) -> None:
    """UTF-16 (Excel's 'Unicode text') read as UTF-8 is the commonest wrong encoding."""
    if "16" in encoding:
        return
    odd_nuls = head[1:2048:2].count(0)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or odd_nuls > len(head[:2048]) // 4:
        raise ContractError(
            "encoding",
            f"{name} is UTF-16 text, but its contract expects {encoding}",
            "export as UTF-8 (in Excel: 'CSV UTF-8'), or set encoding='utf-16' in the "
            "contract, then 'lake quarantine retry'",
        )


def _decode_head(head: bytes, encoding: str, name: str) -> str:
    decoder = codecs.getincrementaldecoder(_python_codec(encoding))(errors="strict")
    try:
        return decoder.decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise ContractError(
            "encoding",
            f"{name} is not valid {encoding} (at byte {exc.start})",
            f"export the file as {encoding}, or set encoding=... in its contract "
            "(e.g. 'latin-1'), then 'lake quarantine retry'",
            {"byte": exc.start},
        ) from exc


def _python_codec(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _duckdb_encoding(encoding: str) -> str:
    lowered = encoding.lower().replace("_", "-")
    return {"utf8": "utf-8", "latin1": "latin-1", "iso-8859-1": "latin-1"}.get(lowered, lowered)


def _first_record(text: str, fmt: Csv) -> tuple[list[str], int]:
    """The header fields and the length in characters of the header line (any line ending)."""
    lines = text.splitlines()
    first_line = lines[0] if lines else ""
    try:
        header = next(csv.reader([first_line], delimiter=fmt.delimiter, quotechar=fmt.quote))
    except (StopIteration, csv.Error):
        header = []
    return [h.strip() for h in header], len(first_line)


def _refuse_duplicate_columns(names: list[str], name: str) -> None:
    """Column names must be unique ignoring case: DuckDB (and Spark) do not tell `Name` from
    `name`, so one would silently read the other's values."""
    seen: dict[str, list[str]] = {}
    for column in names:
        seen.setdefault(column.lower(), []).append(column)
    duplicates = sorted({c for group in seen.values() if len(group) > 1 for c in group})
    if duplicates:
        raise ContractError(
            "duplicate_columns",
            f"{name} has duplicate column names (case is not told apart): {', '.join(duplicates)}",
            "columns must be unique to be told apart; re-export the file, or rename the "
            "columns in a copy and 'lake land' it again",
            {"columns": duplicates},
        )


def _check_header(header: list[str], text: str, fmt: Csv, name: str) -> None:
    if not header or all(not h for h in header):
        raise ContractError(
            "no_header",
            f"{name} has no header line",
            "the contract expects a header row; check that this is the right export",
        )
    _refuse_duplicate_columns(header, name)
    if len(header) == 1 and fmt.delimiter not in text.splitlines()[0]:
        guess = _guess_delimiter(text)
        if guess and guess != fmt.delimiter:
            raise ContractError(
                "wrong_delimiter",
                f"{name} looks {guess!r}-delimited but its contract expects {fmt.delimiter!r}",
                f"export with {fmt.delimiter!r} as the separator, or set delimiter={guess!r} "
                "in the contract, then 'lake quarantine retry'",
                {"expected": fmt.delimiter, "found": guess},
            )


def _guess_delimiter(text: str) -> str | None:
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        return None


def _rejects_from_duckdb(con: duckdb.DuckDBPyConnection, table: str) -> list[Reject]:
    """One reject per line (DuckDB may report several errors for one line)."""
    rows = con.execute(
        "select line, string_agg(distinct column_name, ', '), "
        "string_agg(error_type || ': ' || error_message, '; '), any_value(csv_line) "
        f"from {table} group by line order by line"
    ).fetchall()
    return [
        Reject(error=message, line=line, column=column, raw=raw)
        for line, column, message, raw in rows
    ]


# --------------------------------------------------------------------------- CSV


def read_csv(con: duckdb.DuckDBPyConnection, part: Part, fmt: Csv) -> Landed:
    head = head_bytes(part)
    if not head.strip():
        raise ContractError(
            "empty_file",
            f"{part.name} has no content (0 bytes or only whitespace)",
            "an export always has at least a header line: download it again",
        )
    _check_utf16(head, fmt.encoding, part.name)
    if looks_binary(head) and fmt.encoding.lower().replace("-", "") in ("utf8", "latin1"):
        raise ContractError(
            "not_text",
            f"{part.name} is binary data, not delimited text",
            "check that the right file was saved under this name (a PDF, image or "
            "spreadsheet saved as .csv?), then land the real export",
        )
    text = _decode_head(head, fmt.encoding, part.name)
    header, header_length = _first_record(text, fmt)
    if header_length > fmt.max_line_size:
        raise ContractError(
            "line_too_long",
            f"{part.name}: the header line is {header_length} characters, over the "
            f"maximum of {fmt.max_line_size}",
            "raise max_line_size in the contract if the file is genuine",
            {"line": 1},
        )
    _check_header(header, text, fmt, part.name)
    options = ", ".join(
        [
            f"delim = {literal(fmt.delimiter)}",
            f"quote = {literal(fmt.quote)}",
            f"escape = {literal(fmt.quote)}",
            "header = true",
            "all_varchar = true",
            "auto_detect = false",
            f"columns = {_columns_struct(header)}",
            f"encoding = {literal(_duckdb_encoding(fmt.encoding))}",
            f"max_line_size = {int(fmt.max_line_size)}",
            "store_rejects = true",
            "rejects_table = 'csv_reject_errors'",
            "rejects_scan = 'csv_reject_scans'",
            "rejects_limit = 0",
            "null_padding = false",
            "strict_mode = true",
        ]
    )
    reader = f"read_csv({literal(str(part.path))}, {options})"
    if any(name.lower() == "rowid" for name in header):
        # a column named rowid hides the pseudo-column: number the rows with a (one-thread)
        # window, stored with them (the COPY to raw does not keep the rows' order)
        _run(
            con,
            part,
            f"create or replace temp table landed_csv as "
            f"select *, row_number() over () as _row_number from {reader}",
        )
        relation = "landed_csv"
    else:
        _run(con, part, f"create or replace temp table landed_csv as select * from {reader}")
        relation = "(select *, rowid + 1 as _row_number from landed_csv)"
    return Landed(
        relation=relation,
        header=header,
        parse_rejects=lambda: _rejects_from_duckdb(con, "csv_reject_errors"),
    )


def _columns_struct(header: list[str]) -> str:
    pairs = ", ".join(f"{literal(name)}: 'VARCHAR'" for name in header)
    return "{" + pairs + "}"


def _run(con: duckdb.DuckDBPyConnection, part: Part, statement: str) -> None:
    try:
        con.execute(statement)
    except duckdb.Error as exc:
        raise file_error(part, exc) from exc


def file_error(part: Part, exc: Exception) -> ContractError:
    message = str(exc).splitlines()[0][:500]
    lowered = message.lower()
    if "gzip" in lowered or "zlib" in lowered or "inflate" in lowered:
        return ContractError(
            "corrupt_gzip",
            f"{part.name}: the gzip stream is damaged ({message})",
            "re-download the file from the source, land it again, and run 'lake ingest'",
        )
    if "unicode" in lowered or "encoding" in lowered:
        return ContractError(
            "encoding",
            f"{part.name}: {message}",
            "export the file in the encoding its contract names, or fix the contract's "
            "encoding, then 'lake quarantine retry'",
        )
    if "parquet" in lowered or "magic" in lowered:
        return ContractError(
            "corrupt_parquet",
            f"{part.name} is not a readable Parquet file ({message})",
            "re-export the file from the tool that wrote it and land it again",
        )
    return ContractError(
        "unreadable",
        f"{part.name} could not be read: {message}",
        "inspect the file ('lake quarantine show'), fix the contract or re-export the file, "
        "then 'lake quarantine retry'",
    )


# --------------------------------------------------------------------------- JSON


def read_json(con: duckdb.DuckDBPyConnection, part: Part, fmt: Json) -> Landed:
    head = head_bytes(part)
    if not head.strip():
        raise ContractError(
            "empty_file",
            f"{part.name} has no content",
            "a JSON export holds at least [] or {}: download it again",
        )
    path = literal(str(part.path))
    whole_document = max(16 << 20, part.path.stat().st_size + 1)
    if fmt.records_path:
        source = (
            f"select unnest(json_extract(json, {literal(fmt.records_path.rstrip('[*]') + '[*]')}))"
            f" as obj from read_json_objects({path}, format = 'unstructured', "
            f"maximum_object_size = {whole_document})"
        )
    else:
        if head.lstrip()[:1] != b"[":
            raise ContractError(
                "not_records",
                f"{part.name} is a JSON document but not an array of records",
                "set records_path in the contract to the array that holds the records "
                "(e.g. '$.data'), then 'lake quarantine retry'",
            )
        source = (
            f"select json as obj from read_json_objects({path}, format = 'array', "
            f"maximum_object_size = {64 << 20})"
        )
    _run_json(
        con,
        part,
        f"create or replace temp table landed_objects as select obj, "
        f"row_number() over () as _row_number from ({source})",
    )
    return _objects_to_columns(con, part, "landed_objects", rejects=[])


def _run_json(con: duckdb.DuckDBPyConnection, part: Part, statement: str) -> None:
    try:
        con.execute(statement)
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0][:500]
        if "json" in message.lower() and "gzip" not in message.lower():
            raise ContractError(
                "json_syntax",
                f"{part.name} is not valid JSON: {message}",
                "the download was probably cut short or is not JSON (an HTML error page?): "
                "fetch it again and land it",
            ) from exc
        raise file_error(part, exc) from exc


def _objects_to_columns(
    con: duckdb.DuckDBPyConnection,
    part: Part,
    objects: str,
    rejects: list[Reject],
    *,
    where: str = "true",
    shapes: list[tuple[list[str] | None, int]] | None = None,
) -> Landed:
    """From `(obj, _row_number)` rows of `objects` (those passing `where`; JSON or JSON text)
    to one text column per key.

    The distinct key lists (`_key_shapes`) give the keys (in first-seen order; keys first
    seen in the same record alphabetically) and show records that are not objects, which are
    refused; the rows themselves are extracted by the COPY that writes raw."""
    if shapes is None:
        shapes = _key_shapes(con, objects, where)
    # each JSON function parses the text again, so the type is asked only when a record has
    # no keys (an array, a scalar, null, or {})
    if any(not record_keys for record_keys, _ in shapes):
        _refuse_non_objects(con, part, objects, where)
    keys: dict[str, None] = {}
    for record_keys, _ in shapes:
        keys.update(dict.fromkeys(sorted(k for k in record_keys if k not in keys)))
    _refuse_duplicate_columns(list(keys), part.name)
    if keys:
        columns, parsed = _extract_keys(list(keys))
        relation = (
            f"(select {columns}, _row_number from "
            f"(select {parsed}, _row_number from {objects} where {where}))"
        )
    else:
        relation = f"(select _row_number from {objects} where {where})"
    return Landed(
        relation=relation, header=list(keys), empty=not keys, parse_rejects=lambda: rejects
    )


def _key_shapes(
    con: duckdb.DuckDBPyConnection, objects: str, where: str, *, tolerant: bool = False
) -> list[tuple[list[str] | None, int]]:
    """The distinct key lists of the records, each with the first record that has it, in
    that order. Most files repeat one list: the first record's list is read first, and the
    aggregate (grouped by the lists' text, cheaper to hash than the lists) sees only the
    records whose list differs from it (comparing is ~25% cheaper than grouping every
    record). `tolerant`: a record that is not valid JSON gives NULL instead of an error."""
    keys = "try(json_keys(obj))" if tolerant else "json_keys(obj)"
    records = f"(select {keys} as keys, _row_number from {objects} where {where})"
    first = con.execute(
        f"select keys, _row_number from {records} where _row_number <= {FIRST_RECORDS} "
        "and keys is not null order by _row_number limit 1"
    ).fetchone()
    shapes: list[tuple[list[str] | None, int]] = []
    others, parameters = "", None
    if first is not None:
        shapes.append((first[0], int(first[1])))
        others, parameters = "where keys is distinct from $common ", {"common": first[0]}
    shapes += con.execute(
        f"select any_value(keys), min(_row_number) as first from {records} "
        f"{others}group by keys::varchar",
        parameters,
    ).fetchall()
    return sorted(shapes, key=lambda shape: shape[1])


def _extract_keys(keys: list[str]) -> tuple[str, str]:
    """Each key's value as text (a string's characters, a number, `true`, nested JSON as
    compact text; NULL when absent or null), parsing each record once: the column list, and
    the parsed record it reads. `from_json` into a struct of VARCHAR fields gives the same
    text as `json_extract_string` with a list of paths, ~20% faster (the keys are unique
    ignoring case, as struct fields must be)."""
    shape = literal(json.dumps(dict.fromkeys(keys, "VARCHAR")))
    columns = ", ".join(f"struct_extract(record, {literal(k)}) as {ident(k)}" for k in keys)
    return columns, f"from_json(obj, {shape}) as record"


def _refuse_non_objects(
    con: duckdb.DuckDBPyConnection, part: Part, objects: str, where: str
) -> None:
    row = con.execute(
        f"select count(*) from {objects} where {where} and json_type(obj) <> 'OBJECT'"
    ).fetchone()
    non_objects = int(row[0]) if row else 0
    if non_objects:
        raise ContractError(
            "not_records",
            f"{part.name}: {non_objects} records are not JSON objects",
            "point records_path at the array of objects, or write a parser hook",
        )


def read_ndjson(con: duckdb.DuckDBPyConnection, part: Part, fmt: Ndjson) -> Landed:
    head = head_bytes(part)
    if not head.strip():
        raise ContractError(
            "empty_file", f"{part.name} has no content", "download the export again"
        )
    if looks_binary(head):
        raise ContractError(
            "not_text",
            f"{part.name} is binary data, not newline-delimited JSON",
            "check that the right file was saved under this name, then land the real export",
        )
    _run(
        con,
        part,
        "create or replace temp table landed_lines as select line from read_csv("
        f"{literal(str(part.path))}, columns = {{'line': 'VARCHAR'}}, header = false, "
        "delim = '\x01', quote = '', escape = '', auto_detect = false, "
        f"max_line_size = {int(fmt.max_line_size)}, "
        "store_rejects = true, rejects_table = 'ndjson_reject_errors', "
        "rejects_scan = 'ndjson_reject_scans', rejects_limit = 0)",
    )
    rejects = _rejects_from_duckdb(con, "ndjson_reject_errors")
    objects = "(select line as obj, rowid + 1 as _row_number from landed_lines)"
    where = "obj is not null"
    # one parse per line finds the keys; a line that is not JSON has none (NULL), and only
    # then does a second pass (json_valid) name the bad lines and leave them out
    shapes = _key_shapes(con, objects, where, tolerant=True)
    if any(keys is None for keys, _ in shapes):
        bad = con.execute(
            "select rowid + 1, line from landed_lines "
            "where line is not null and not coalesce(json_valid(line), false) order by 1"
        ).fetchall()
        rejects += [Reject(error="invalid JSON line", line=n, raw=text[:2000]) for n, text in bad]
        where += " and coalesce(json_valid(obj), false)"
        shapes = [(keys, first) for keys, first in shapes if keys is not None]
    return _objects_to_columns(con, part, objects, rejects=rejects, where=where, shapes=shapes)


# --------------------------------------------------------------------------- Parquet


def read_parquet(con: duckdb.DuckDBPyConnection, part: Part) -> Landed:
    path = literal(str(part.path))
    try:
        described = con.execute(f"describe select * from read_parquet({path})").fetchall()
    except duckdb.Error as exc:
        raise file_error(part, exc) from exc
    header = [row[0] for row in described]
    casts = ", ".join(_as_text(name, kind) for name, kind, *_ in described)
    relation = (
        f"(select {casts}, file_row_number + 1 as _row_number "
        f"from read_parquet({path}, file_row_number = true))"
    )
    return Landed(
        relation=relation, header=header, types={name: kind for name, kind, *_ in described}
    )


def _as_text(name: str, kind: str) -> str:
    nested = any(token in kind for token in ("STRUCT", "MAP", "[]", "UNION")) or kind == "JSON"
    expression = f"to_json({ident(name)})::varchar" if nested else f"{ident(name)}::varchar"
    return f"{expression} as {ident(name)}"


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
    con.register("hook_rows", table)
    try:
        con.execute(
            "create or replace temp table landed_rows as "
            "select *, row_number() over () as _row_number from hook_rows"
        )
    finally:
        con.unregister("hook_rows")
    return Landed(
        relation="landed_rows", header=list(table.column_names), empty=table.num_rows == 0
    )


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
