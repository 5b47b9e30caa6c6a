"""Shared helpers for the contract tests: where the sample files are, and how the ingest engine
uses a contract (pattern, zip member, hook) reproduced in a few lines, so that each test states
only what it expects."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from lake.contracts import datasets_for
from lake.errors import ContractError
from lake.ingest.contract import Csv, Dataset, Hook, Json, ParseInput

FIXTURES = Path("/work/shared/fixtures")
"""Real exports (read-only; never edit)."""
SANDBOX = Path(__file__).parent / "data"
"""Sandbox files written here in the documented layouts of sources without a real export."""


def sample_files(source: str) -> list[Path]:
    """Every real and sandbox file of one source."""
    found = []
    for root in (FIXTURES, SANDBOX):
        folder = root / source
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if p.is_file() and p.name != "README.md")
    return found


def parse_input(path: Path, content: bytes | None = None, name: str | None = None) -> ParseInput:
    return ParseInput(
        name=name or path.name,
        content=path.read_bytes() if content is None else content,
        landing_path=f"landing/test/2025-05-27-1200/{path.name}",
        metadata={},
    )


def dataset(source: str, name: str) -> Dataset:
    return next(d for d in datasets_for(source) if d.name == name)


def hook(source: str, name: str) -> Any:
    fmt = dataset(source, name).format
    assert isinstance(fmt, Hook)
    return fmt.parse


@dataclass
class Claim:
    dataset: Dataset
    rows: list[dict[str, Any]] | None
    """The hook's rows; None for the formats DuckDB reads."""


def claims(source: str, path: Path) -> dict[str, Claim]:
    """The datasets that take `path`, as the engine decides: pattern, zip member, hook."""
    found: dict[str, Claim] = {}
    for ds in datasets_for(source):
        if not ds.claims(path.name):
            continue
        name, content = path.name, path.read_bytes()
        if ds.member is not None:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if ds.claims_member(m)]
                if not members:
                    continue
                name, content = members[0], archive.read(members[0])
        if isinstance(ds.format, Hook):
            rows = ds.format.parse(parse_input(path, content, name))
            if rows is None:
                continue
            assert isinstance(rows, list)
            found[ds.name] = Claim(ds, rows)
        else:
            found[ds.name] = Claim(ds, None)
    return found


def as_text(value: Any) -> str | None:
    """How raw stores a value: text; nested values as JSON text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def duckdb_rows(ds: Dataset, path: Path, tmp_path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Header and rows of a Csv or Json(records_path) file, read by DuckDB as text."""
    con = duckdb.connect()
    if ds.member is not None:
        with zipfile.ZipFile(path) as archive:
            member = next(m for m in archive.namelist() if ds.claims_member(m))
            path = tmp_path / Path(member).name
            path.write_bytes(archive.read(member))
    if isinstance(ds.format, Csv):
        rel = con.sql(
            "select * from read_csv($path, all_varchar = true, header = true, delim = $delim)",
            params={"path": str(path), "delim": ds.format.delimiter},
        )
        header = list(rel.columns)
        return header, [dict(zip(header, row, strict=True)) for row in rel.fetchall()]
    assert isinstance(ds.format, Json) and ds.format.records_path
    elements = con.sql(
        "select unnest(json_extract(json, $path)) as r from read_json_objects($file)",
        params={"path": f"{ds.format.records_path}[*]", "file": str(path)},
    ).fetchall()
    rows = [json.loads(r) for (r,) in elements]
    header = list(dict.fromkeys(k for row in rows for k in row))
    return header, [{k: as_text(v) for k, v in row.items()} for row in rows]


def invalid_values(values: list[str], spec: str) -> list[str]:
    """The values that would not pass the engine's type check `spec`."""
    values = [v for v in values if v is not None]
    if not values:
        return []
    kind, _, fmt = spec.partition(":")
    test = "try_strptime(v, $fmt)" if kind in ("date", "timestamp") else f"try_cast(v as {spec})"
    params: dict[str, Any] = {"vals": values}
    if kind in ("date", "timestamp"):
        params["fmt"] = fmt
    return [
        v
        for (v,) in duckdb.sql(
            f"select v from (select unnest($vals) as v) where {test} is null", params=params
        ).fetchall()
    ]


def expect_contract_error(parse: Any, inp: ParseInput, kind: str, hint_part: str) -> ContractError:
    """`parse(inp)` raises ContractError of `kind` whose hint says what to do (`hint_part`)."""
    with pytest.raises(ContractError) as caught:
        parse(inp)
    err = caught.value
    assert err.kind == kind, err
    assert hint_part in err.hint, err.hint
    assert err.where.get("file") == inp.name
    return err


def count(pattern: str, text: str) -> int:
    return len(re.findall(pattern, text))
