"""The shape of a dataset contract: what a landing file must look like to enter the raw zone.

One file per source under `lake/contracts/` declares its datasets with these classes. A
contract says which landing files it claims (a glob on the file name, and on the member name
inside a zip), how to read them (a `Format`), which columns must be there (one or more
`Layout`s, matched per file), which columns must parse as which type, and the primary key.

Raw keeps every value as text exactly as the source wrote it; `types` are checked, not
applied: a row whose value does not parse goes to the rejects table, the rest land.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import pyarrow as pa


@dataclass(frozen=True)
class Csv:
    """Delimited text. Line endings LF, CRLF and CR alone are all accepted; a UTF-8 BOM is
    skipped. `max_line_size` (bytes) bounds one line; longer lines fail the file."""

    delimiter: str = ","
    quote: str = '"'
    encoding: str = "utf-8"
    header: bool = True
    max_line_size: int = 2_000_000


@dataclass(frozen=True)
class Json:
    """One JSON document. Records are the top-level array, or the array at `records_path`
    (a JSONPath such as `$.data`). Nested values land as JSON text."""

    records_path: str | None = None


@dataclass(frozen=True)
class Ndjson:
    """One JSON object per line; a bad line is a rejected row, the others land."""

    max_line_size: int = 2_000_000


@dataclass(frozen=True)
class Parquet:
    """Parquet written by another tool; every column lands as text."""


@dataclass(frozen=True)
class ParseInput:
    """What a parser hook receives: the bytes of one file (or zip member) and its names."""

    name: str
    content: bytes
    landing_path: str
    metadata: Mapping[str, Any]

    def text(self, encoding: str = "utf-8-sig") -> str:
        return self.content.decode(encoding)


Records = list[dict[str, Any]] | pa.Table
"""A hook returns rows as a list of dicts (values become text) or an Arrow table."""


@dataclass(frozen=True)
class Hook:
    """Code for sources that need it (an HTML page with the data in a chart script, GraphQL
    responses told apart by their keys). `parse` returns the rows, or None when this file is
    not this dataset (the file is then matched against the source's other contracts). Raise
    `ContractError` for a file that is this dataset but broken."""

    parse: Callable[[ParseInput], Records | None]


Format = Csv | Json | Ndjson | Parquet | Hook


@dataclass(frozen=True)
class Layout:
    """One version of a dataset's columns. A source may change its layout over time; each file
    is matched to the first layout whose required columns it has."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


# Type names `types` accepts: a DuckDB type (checked with TRY_CAST) or a date/time with its
# strptime format, written "date:%Y-%m" or "timestamp:%Y-%m-%dT%H:%M:%S%z".
TypeSpec = str


@dataclass(frozen=True)
class Dataset:
    """The contract of one raw dataset: `raw/_source=<source>/_dataset=<name>/`."""

    source: str
    name: str
    description: str
    pattern: str
    format: Format
    layouts: tuple[Layout, ...]
    types: Mapping[str, TypeSpec] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    member: str | None = None
    """For zip archives: a glob on member names; the file must hold at least one."""

    @property
    def key(self) -> str:
        return f"{self.source}.{self.name}"

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column any layout knows, in first-seen order (the raw table's columns)."""
        seen: dict[str, None] = {}
        for layout in self.layouts:
            for column in layout.columns:
                seen.setdefault(column, None)
        return tuple(seen)

    def claims(self, file_name: str) -> bool:
        return fnmatch.fnmatchcase(PurePosixPath(file_name).name, self.pattern)

    def claims_member(self, member_name: str) -> bool:
        return self.member is not None and fnmatch.fnmatchcase(
            PurePosixPath(member_name).name, self.member
        )

    def match_layout(self, header: Iterable[str]) -> Layout | None:
        present = set(header)
        for layout in self.layouts:
            if set(layout.required) <= present:
                return layout
        return None
