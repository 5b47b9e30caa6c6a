"""The suppression list: data subjects erased by `lake erase`, by key only.

`_state/governance/suppressed.json` maps `customer:ID` to its key column and key. Ingest calls
`redact_suppressed` on every raw file it writes (restricted columns NULL on the rows of a
suppressed subject), and publish NULLs them in the published tables, so a later extract does
not bring an erased subject's personal data back into raw or anything published.
"""

from __future__ import annotations

import json
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


def redact_suppressed(paths: LakePaths, dataset: Dataset, parquet: Path) -> int:
    """NULL the restricted columns of suppressed subjects' rows in a raw file being written.
    Returns the rows redacted (0, and the file untouched, in the usual case)."""
    listed = suppressed(paths)
    if not listed:
        return 0
    restricted = [c.name for c in dataset.schema if c.classification == "restricted"]
    keys: dict[str, list[str]] = {}
    for spec in listed.values():
        if spec["key_column"] in dataset.columns:
            keys.setdefault(str(spec["key_column"]), []).append(str(spec["key"]))
    if not restricted or not keys:
        return 0
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
            return 0
        params = [keys[c] for c in keys if c in present]
        hit = con.execute(f"select count(*) from t where {where}", params).fetchone()
        if not hit or not hit[0]:
            return 0
        con.execute(f"update t set {sets} where {where}", params)
        staged = parquet.with_name(f".{parquet.name}.suppressed.tmp")
        con.execute(f"copy t to '{str(staged).replace(chr(39), chr(39) * 2)}' (format parquet)")
    staged.replace(parquet)
    return int(hit[0])
