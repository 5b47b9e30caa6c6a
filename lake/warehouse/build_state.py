"""Where a build starts from: a private copy of the published version, so models can be
incremental, or (`--full-refresh`, or nothing published yet) a new database.

A build never writes to a published file. It copies the published version into
`warehouse/build.duckdb` (only the build opens that file), then before dbt runs:

* relations the project no longer has are dropped (a model removed from the project does not
  linger in the next version), except the history schemas (`snapshots`, `lake_ops`);
* every incremental model whose definition changed since the published build, or that is
  downstream of a node whose definition changed (dbt's `state:modified+`, computed from the
  fingerprints each build records in `lake_ops.build_nodes`), is dropped, so dbt builds it
  whole: an incremental table never mixes rows made by two versions of its SQL, seeds or
  macros.

What dbt then builds on top is tested as a whole before anything is published, exactly as a
full rebuild: write-audit-publish does not change.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb

from lake.governance.build_base import copy_unmasked_base
from lake.warehouse.layout import WarehouseLayout

CARRIED_SCHEMAS = ("snapshots", "lake_ops")
"""Schemas a build takes over from the published version: history, not rebuilt by dbt."""

SYSTEM_SCHEMAS = ("information_schema", "pg_catalog")
NODES_TABLE = "lake_ops.build_nodes"


@dataclass(frozen=True)
class BuildStart:
    """How a build started: from the published version (incremental) or from nothing."""

    incremental: bool
    from_version: str | None
    dropped: tuple[str, ...] = ()
    rebuilt_whole: tuple[str, ...] = ()
    selected: int | None = None
    """How many dbt selectors the build ran (None: everything; 0: nothing had changed)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "incremental": self.incremental,
            "from_version": self.from_version,
            "dropped": list(self.dropped),
            "rebuilt_whole": list(self.rebuilt_whole),
            "selected": self.selected,
        }


def remove_build_db(layout: WarehouseLayout) -> None:
    name = layout.build_db.name
    for path in (
        layout.build_db,
        layout.build_db.with_name(name + ".wal"),
        layout.build_db.with_name(f".{name}.copy"),
    ):
        path.unlink(missing_ok=True)


def start_build_db(layout: WarehouseLayout, *, full_refresh: bool) -> bool:
    """Create `build.duckdb`: a copy of the published version (True), or a new database
    holding only the published history schemas (False: full refresh or nothing published)."""
    remove_build_db(layout)
    layout.build_verdict.unlink(missing_ok=True)
    if layout.published.exists() and not full_refresh:
        staged = layout.build_db.with_name(f".{layout.build_db.name}.copy")
        # the unmasked copy of the published version (lake/governance/build_base.py), else
        # the published file itself
        if not copy_unmasked_base(layout.paths, stamped_version(layout.published), staged):
            shutil.copyfile(layout.published, staged)
        staged.chmod(0o644)
        staged.replace(layout.build_db)
        return True
    with duckdb.connect(str(layout.build_db)) as con:
        if layout.published.exists():
            _carry_history(con, layout)
        con.execute("checkpoint")
    return False


def _carry_history(con: duckdb.DuckDBPyConnection, layout: WarehouseLayout) -> None:
    quoted = str(layout.published).replace("'", "''")
    con.execute(f"attach '{quoted}' as published (read_only)")
    rows = con.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = 'published' and schema_name in (select unnest(?))",
        [list(CARRIED_SCHEMAS)],
    ).fetchall()
    for schema, table in rows:
        con.execute(f'create schema if not exists "{schema}"')
        relation = f'"{schema}"."{table}"'
        con.execute(f"create table {relation} as select * from published.{relation}")
    con.execute("detach published")


def stamped_version(db: Path) -> str | None:
    """The version a database says it is (`lake_ops.publication`), None when it says none."""
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            row = con.execute("select version from lake_ops.publication").fetchone()
    except duckdb.Error:
        return None
    return str(row[0]) if row else None


# ------------------------------------------------------------------------- fingerprints


@dataclass(frozen=True)
class Fingerprint:
    """What a node was built from: its definition, or (sources) the raw files it reads."""

    kind: str  # "definition" (models, seeds, snapshots, tests) or "data" (sources)
    materialized: str
    digest: str


def fingerprints(manifest: Any, raw_root: Path) -> dict[str, Fingerprint]:
    """Per model, seed, snapshot and test: a digest of its definition (dbt's checksum of its
    file, its configuration and the macros it calls, recursively: what `state:modified`
    compares); per source: a digest of the raw files it reads (their names, which are their
    ingest keys, sizes and modification times), so a new, retried, rewritten or removed file
    changes it."""
    macro_sums = _macro_checksums(manifest)
    result: dict[str, Fingerprint] = {}
    for unique_id, node in manifest.nodes.items():
        if node.resource_type not in ("model", "seed", "snapshot", "test"):
            continue
        config = node.config.to_dict() if hasattr(node.config, "to_dict") else {}
        parts = [
            node.checksum.checksum,
            json.dumps(config, sort_keys=True, default=str),
            *sorted(macro_sums.get(m, m) for m in _macros_of(manifest, node)),
        ]
        materialized = str(config.get("materialized", ""))
        result[unique_id] = Fingerprint("definition", materialized, _digest(parts))
    for unique_id, test in getattr(manifest, "unit_tests", {}).items():
        parts = [test.checksum, json.dumps(test.given, default=str), str(test.expect)]
        result[unique_id] = Fingerprint("definition", "unit_test", _digest(parts))
    for unique_id, source in manifest.sources.items():
        folder = raw_root / f"_source={source.schema}" / f"_dataset={source.identifier}"
        files = sorted(_file_line(folder, path) for path in folder.glob("*/*.parquet"))
        result[unique_id] = Fingerprint("data", "source", _digest(files))
    return result


def _file_line(folder: Path, path: Path) -> str:
    """A raw file as its name (the ingest key), size and modification time: a file written
    anew under the same name (by hand, or by a tool other than ingest) changes too."""
    stat = path.stat()
    return f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}"


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _macro_checksums(manifest: Any) -> dict[str, str]:
    return {
        uid: hashlib.sha256((macro.macro_sql or "").encode()).hexdigest()
        for uid, macro in manifest.macros.items()
    }


def _macros_of(manifest: Any, node: Any) -> set[str]:
    seen: set[str] = set()
    todo = list(getattr(node.depends_on, "macros", []) or [])
    while todo:
        uid = todo.pop()
        if uid in seen:
            continue
        seen.add(uid)
        macro = manifest.macros.get(uid)
        if macro is not None:
            todo.extend(getattr(macro.depends_on, "macros", []) or [])
    return seen


@dataclass(frozen=True)
class Plan:
    """What an incremental build does: the nodes to build and test (None: all of them) and
    the incremental models to build whole."""

    selected: frozenset[str] | None
    rebuilt_whole: tuple[str, ...]
    dropped: tuple[str, ...] = ()

    def selectors(self, manifest: Any) -> list[str] | None:
        """The `--select` arguments for dbt (None: build everything)."""
        if self.selected is None:
            return None
        names = []
        for uid in sorted(self.selected):
            if uid in manifest.sources:
                source = manifest.sources[uid]
                names.append(f"source:{source.source_name}.{source.name}")
            elif uid in manifest.nodes:
                names.append(manifest.nodes[uid].name)
            elif uid in getattr(manifest, "unit_tests", {}):
                names.append(f"unit_test:{manifest.unit_tests[uid].name}")
        return names


def plan(
    manifest: Any,
    current: Mapping[str, Fingerprint],
    published: Mapping[str, str],
) -> Plan:
    """Compare this build's fingerprints with the published build's.

    * Nodes whose definition changed, appeared, or lost a parent, and the sources whose raw
      files changed, are selected with every node downstream of them (tests included): the
      others would give the tables and test results the published version already has.
    * Incremental models selected because of a definition change (their own or upstream) are
      built whole: an incremental table never mixes rows made by two versions of the SQL."""
    removed = set(published) - set(current)
    definition = {
        uid
        for uid, fp in current.items()
        if fp.kind == "definition" and published.get(uid) != fp.digest
    } | {child for uid in removed for child in manifest.child_map.get(uid, [])}
    data = {
        uid for uid, fp in current.items() if fp.kind == "data" and published.get(uid) != fp.digest
    }
    redefined = definition | _descendants(manifest.child_map, definition)
    selected = redefined | data | _descendants(manifest.child_map, data)
    whole = sorted(
        manifest.nodes[uid].name
        for uid in redefined
        if uid in current and current[uid].materialized == "incremental"
    )
    return Plan(selected=frozenset(selected), rebuilt_whole=tuple(whole))


def _descendants(child_map: Mapping[str, Iterable[str]], roots: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        uid = todo.pop()
        for child in child_map.get(uid, []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def published_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    try:
        rows = con.execute(f"select unique_id, fingerprint from {NODES_TABLE}").fetchall()
    except duckdb.CatalogException:
        return {}
    return {str(uid): str(digest) for uid, digest in rows}


def record_fingerprints(con: duckdb.DuckDBPyConnection, current: Mapping[str, Fingerprint]) -> None:
    """What this build was made from, for the next build's comparison (published with it)."""
    con.execute("create schema if not exists lake_ops")
    con.execute(
        f"create or replace table {NODES_TABLE} (unique_id varchar primary key, "
        "kind varchar, materialized varchar, fingerprint varchar)"
    )
    con.executemany(
        f"insert into {NODES_TABLE} values (?, ?, ?, ?)",
        [(uid, fp.kind, fp.materialized, fp.digest) for uid, fp in sorted(current.items())],
    )
    con.execute(
        f"comment on table {NODES_TABLE} is 'What each node of this version was built from: "
        "the definition of models, seeds, snapshots and tests (file, config, macros), the raw "
        "files of sources. The next build builds and tests only what changed and what is "
        "downstream of it, and builds whole the incremental models whose definition changed.'"
    )


# ------------------------------------------------------------------------- relations


def domains_of(manifest: Any) -> list[str]:
    """The domain schemas: where the models under `models/marts/<domain>/` land."""
    return sorted(
        {
            str(node.schema)
            for node in manifest.nodes.values()
            if node.resource_type == "model"
            and node.config.enabled
            and len(node.fqn) > 3
            and node.fqn[1] == "marts"
        }
    )


def relations_of(manifest: Any) -> set[tuple[str, str]]:
    """(schema, name) of every relation the project builds."""
    found: set[tuple[str, str]] = set()
    for node in manifest.nodes.values():
        if node.resource_type in ("model", "seed", "snapshot") and node.config.enabled:
            if getattr(node.config, "materialized", "") == "ephemeral":
                continue
            found.add((str(node.schema), str(node.alias or node.name)))
    return found


def prepare_relations(layout: WarehouseLayout, manifest: Any, *, incremental: bool) -> Plan:
    """Drop what the project no longer builds and the incremental models to build whole;
    record this build's fingerprints. Returns the plan (everything, when not incremental)."""
    current = fingerprints(manifest, layout.paths.raw)
    wanted = relations_of(manifest)
    with duckdb.connect(str(layout.build_db)) as con:
        dropped = _drop_unknown(con, wanted)
        result = Plan(selected=None, rebuilt_whole=())
        if incremental:
            result = plan(manifest, current, published_fingerprints(con))
            by_name = {node.name: node for node in manifest.nodes.values()}
            for name in result.rebuilt_whole:
                node = by_name[name]
                con.execute(f'drop table if exists "{node.schema}"."{node.alias or node.name}"')
        record_fingerprints(con, current)
        con.execute("checkpoint")
    return replace(result, dropped=tuple(dropped))


def _drop_unknown(con: duckdb.DuckDBPyConnection, wanted: set[tuple[str, str]]) -> list[str]:
    rows = con.execute(
        "select schema_name, table_name, 'table' from duckdb_tables() "
        "where database_name = current_database() "
        "union all select schema_name, view_name, 'view' from duckdb_views() "
        "where database_name = current_database() and not internal"
    ).fetchall()
    dropped = []
    for schema, name, kind in rows:
        if schema in CARRIED_SCHEMAS or schema in SYSTEM_SCHEMAS or (schema, name) in wanted:
            continue
        con.execute(f'drop {kind} if exists "{schema}"."{name}"')
        dropped.append(f"{schema}.{name}")
    for (schema,) in con.execute(
        "select schema_name from duckdb_schemas() where database_name = current_database() "
        "and not internal and schema_name <> 'main' "
        "and schema_name not in (select schema_name from duckdb_tables() "
        "where database_name = current_database()) "
        "and schema_name not in (select schema_name from duckdb_views() "
        "where database_name = current_database())"
    ).fetchall():
        if schema not in CARRIED_SCHEMAS:
            con.execute(f'drop schema if exists "{schema}"')
    return sorted(dropped)
