"""One read-only database per role, written at publish: `warehouse/roles/<role>.duckdb`.

Each holds only the schemas its role may read (tables copied, views re-created over them).
`data_engineer`'s is copied from the build before masking and encrypted at rest with
`LAKE_ENCRYPTION_KEY`; the others are copied from the masked, published version. Each file is
written aside (`.<role>.<pid>.tmp`), made read-only and renamed into place, with
`<role>.json` saying which version and schemas it holds.

The masked roles' databases can be written again from any kept version; the data_engineer's
cannot (kept versions are masked), so when a publish replaces it, the one it replaces moves
to `roles/history/data_engineer.<version>.duckdb`, kept as long as its version is kept
(`lake rollback` puts it back).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from lake.config import LakePaths
from lake.duckdb_extensions import extension_dir, load_extension
from lake.fsutil import atomic_write_json, fsync_dir
from lake.governance.roles import ENCRYPTED_ROLE, Role
from lake.governance.secrets import encryption_key

READ_ONLY_MODE = 0o444


def connection_config() -> dict[str, str | bool]:
    """Settings of every governance connection: extensions only from the project's folder
    (`lake/duckdb_extensions.py`), never autoloaded or downloaded."""
    return {
        "extension_directory": str(extension_dir()),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }


def roles_dir(paths: LakePaths) -> Path:
    return paths.warehouse / "roles"


def role_db(paths: LakePaths, role: str) -> Path:
    return roles_dir(paths) / f"{role}.duckdb"


def history_db(paths: LakePaths, role: str, version: str) -> Path:
    """The role's database of an earlier published version (data_engineer's only)."""
    return roles_dir(paths) / "history" / f"{role}.{version}.duckdb"


def staged_db(paths: LakePaths, role: str) -> Path:
    return roles_dir(paths) / f".{role}.{os.getpid()}.tmp"


def remove_stale(paths: LakePaths) -> None:
    """Staged files a killed publish left behind."""
    for staged in roles_dir(paths).glob(".*.tmp") if roles_dir(paths).exists() else []:
        staged.unlink(missing_ok=True)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def attach_encrypted(
    con: duckdb.DuckDBPyConnection, paths: LakePaths, db: Path, alias: str, *, read_only: bool
) -> None:
    load_extension(con, "httpfs")  # DuckDB encryption needs its OpenSSL
    options = f"encryption_key {_literal(encryption_key(paths))}"
    if read_only:
        options += ", read_only"
    con.execute(f"attach {_literal(str(db))} as {alias} ({options})")


def copy_schemas(
    con: duckdb.DuckDBPyConnection, source: str, target: str, schemas: list[str]
) -> int:
    """Copy the tables of `schemas` from catalog `source` to `target`, then re-create their
    views in `target` (retrying until every view whose inputs exist is made). Returns tables."""
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = ? and schema_name in (select unnest(?)) order by 1, 2",
        [source, schemas],
    ).fetchall()
    for schema in schemas:
        con.execute(f'create schema if not exists "{target}"."{schema}"')
    for schema, table in tables:
        con.execute(
            f'create table "{target}"."{schema}"."{table}" as '
            f'select * from "{source}"."{schema}"."{table}"'
        )
    views = con.execute(
        "select sql from duckdb_views() where database_name = ? and not internal "
        "and schema_name in (select unnest(?))",
        [source, schemas],
    ).fetchall()
    _create_views(con, target, [str(v[0]) for v in views])
    return len(tables)


def _create_views(con: duckdb.DuckDBPyConnection, target: str, pending: list[str]) -> None:
    con.execute(f'use "{target}"')
    while pending:
        failed = []
        for sql in pending:
            try:
                con.execute(sql)
            except duckdb.CatalogException:
                failed.append(sql)  # reads a view made later, or a schema the role lacks
        if len(failed) == len(pending):
            return
        pending = failed


def write_engineer_db(
    con: duckdb.DuckDBPyConnection, paths: LakePaths, role: Role, schemas: list[str]
) -> Path:
    """From the (unmasked) database `con` is on, the encrypted data_engineer copy, staged."""
    roles_dir(paths).mkdir(parents=True, exist_ok=True)
    staged = staged_db(paths, role.name)
    staged.unlink(missing_ok=True)
    source = str(con.execute("select current_database()").fetchone()[0])  # type: ignore[index]
    attach_encrypted(con, paths, staged, "lake_role_target", read_only=False)
    try:
        copy_schemas(con, source, "lake_role_target", role.schemas_of(schemas, []))
    finally:
        con.execute(f'use "{source}"')
        con.execute("detach lake_role_target")
    return staged


def write_masked_db(paths: LakePaths, role: Role, version_db: Path, domains: list[str]) -> Path:
    """The role's database copied from the masked published version, staged."""
    roles_dir(paths).mkdir(parents=True, exist_ok=True)
    staged = staged_db(paths, role.name)
    staged.unlink(missing_ok=True)
    with duckdb.connect(str(staged), config=connection_config()) as con:
        target = str(con.execute("select current_database()").fetchone()[0])  # type: ignore[index]
        con.execute(f"attach {_literal(str(version_db))} as lake_role_source (read_only)")
        available = [
            str(r[0])
            for r in con.execute(
                "select schema_name from duckdb_schemas() where database_name = "
                "'lake_role_source' and not internal"
            ).fetchall()
        ]
        copy_schemas(con, "lake_role_source", target, role.schemas_of(available, domains))
        con.execute(f'use "{target}"')
        con.execute("detach lake_role_source")
        con.execute("checkpoint")
    return staged


def promote(
    paths: LakePaths,
    role: Role,
    staged: Path,
    version: str,
    schemas: list[str],
    *,
    masked: bool | None = None,
) -> None:
    """Rename a staged role database into place, read-only, with its `<role>.json`; the
    data_engineer database it replaces goes to `history/` (unless it was masked)."""
    if role.name == ENCRYPTED_ROLE:
        _keep_in_history(paths, role.name)
    staged.chmod(READ_ONLY_MODE)
    staged.replace(role_db(paths, role.name))
    fsync_dir(roles_dir(paths))
    atomic_write_json(
        roles_dir(paths) / f"{role.name}.json",
        {
            "role": role.name,
            "version": version,
            "schemas": schemas,
            "masked": role.masked if masked is None else masked,
            "encrypted": role.name == ENCRYPTED_ROLE,
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )


def _keep_in_history(paths: LakePaths, role: str) -> None:
    current = role_db(paths, role)
    manifest = role_manifest(paths, role)
    version = manifest.get("version")
    if not current.exists() or not version or manifest.get("masked"):
        return
    target = history_db(paths, role, str(version))
    target.parent.mkdir(parents=True, exist_ok=True)
    current.replace(target)
    atomic_write_json(target.with_suffix(".json"), manifest)
    fsync_dir(target.parent)


def restore_from_history(paths: LakePaths, role: Role, version: str) -> bool:
    """Put the role's database of `version` back in place (False when none was kept)."""
    kept = history_db(paths, role.name, version)
    if not kept.exists():
        return False
    manifest = json.loads(kept.with_suffix(".json").read_text(encoding="utf-8"))
    promote(paths, role, kept, version, list(manifest.get("schemas") or []), masked=False)
    kept.with_suffix(".json").unlink(missing_ok=True)
    return True


def prune_history(paths: LakePaths, kept_versions: set[str]) -> list[Path]:
    """Drop the history databases of versions no longer kept for rollback."""
    folder = roles_dir(paths) / "history"
    dropped = []
    for db in sorted(folder.glob("*.duckdb")) if folder.exists() else []:
        version = db.name.removesuffix(".duckdb").partition(".")[2]
        if version not in kept_versions:
            db.unlink(missing_ok=True)
            db.with_suffix(".json").unlink(missing_ok=True)
            dropped.append(db)
    return dropped


def role_manifest(paths: LakePaths, role: str) -> dict[str, object]:
    try:
        return dict(json.loads((roles_dir(paths) / f"{role}.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}
