"""Classification flows from the contracts to the models: every column of every staging model,
intermediate model, mart and snapshot carries a known `meta.classification`, and a staging
column that carries a restricted raw column is restricted too.

Read from the YAML files (dbt parse takes ~15 s; its manifest holds the same YAML columns).
What this does not see: a column a model's SQL builds that no YAML declares (every model must
declare columns, but not necessarily all of them), and restricted values that reach a column
through an expression other than `<raw column> [as <name>]` in the staging model's own SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from lake.config import PROJECT_DIR
from lake.contracts import all_datasets
from lake.ingest.contract import CLASSIFICATIONS

LAYERS = ("models/staging", "models/intermediate", "models/marts", "snapshots")


@dataclass(frozen=True)
class Declared:
    """A model (or snapshot) as its YAML declares it."""

    name: str
    yaml_file: Path
    columns: dict[str, Any]


def _declared(layer: str) -> dict[str, Declared]:
    found: dict[str, Declared] = {}
    for path in sorted((PROJECT_DIR / layer).rglob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind in ("models", "snapshots"):
            for node in doc.get(kind) or []:
                columns = {c["name"]: c for c in node.get("columns") or []}
                found[node["name"]] = Declared(node["name"], path, columns)
    return found


def _sql_nodes(layer: str) -> dict[str, Path]:
    return {p.stem: p for p in sorted((PROJECT_DIR / layer).rglob("*.sql"))}


DECLARED = {name: d for layer in LAYERS for name, d in _declared(layer).items()}
SQL = {name: p for layer in LAYERS for name, p in _sql_nodes(layer).items()}


def _classification(column: dict[str, Any]) -> Any:
    meta = (column.get("config") or {}).get("meta") or column.get("meta") or {}
    return meta.get("classification")


@pytest.mark.parametrize("name", sorted(SQL))
def test_every_model_declares_its_columns(name: str) -> None:
    assert name in DECLARED, f"{SQL[name].relative_to(PROJECT_DIR)}: no YAML declares {name}"
    assert DECLARED[name].columns, f"{name}: its YAML declares no columns"


def unclassified(declared: Declared) -> list[str]:
    return [
        f"{declared.name}.{column}: classification {_classification(spec)!r}"
        for column, spec in declared.columns.items()
        if _classification(spec) not in CLASSIFICATIONS
    ]


@pytest.mark.parametrize("name", sorted(SQL))
def test_every_column_is_classified(name: str) -> None:
    problems = unclassified(DECLARED[name]) if name in DECLARED else []
    assert not problems, (
        f"{DECLARED[name].yaml_file.relative_to(PROJECT_DIR)}: {'; '.join(problems)} "
        f"(one of {', '.join(CLASSIFICATIONS)})"
    )


def test_an_unclassified_column_is_reported() -> None:
    declared = Declared(
        "stg_x",
        Path("x.yml"),
        {"a": {"config": {"meta": {"classification": "public"}}}, "b": {}, "c": {"meta": {}}},
    )
    assert unclassified(declared) == [
        "stg_x.b: classification None",
        "stg_x.c: classification None",
    ]


# --- restricted raw columns stay restricted in staging ---------------------------------------

_SOURCE_CALL = re.compile(r"source\(\s*'(\w+)'\s*,\s*'(\w+)'\s*\)")


def restricted_raw_columns() -> dict[tuple[str, str], set[str]]:
    return {
        (d.source, d.name): {c.name for c in d.schema if c.classification == "restricted"}
        for d in all_datasets()
    }


def carried_names(sql: str, raw: str) -> set[str]:
    """The names a raw column leaves the model under: its own (`raw,`) or `raw as alias`."""
    quoted = rf'(?:"{re.escape(raw)}"|(?<![\w."]){re.escape(raw)}(?![\w"]))'
    names = set(re.findall(rf"{quoted}\s+as\s+\"?(\w+)\"?", sql, flags=re.IGNORECASE))
    if re.search(rf"{quoted}\s*(?:,|\n\s*from\b)", sql, flags=re.IGNORECASE):
        names.add(raw)
    return names


def lowered(model: str, sql: str, columns: dict[str, Any]) -> list[str]:
    restricted = restricted_raw_columns()
    problems = []
    for source, table in _SOURCE_CALL.findall(sql):
        for raw in sorted(restricted.get((source, table), ())):
            for name in sorted(carried_names(sql, raw)):
                level = _classification(columns.get(name, {}))
                if name in columns and level != "restricted":
                    problems.append(
                        f"{model}.{name} carries restricted {source}.{table}.{raw} but is "
                        f"classified {level!r}"
                    )
    return problems


STAGING = sorted(n for n, p in SQL.items() if "models/staging" in p.as_posix())


@pytest.mark.parametrize("name", STAGING)
def test_staging_keeps_restricted_raw_columns_restricted(name: str) -> None:
    sql = SQL[name].read_text(encoding="utf-8")
    problems = lowered(name, sql, DECLARED[name].columns)
    assert not problems, "; ".join(problems)


def test_a_lowered_restricted_column_is_reported() -> None:
    sql = (
        "with source as (select * from {{ source('meta_ads', 'ad_account') }})\n"
        "select name as ad_account_name, business_name,\n  id\nfrom source"
    )
    columns = {
        "ad_account_name": {"config": {"meta": {"classification": "internal"}}},
        "business_name": {"config": {"meta": {"classification": "public"}}},
        "id": {"config": {"meta": {"classification": "internal"}}},
    }
    assert lowered("stg_x", sql, columns) == [
        "stg_x.business_name carries restricted meta_ads.ad_account.business_name but is "
        "classified 'public'",
        "stg_x.ad_account_name carries restricted meta_ads.ad_account.name but is "
        "classified 'internal'",
    ]
