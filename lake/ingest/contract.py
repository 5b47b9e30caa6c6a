"""The shape of a dataset contract: what a landing file must look like to enter the raw zone.

One file per source under `lake/contracts/` declares its datasets with these classes. A
contract says which landing files it claims (a glob on the file name, and on the member name
inside a zip), how to read them (a `Format`), which columns must be there (one or more
`Layout`s, matched per file), which columns must parse as which type, and the primary key.

Raw keeps every value as text exactly as the source wrote it; `types` are checked, not
applied: a row whose value does not parse goes to the rejects table, the rest land.

The contract is also the one place where a dataset is described: each column's description,
classification and dbt tests (`Column`, in `Dataset.schema`), the dataset's retention class,
and the dbt source around it (`Source`: description, owner, freshness). The dbt sources YAML
(`models/staging/<source>/_<source>__sources.yml`) is generated from them by
`lake contracts sources` (`lake/contracts/sources_yaml.py`); never edit it by hand.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal, get_args

import pyarrow as pa

from lake.errors import ContractDefinitionError


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
class Regex:
    """One record per line, its fields the named groups of `pattern` (a regular expression in
    RE2 syntax, matched against the whole line: `(?P<name>...)` groups, no other capturing
    groups). A line that does not match is a rejected row, kept with its line number and
    text; the others land. `COMBINED_LOG` is the web servers' combined log format."""

    pattern: str
    max_line_size: int = 2_000_000

    @property
    def fields(self) -> tuple[str, ...]:
        """The group names, in the order of their groups."""
        groups = re.compile(self.pattern).groupindex
        return tuple(sorted(groups, key=groups.__getitem__))


COMBINED_LOG = (
    r"(?P<remote_addr>\S+) (?P<remote_ident>\S+) (?P<remote_user>\S+) "
    r'\[(?P<time_local>[^\]]+)\] "(?P<request>(?:[^"\\]|\\.)*)" (?P<status>\d{3}) '
    r'(?P<body_bytes_sent>\d+|-) "(?P<http_referer>(?:[^"\\]|\\.)*)" '
    r'"(?P<http_user_agent>(?:[^"\\]|\\.)*)"'
)
"""`%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"` (Apache, nginx's `combined`);
quotes inside the quoted fields are escaped with a backslash."""


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


Format = Csv | Json | Ndjson | Regex | Parquet | Hook


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


Classification = Literal["public", "internal", "confidential", "restricted"]
"""Who may see a column's values:
- `public`: published by the platform or the label anyway (titles, ISRCs, release dates);
- `internal`: the label's own numbers and ids (streams, spend, file lineage);
- `confidential`: business-sensitive (earnings, contracts' terms, free text an account holder
  wrote, landing metadata naming accounts);
- `restricted`: personal data, values about a real, identifiable person (names of real people
  who are not public artists, e-mail addresses, bank details). Masked before publishing."""

CLASSIFICATIONS: tuple[str, ...] = get_args(Classification)

Retention = Literal["raw_default", "personal_data", "llm_payload"]
"""How long a dataset's landing and raw files are kept; `lake retention` applies the policies of
`lake/governance/retention.toml` (ages from the landing time):
- `raw_default`: the raw zone's policy (1 year, then compressed into archive/);
- `personal_data`: the same, and holds `restricted` columns: `lake erase` applies to it;
- `llm_payload`: prompts and responses of LLM agents (the shop domain): 30 days, unless the
  landing metadata says `keep_for_training`."""

RETENTION_CLASSES: tuple[str, ...] = get_args(Retention)

ColumnTest = str | Mapping[str, Any]
"""A dbt data test on a column, written as in dbt's YAML: `"not_null"`, or
`{"accepted_values": {"arguments": {"values": [...]}}}`."""

NOT_NULL: tuple[ColumnTest, ...] = ("not_null",)


@dataclass(frozen=True)
class Column:
    """One raw column: what it holds, who may see it, the type its text must parse as (None:
    any text) and the dbt tests on the raw column (`NOT_NULL` for the usual one)."""

    name: str
    description: str
    classification: Classification
    type: TypeSpec | None = None
    tests: tuple[ColumnTest, ...] = ()


def warn_unless(name: str, expression: str, description: str) -> dict[str, Any]:
    """A raw table test (for `Dataset.tests`): warns on rows where `expression` is not true."""
    return {
        "expression_is_true": {
            "name": name,
            "description": description,
            "arguments": {"expression": expression},
            "config": {"severity": "warn"},
        }
    }


@dataclass(frozen=True)
class Freshness:
    """dbt source freshness in days since the newest `_ingested_at`; `why` says how the
    thresholds follow from the extractor's schedule (rendered as a comment)."""

    warn_days: int
    error_days: int
    why: str = ""
    checked: bool = True
    """False for a dataset that may rightly stay empty or quiet for any length of time (a
    call type some clients never send): `freshness: null`, with `why` saying so."""


@dataclass(frozen=True)
class Source:
    """The dbt source of one contract module: `SOURCE_INFO` beside its `DATASETS`."""

    name: str
    title: str
    """The platform as people write it ("DistroKid"), for generated descriptions."""
    description: str
    owner: str
    freshness: Freshness
    loader: str = "lake ingest"
    extractor: str | None = None
    """What lands the files, when it is not `extract/<name>.py` (the event collector)."""


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
    schema: tuple[Column, ...] = ()
    """Every raw column the layouts know, described (lineage columns are added by the YAML
    generator; declare one here only to override its description or tests)."""
    retention: Retention = "raw_default"
    freshness: Freshness | None = None
    """Overrides the source's freshness for this dataset."""
    tests: tuple[Mapping[str, Any], ...] = ()
    """Extra dbt data tests on the raw table, as in dbt's YAML (each with a `name`)."""

    def __post_init__(self) -> None:
        if not self.schema:
            return
        _check_schema(self)
        declared = {c.name: c.type for c in self.schema if c.type is not None}
        both = sorted(set(declared) & set(self.types))
        if both:
            raise ContractDefinitionError(
                f"{self.key}: the type of {', '.join(both)} is declared twice (in `types` and "
                "in its `Column`)",
                "keep it in the Column only",
            )
        object.__setattr__(self, "types", {**declared, **self.types})

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

    def layout(self, name: str) -> Layout:
        """The layout called `name` (the sandbox writes files in a layout's columns)."""
        for layout in self.layouts:
            if layout.name == name:
                return layout
        raise KeyError(f"{self.key} has no layout {name!r}")

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


def _check_schema(dataset: Dataset) -> None:
    """Every layout column described exactly once, nothing else, valid classifications."""
    names = [c.name for c in dataset.schema if not c.name.startswith("_")]
    known = set(dataset.columns)
    problems = [f"{n} is described twice" for n in sorted({n for n in names if names.count(n) > 1})]
    problems += [f"{n} is in no layout" for n in names if n not in known]
    problems += [f"{n} has no Column" for n in dataset.columns if n not in set(names)]
    problems += [
        f"{c.name} has classification {c.classification!r}"
        for c in dataset.schema
        if c.classification not in CLASSIFICATIONS
    ]
    if dataset.retention not in RETENTION_CLASSES:
        problems.append(f"retention {dataset.retention!r} is not one of {RETENTION_CLASSES}")
    restricted = [c.name for c in dataset.schema if c.classification == "restricted"]
    if restricted and dataset.retention == "raw_default":
        problems.append(f"{', '.join(restricted)} restricted but retention is raw_default")
    if problems:
        raise ContractDefinitionError(
            f"{dataset.key}: {'; '.join(problems)}",
            f"fix `schema` in lake/contracts/{dataset.source}.py (classifications: "
            f"{', '.join(CLASSIFICATIONS)}; retention: {', '.join(RETENTION_CLASSES)})",
        )
