"""Reading JSON documents and NDJSON files: records as objects, their keys as text columns
(see readers.py for the shape every reader ends in)."""

from __future__ import annotations

import json

import duckdb

from lake.errors import ContractError
from lake.ingest.contract import Json, Ndjson
from lake.ingest.parts import (
    FIRST_RECORDS,
    Landed,
    Part,
    Reject,
    column_alias,
    file_error,
    head_bytes,
    looks_binary,
    read_lines,
    refuse_duplicate_columns,
)
from lake.ingest.sql import ident, literal


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
    refuse_duplicate_columns(list(keys), part.name)
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
    columns = ", ".join(
        f"struct_extract(record, {literal(k)}) as {ident(column_alias(k))}" for k in keys
    )
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
    rejects = read_lines(con, part, fmt.max_line_size)
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
