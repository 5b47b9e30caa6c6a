"""Render `models/staging/<source>/_<source>__sources.yml` from the contracts.

The contract module is the one definition of a source's datasets; the dbt sources YAML is
derived from it, deterministically: the `Source` (`SOURCE_INFO`) gives the source's
description, owner and freshness; each `Dataset` a table with its description, layouts,
landing pattern, its described columns (`schema`), then the lineage and partition columns
every raw table has (`LINEAGE`), and the two tests every raw table has (one row per file
record; a warning on `_rescued` fields) plus the dataset's own `tests`.

`lake contracts sources` writes the files; `lake contracts sources --check` lists drift.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lake.contracts import datasets_for, source_info
from lake.ingest.contract import NOT_NULL, Column, Dataset, Freshness, Source

COMMAND = "lake contracts sources"
WIDTH = 92

LINEAGE: tuple[Column, ...] = (
    Column("_rescued", "{{ doc('raw_rescued') }}", "confidential"),
    Column("_source_file", "{{ doc('raw_source_file') }}", "internal", tests=NOT_NULL),
    Column("_sha256", "{{ doc('raw_sha256') }}", "internal", tests=NOT_NULL),
    Column("_batch_id", "{{ doc('raw_batch_id') }}", "internal", tests=NOT_NULL),
    Column("_ingested_at", "{{ doc('raw_ingested_at') }}", "internal", tests=NOT_NULL),
    Column("_landed_at", "{{ doc('raw_landed_at') }}", "internal", tests=NOT_NULL),
    Column("_row_number", "{{ doc('raw_row_number') }}", "internal", tests=NOT_NULL),
    Column("_layout", "{{ doc('raw_layout') }}", "internal", tests=NOT_NULL),
    Column("_landing_metadata", "{{ doc('raw_landing_metadata') }}", "confidential"),
    Column("_source", "{{ doc('raw_partition_source') }}", "internal"),
    Column("_dataset", "{{ doc('raw_partition_dataset') }}", "internal"),
    Column("_date", "{{ doc('raw_partition_date') }}", "internal"),
)
"""The columns `lake ingest` adds to every raw row, and the hive partition keys (described
once, in models/staging/_raw_columns.md). A dataset's `schema` may override one by name."""

# Names dbt must quote: anything but a lowercase identifier, and SQL keywords.
_PLAIN = re.compile(r"[a-z_][a-z0-9_]*")
_KEYWORDS = frozenset({"date", "desc", "interval", "order", "group", "user", "time", "year"})


def yaml_path(project_dir: Path, source: str) -> Path:
    return project_dir / "models" / "staging" / source / f"_{source}__sources.yml"


def render(source: str) -> str:
    """The whole sources YAML of `source`, as committed."""
    info = source_info(source)
    lines = [
        f"# GENERATED from lake/contracts/{source}.py by `{COMMAND}`: do not edit.",
        "# To change a column, a description, a classification or a test, edit the",
        f"# contract and run `{COMMAND}`. The read_parquet location is inherited from",
        "# dbt_project.yml (see models/staging/README.md).",
        "sources:",
        f"  - name: {source}",
        *_text("description", info.description, 4),
        f"    loader: {info.loader}",
        *_source_config(info),
        "",
        "    tables:",
    ]
    for index, dataset in enumerate(datasets_for(source)):
        if index:
            lines.append("")
        lines.extend(_table(dataset, info))
    return "\n".join(lines) + "\n"


def _source_config(info: Source) -> list[str]:
    meta = {
        "landing_path": f"landing/{info.name}/",
        "raw_path": f"raw/_source={info.name}/",
        "extractor": info.extractor or f"extract/{info.name}.py",
        "contract": f"lake/contracts/{info.name}.py",
        "owner": info.owner,
    }
    return [
        "    config:",
        "      meta:",
        *(f"        {key}: {_scalar(value)}" for key, value in meta.items()),
        "      loaded_at_field: _ingested_at",
        *_freshness(info.freshness, 6),
    ]


def _freshness(freshness: Freshness, indent: int) -> list[str]:
    pad = " " * indent
    why = [f"{pad}# {line}" for line in _wrap(freshness.why, WIDTH - indent - 2)]
    if not freshness.checked:
        return [*why, f"{pad}freshness: null"]
    return [
        *why,
        f"{pad}freshness:",
        f"{pad}  warn_after: {{count: {freshness.warn_days}, period: day}}",
        f"{pad}  error_after: {{count: {freshness.error_days}, period: day}}",
    ]


def _table(dataset: Dataset, info: Source) -> list[str]:
    layouts = ", ".join(_scalar(layout.name) for layout in dataset.layouts)
    lines = [
        f"      - name: {dataset.name}",
        *_text("description", dataset.description, 8),
        "        config:",
        "          meta:",
        f"            dataset: {dataset.name}",
        f"            layouts: [{layouts}]",
        f"            landing_pattern: {_scalar(dataset.pattern)}",
        f"            retention: {dataset.retention}",
    ]
    if dataset.freshness is not None:
        lines.extend(_freshness(dataset.freshness, 10))
    lines.append("        data_tests:")
    for test in (*raw_table_tests(dataset, info), *dataset.tests):
        lines.extend(_block([test], 10))
    lines.append("        columns:")
    for column in table_columns(dataset):
        lines.extend(_column(column))
    return lines


def raw_table_tests(dataset: Dataset, info: Source) -> tuple[dict[str, Any], ...]:
    """The tests every raw table has: one row per file record; no field outside the contract."""
    prefix = f"source_{dataset.source}_{dataset.name}"
    return (
        {
            "unique_combination_of_columns": {
                "name": f"{prefix}__one_row_per_file_record",
                "arguments": {"combination_of_columns": ["_source_file", "_row_number"]},
            }
        },
        {
            "expression_is_true": {
                "name": f"{prefix}__no_rescued_columns",
                "description": (
                    f"Warns when {info.title} adds a field the contract does not know (ingest "
                    "keeps it in `_rescued`): the contract and the staging model need the new "
                    "field."
                ),
                "arguments": {"expression": "_rescued is null"},
                "config": {"severity": "warn"},
            }
        },
    )


def table_columns(dataset: Dataset) -> tuple[Column, ...]:
    """The dataset's columns, then the lineage columns (a dataset's own declaration wins)."""
    own = {column.name: column for column in dataset.schema}
    data = tuple(c for c in dataset.schema if not c.name.startswith("_"))
    return data + tuple(own.get(column.name, column) for column in LINEAGE)


def _column(column: Column) -> list[str]:
    lines = [f"          - name: {_scalar(column.name)}"]
    if _PLAIN.fullmatch(column.name) is None or column.name in _KEYWORDS:
        lines.append("            quote: true")
    lines.extend(_text("description", column.description, 12))
    lines.append(f"            config: {{meta: {{classification: {column.classification}}}}}")
    if column.tests:
        if all(isinstance(test, str) for test in column.tests):
            lines.append(f"            data_tests: [{', '.join(map(str, column.tests))}]")
        else:
            lines.append("            data_tests:")
            lines.extend(_block(list(column.tests), 14))
    return lines


# --- a small YAML writer: stable, readable, and only what these files need -----------------


def _text(key: str, text: str, indent: int) -> list[str]:
    """`key: text` on one line when it fits, else a folded block."""
    pad = " " * indent
    flat = " ".join(text.split())
    one_line = f"{pad}{key}: {_scalar(flat)}"
    if len(one_line) <= WIDTH:
        return [one_line]
    return [f"{pad}{key}: >", *(f"{pad}  {line}" for line in _wrap(flat, WIDTH - indent - 2))]


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _block(items: list[Any], indent: int) -> list[str]:
    """A block sequence of scalars, flow lists of scalars, or mappings."""
    pad = " " * indent
    lines: list[str] = []
    for item in items:
        if not isinstance(item, Mapping):
            lines.append(f"{pad}- {_scalar(item)}")
            continue
        body = _mapping(item, indent + 2)
        lines.append(f"{pad}- {body[0].lstrip()}")
        lines.extend(body[1:])
    return lines


def _mapping(mapping: Mapping[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            lines.append(f"{pad}{key}:")
            lines.extend(_mapping(value, indent + 2))
        elif isinstance(value, list | tuple):
            lines.append(f"{pad}{key}: [{', '.join(_scalar(v) for v in value)}]")
        elif isinstance(value, str) and key == "description":
            lines.extend(_text(key, value, indent))
        else:
            lines.append(f"{pad}{key}: {_scalar(value)}")
    return lines


_SAFE = re.compile(r"[A-Za-z_][A-Za-z0-9_ ./()`',=<>-]*")
_YAML_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"})


def _scalar(value: Any) -> str:
    """A YAML scalar: plain when unambiguous, else double-quoted (JSON is valid YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    plain = (
        _SAFE.fullmatch(text) is not None
        and text == text.strip()
        and text.lower() not in _YAML_WORDS
        and ": " not in text
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


# --- check and write ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    """A committed sources YAML that differs from what its contract renders."""

    path: Path
    line: int
    committed: str | None
    rendered: str | None

    def describe(self, project_dir: Path) -> str:
        where = f"{self.path.relative_to(project_dir)}:{self.line}"
        if self.committed is None and self.line == 0:
            return f"{where}: missing (the contract declares this source)"
        return f"{where}: committed {self.committed!r}, the contract renders {self.rendered!r}"


def first_difference(committed: str, rendered: str) -> tuple[int, str | None, str | None] | None:
    """(1-based line, committed line, rendered line) of the first difference, or None."""
    old, new = committed.splitlines(), rendered.splitlines()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, _i2, j1, _j2 in matcher.get_opcodes():
        if tag != "equal":
            return i1 + 1, _at(old, i1), _at(new, j1)
    return None


def _at(lines: list[str], index: int) -> str | None:
    return lines[index] if index < len(lines) else None


def check(project_dir: Path, sources: Iterable[str]) -> list[Drift]:
    drifts: list[Drift] = []
    for source in sources:
        path = yaml_path(project_dir, source)
        if not path.exists():
            drifts.append(Drift(path, 0, None, None))
            continue
        found = first_difference(path.read_text(encoding="utf-8"), render(source))
        if found is not None:
            drifts.append(Drift(path, *found))
    return drifts


def write(project_dir: Path, sources: Iterable[str]) -> list[Path]:
    """Write each source's YAML; return the files whose content changed."""
    changed: list[Path] = []
    for source in sources:
        path = yaml_path(project_dir, source)
        text = render(source)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.append(path)
    return changed
