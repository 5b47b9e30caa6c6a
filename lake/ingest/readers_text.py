"""Reading line-oriented text by a regular expression (web server access logs): each line's
named groups as text columns, a line that does not match as a rejected row with its text
(see readers.py for the shape every reader ends in)."""

from __future__ import annotations

import duckdb

from lake.errors import ContractError
from lake.ingest.contract import Regex
from lake.ingest.parts import (
    Landed,
    Part,
    Reject,
    column_alias,
    head_bytes,
    looks_binary,
    read_lines,
)
from lake.ingest.sql import ident, literal

MAX_REJECTED_TEXT = 2000


def read_regex(con: duckdb.DuckDBPyConnection, part: Part, fmt: Regex) -> Landed:
    head = head_bytes(part)
    if not head.strip():
        raise ContractError("empty_file", f"{part.name} has no content", "land the file again")
    if looks_binary(head):
        raise ContractError(
            "not_text",
            f"{part.name} is binary data, not lines of text",
            "check that the right file was saved under this name, then land the real one",
        )
    rejects = read_lines(con, part, fmt.max_line_size)
    pattern = literal(f"^(?:{fmt.pattern})$")
    lines = "(select line, rowid + 1 as _row_number from landed_lines where line is not null)"
    bad = con.execute(
        f"select _row_number, line from {lines} "
        f"where not regexp_full_match(line, {pattern}) order by 1"
    ).fetchall()
    rejects += [
        Reject(error="line does not match the format", line=int(n), raw=text[:MAX_REJECTED_TEXT])
        for n, text in bad
    ]
    fields = list(fmt.fields)
    names = "[" + ", ".join(literal(f) for f in fields) + "]"
    columns = ", ".join(
        f"struct_extract(parsed, {literal(f)}) as {ident(column_alias(f))}" for f in fields
    )
    relation = (
        f"(select {columns}, _row_number from (select regexp_extract(line, {pattern}, "
        f"{names}) as parsed, _row_number from {lines} "
        f"where regexp_full_match(line, {pattern})))"
    )
    return Landed(relation=relation, header=fields, parse_rejects=lambda: rejects)
