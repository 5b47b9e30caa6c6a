"""What each published column is, as the contracts and the models' YAML declare it.

The contracts classify every raw column; the models' YAML carries `meta.classification` for
every column (`tests/contracts/test_classification_flows.py`), and dbt's manifest of the build
(`_state/dbt/target/manifest.json`) holds both for every relation it built. A column may name
how it is masked (`meta.masking`: `hash`, `email`, `phone`, `text`, `null`); otherwise its name
decides (e-mail -> the domain, phone -> the last 4 digits, free text -> scrubbed, anything
else -> salted SHA-256, joinable).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from lake.ingest.contract import CLASSIFICATIONS
from lake.warehouse.layout import WarehouseLayout

Masking = Literal["hash", "email", "phone", "text", "null"]
MASKINGS: tuple[str, ...] = ("hash", "email", "phone", "text", "null")
SYSTEM_SCHEMAS = ("lake_ops",)
"""The lake's own bookkeeping (runs, publication, build fingerprints): `internal`."""

_FREE_TEXT = re.compile(
    r"(message|comment|body|text|prompt|completion|response|traits|notes?|review|title|"
    r"description|content|payload)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ColumnClass:
    classification: str | None
    masking: Masking | None = None


Relations = dict[tuple[str, str], dict[str, ColumnClass]]
"""(schema, table) -> column -> its classification."""


def manifest_path(layout: WarehouseLayout) -> Path:
    return layout.dbt_dir / "target" / "manifest.json"


def declared_relations(manifest: dict[str, Any]) -> Relations:
    """Every model, snapshot and seed of a dbt manifest, with its columns' classification."""
    found: Relations = {}
    for node in (manifest.get("nodes") or {}).values():
        if node.get("resource_type") not in ("model", "snapshot", "seed"):
            continue
        key = (str(node.get("schema")), str(node.get("alias") or node.get("name")))
        found[key] = {
            name: _column_class(spec) for name, spec in (node.get("columns") or {}).items()
        }
    return found


def read_relations(layout: WarehouseLayout) -> Relations:
    path = manifest_path(layout)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return declared_relations(manifest)


def _column_class(spec: dict[str, Any]) -> ColumnClass:
    meta = (spec.get("config") or {}).get("meta") or spec.get("meta") or {}
    masking = meta.get("masking")
    return ColumnClass(
        classification=meta.get("classification"),
        masking=masking if masking in MASKINGS else None,
    )


def masking_of(column: str, declared: ColumnClass) -> Masking:
    """How a restricted column is masked: its `meta.masking`, else what its name says."""
    if declared.masking is not None:
        return declared.masking
    lowered = column.lower()
    if "email" in lowered or "e_mail" in lowered:
        return "email"
    if "phone" in lowered or "mobile" in lowered:
        return "phone"
    if _FREE_TEXT.search(lowered):
        return "text"
    return "hash"


def restricted(relations: Relations) -> dict[tuple[str, str], dict[str, Masking]]:
    """(schema, table) -> restricted column -> its masking."""
    found: dict[tuple[str, str], dict[str, Masking]] = {}
    for key, columns in relations.items():
        chosen = {
            name: masking_of(name, spec)
            for name, spec in columns.items()
            if spec.classification == "restricted"
        }
        if chosen:
            found[key] = chosen
    return found


def unclassified(relations: Relations, present: list[tuple[str, str, str]]) -> list[str]:
    """`schema.table.column` of every column in `present` without a known classification
    (the lake's own `lake_ops` schema excepted)."""
    problems = []
    for schema, table, column in present:
        if schema in SYSTEM_SCHEMAS:
            continue
        spec = relations.get((schema, table), {}).get(column)
        if spec is None or spec.classification not in CLASSIFICATIONS:
            problems.append(f"{schema}.{table}.{column}")
    return problems
