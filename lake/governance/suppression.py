"""The suppression list: data subjects erased by `lake erase`, by key only.

`_state/governance/suppressed.json` maps `customer:ID` to its key column and key. Ingest calls
`redact_suppressed` on every raw file it writes (restricted columns NULL on the rows of a
suppressed subject), and publish NULLs them in the published tables, so a later extract does
not bring an erased subject's personal data back into raw or anything published. The values
a redaction removed are handed back, so that the ingest then scrubs them from the landing
file (and the dumps) that later extract wrote (`erasure.erase_later_copies`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from lake.config import LakePaths
from lake.fsutil import atomic_write_json
from lake.governance import logs
from lake.ingest.contract import Dataset


def suppression_file(paths: LakePaths) -> Path:
    return paths.state / "governance" / "suppressed.json"


def suppressed(paths: LakePaths) -> dict[str, dict[str, Any]]:
    """subject -> {key_column, key, erased_at}."""
    try:
        return dict(json.loads(suppression_file(paths).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def suppress(paths: LakePaths, subject: str, key_column: str, key: str) -> None:
    listed = suppressed(paths)
    listed[subject] = {"key_column": key_column, "key": key, "erased_at": logs.now_iso()}
    atomic_write_json(suppression_file(paths), listed)


@dataclass
class Redaction:
    """What `redact_suppressed` removed from one raw file: rows, and per subject key the
    personal values they held."""

    rows: int = 0
    values: dict[str, set[str]] = field(default_factory=dict)


def redact_suppressed(paths: LakePaths, dataset: Dataset, parquet: Path) -> Redaction:
    """NULL the restricted columns of suppressed subjects' rows in a raw file being written.
    Returns the rows redacted and the values they held (none, and the file untouched, in the
    usual case)."""
    listed = suppressed(paths)
    if not listed:
        return Redaction()
    restricted = [c.name for c in dataset.schema if c.classification == "restricted"]
    keys: dict[str, list[str]] = {}
    for spec in listed.values():
        if spec["key_column"] in dataset.columns:
            keys.setdefault(str(spec["key_column"]), []).append(str(spec["key"]))
    if not restricted or not keys:
        return Redaction()
    with duckdb.connect() as con:
        con.execute("create table t as select * from read_parquet(?)", [str(parquet)])
        present = {
            str(r[0]) for r in con.execute("select column_name from (describe t)").fetchall()
        }
        where = " or ".join(
            f'"{column}"::varchar in (select unnest(?))' for column in keys if column in present
        )
        sets = ", ".join(f'"{c}" = null' for c in restricted if c in present)
        if not where or not sets:
            return Redaction()
        params = [keys[c] for c in keys if c in present]
        hit = con.execute(f"select count(*) from t where {where}", params).fetchone()
        if not hit or not hit[0]:
            return Redaction()
        values = _values_by_key(con, [c for c in keys if c in present], restricted, params)
        con.execute(f"update t set {sets} where {where}", params)
        staged = parquet.with_name(f".{parquet.name}.suppressed.tmp")
        con.execute(f"copy t to '{str(staged).replace(chr(39), chr(39) * 2)}' (format parquet)")
    staged.replace(parquet)
    return Redaction(rows=int(hit[0]), values=values)


def _values_by_key(
    con: duckdb.DuckDBPyConnection, key_columns: list[str], restricted: list[str], keys: list[Any]
) -> dict[str, set[str]]:
    """Per suppressed key, the restricted values its rows hold in table `t`."""
    found: dict[str, set[str]] = {}
    present = {str(r[0]) for r in con.execute("select column_name from (describe t)").fetchall()}
    personal = ", ".join(f'"{c}"::varchar' for c in restricted if c in present)
    for column, wanted in zip(key_columns, keys, strict=True):
        rows = con.execute(
            f'select "{column}"::varchar, {personal} from t '
            f'where "{column}"::varchar in (select unnest(?))',
            [wanted],
        ).fetchall()
        for key, *personal_values in rows:
            found.setdefault(str(key), set()).update(
                str(v).strip() for v in personal_values if v is not None and str(v).strip()
            )
    return found
