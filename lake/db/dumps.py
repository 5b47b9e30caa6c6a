"""Logical dumps of an application database, with checksums, and their restore.

`dump_database(url, dumps_root, app, frequency)` writes
`<dumps_root>/<frequency>/<app>_backup_<YYYYMMDD_HHMMSS>.sql` (frequency `daily`, `weekly`
or `manual`) and beside it `<name>.sha256` (`<hex>  <name>`, as `sha256sum` writes it):

- PostgreSQL: `pg_dump --format=plain --no-owner --no-privileges` (PostgreSQL's own tool;
  its snapshot is consistent by itself);
- SQLite: the `.dump` of the sqlite3 shell (`iterdump()`), read from a consistent backup copy.

`restore_dump(dump, target_url, confirm=...)` loads a dump into an EMPTY database of the
same kind (`psql --single-transaction -v ON_ERROR_STOP=1`, or one SQLite transaction into a
new file). It refuses, before touching the target: a dump whose checksum file is missing or
does not match, a dump of the other kind, and a target that already holds tables. Without
`confirm` it only says what it would do (`RestorePlan`).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from lake.db.connect import (
    ConnectPolicy,
    DatabaseUrl,
    attach_postgres,
    pg_tool,
    read_only_uri,
    sqlite_backup,
    with_retries,
)
from lake.errors import ConflictError, LakeError, ValidationError
from lake.fsutil import atomic_write_bytes, atomic_writer

FREQUENCIES: tuple[str, ...] = ("daily", "weekly", "manual")
_PG_HEADER = b"-- PostgreSQL database dump"
_SQLITE_HEADER = b"BEGIN TRANSACTION;"
_CHUNK = 1 << 20


class DumpChecksumError(LakeError):
    """A dump does not match its recorded checksum (or has none): it is not restored."""

    hint = "the dump is damaged or was changed; restore another dump (ls db_dumps/*/)"


class RestoreError(LakeError):
    """The restore tool failed; the target was loaded in one transaction, so it is unchanged."""


@dataclass(frozen=True)
class Dump:
    path: Path
    sha256: str
    size: int
    kind: str

    @property
    def checksum_path(self) -> Path:
        return checksum_path(self.path)


@dataclass(frozen=True)
class RestorePlan:
    dump: Dump
    target: DatabaseUrl
    tables: tuple[str, ...]  # tables the dump creates

    def describe(self) -> str:
        return (
            f"would restore {self.dump.path.name} ({self.dump.kind} dump, {self.dump.size:,} "
            f"bytes, sha256 {self.dump.sha256[:12]}... verified; {len(self.tables)} tables: "
            f"{', '.join(self.tables)}) into the empty database {self.target.display}"
        )


def checksum_path(dump: Path) -> Path:
    return dump.with_name(dump.name + ".sha256")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------ dump


def dump_database(
    url: DatabaseUrl,
    dumps_root: Path,
    app: str,
    frequency: str,
    *,
    policy: ConnectPolicy | None = None,
    now: datetime | None = None,
) -> Dump:
    """Dump the database at `url` into `dumps_root/<frequency>/` with its checksum file."""
    if frequency not in FREQUENCIES:
        raise ValidationError(
            f"unknown dump frequency {frequency!r}", f"use one of {', '.join(FREQUENCIES)}"
        )
    if not app.replace("_", "").replace("-", "").isalnum():
        raise ValidationError(f"the app name {app!r} is not a plain name", "use letters and _")
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d_%H%M%S")
    target = dumps_root / frequency / f"{app}_backup_{stamp}.sql"
    if target.exists():
        raise ConflictError(f"{target} exists already", "wait a second and dump again")
    target.parent.mkdir(parents=True, exist_ok=True)
    policy = policy or ConnectPolicy()
    if url.kind == "postgresql":
        with_retries(url, policy, lambda: _pg_dump(url, target, policy.timeout))
    else:
        with_retries(url, policy, lambda: _sqlite_dump(url, target, policy.timeout))
    sha = file_sha256(target)
    atomic_write_bytes(checksum_path(target), f"{sha}  {target.name}\n".encode())
    return Dump(target, sha, target.stat().st_size, url.kind)


def _pg_dump(url: DatabaseUrl, target: Path, timeout: float) -> None:
    env = {**os.environ, "PGCONNECT_TIMEOUT": str(int(timeout))}
    with atomic_writer(target) as handle:
        completed = subprocess.run(
            [
                str(pg_tool("pg_dump")),
                "--format=plain",
                "--no-owner",
                "--no-privileges",
                f"--dbname={url.url}",
            ],
            stdout=handle,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
        )
        if completed.returncode != 0:
            message = completed.stderr.decode(errors="replace").strip()
            raise OSError(f"pg_dump failed: {message.replace(url.url, url.display)}")


def _sqlite_dump(url: DatabaseUrl, target: Path, timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="lake-dump-") as tmp:
        copy = Path(tmp) / "copy.sqlite"
        sqlite_backup(url, copy, timeout)
        connection = sqlite3.connect(copy)
        try:
            with atomic_writer(target) as handle:
                for statement in connection.iterdump():
                    handle.write(statement.encode("utf-8") + b"\n")
        finally:
            connection.close()


# --------------------------------------------------------------------------------- restore


def verified_dump(path: Path) -> Dump:
    """The dump at `path`, once its checksum file matches (DumpChecksumError otherwise)."""
    if not path.is_file():
        raise ValidationError(f"no dump at {path}", "give the path of a .sql file in db_dumps/")
    recorded_file = checksum_path(path)
    if not recorded_file.is_file():
        raise DumpChecksumError(f"{path.name} has no checksum file ({recorded_file.name})")
    recorded = recorded_file.read_text(encoding="utf-8").split()
    actual = file_sha256(path)
    if not recorded or recorded[0].lower() != actual:
        raise DumpChecksumError(
            f"{path.name} does not match its checksum: recorded "
            f"{recorded[0][:12] if recorded else '(empty)'}..., found {actual[:12]}..."
        )
    with path.open("rb") as handle:
        head = handle.read(4096)
    kind = ""
    if _PG_HEADER in head:
        kind = "postgresql"
    elif head.startswith(_SQLITE_HEADER):
        kind = "sqlite"
    if not kind:
        raise ValidationError(
            f"{path.name} is neither a pg_dump plain dump nor a SQLite .dump",
            "restore only dumps written by `lake extract shop_db --dump`",
        )
    return Dump(path, actual, path.stat().st_size, kind)


def _dump_tables(dump: Dump) -> tuple[str, ...]:
    names: list[str] = []
    with dump.path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            lowered = line.lower()
            if lowered.startswith("create table "):
                name = line.split()[2].strip('"(').removeprefix("public.").strip('"')
                names.append(name)
    return tuple(names)


def target_tables(target: DatabaseUrl, policy: ConnectPolicy) -> list[str]:
    """The tables the target database holds (an empty list: it may be restored into)."""
    if target.kind == "sqlite":
        path = target.sqlite_path
        if not path.exists():
            return []
        connection = sqlite3.connect(read_only_uri(path), uri=True, timeout=policy.timeout)
        try:
            rows = connection.execute(
                "select name from sqlite_master where type in ('table', 'view') "
                "and name not like 'sqlite_%'"
            ).fetchall()
        finally:
            connection.close()
        return [r[0] for r in rows]

    def tables() -> list[str]:
        con = duckdb.connect()
        try:
            attach_postgres(con, target, "target", policy.timeout)
            rows = con.execute(
                "select table_schema || '.' || table_name from information_schema.tables "
                "where table_catalog = 'target' "
                "and table_schema not in ('information_schema', 'pg_catalog')"
            ).fetchall()
            return [r[0] for r in rows]
        finally:
            con.close()

    return with_retries(target, policy, tables)


def restore_dump(
    path: Path, target_url: str, *, confirm: bool, policy: ConnectPolicy | None = None
) -> RestorePlan:
    """Restore the dump at `path` into the empty database `target_url` when `confirm`;
    otherwise only check and return the plan. Refusals change nothing."""
    policy = policy or ConnectPolicy(attempts=1)
    dump = verified_dump(path)
    target = DatabaseUrl.parse(target_url)
    if target.kind != dump.kind:
        raise ValidationError(
            f"{path.name} is a {dump.kind} dump; the target {target.display} is {target.kind}",
            f"restore it into a {dump.kind} database",
        )
    existing = target_tables(target, policy)
    if existing:
        shown = ", ".join(existing[:5]) + (", ..." if len(existing) > 5 else "")
        raise ConflictError(
            f"the target {target.display} is not empty ({len(existing)} tables: {shown}); "
            "nothing was restored",
            "restore into a new, empty database (createdb, or a new SQLite path)",
        )
    plan = RestorePlan(dump, target, _dump_tables(dump))
    if not confirm:
        return plan
    if dump.kind == "postgresql":
        _psql_restore(dump, target, policy)
    else:
        _sqlite_restore(dump, target)
    return plan


def _psql_restore(dump: Dump, target: DatabaseUrl, policy: ConnectPolicy) -> None:
    env = {**os.environ, "PGCONNECT_TIMEOUT": str(int(policy.timeout))}
    completed = subprocess.run(
        [
            str(pg_tool("psql")),
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "-v",
            "ON_ERROR_STOP=1",
            f"--dbname={target.url}",
            "-f",
            str(dump.path),
        ],
        capture_output=True,
        env=env,
        check=False,
    )
    if completed.returncode != 0:
        message = (
            completed.stderr.decode(errors="replace").strip().replace(target.url, target.display)
        )
        raise RestoreError(
            f"psql could not restore {dump.path.name} into {target.display}: {message}",
            "the restore ran in one transaction: the target is unchanged; fix the cause, retry",
        )


def _sqlite_restore(dump: Dump, target: DatabaseUrl) -> None:
    path = target.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        connection = sqlite3.connect(tmp)
        try:
            connection.executescript(dump.path.read_text(encoding="utf-8"))
        except sqlite3.Error as exc:
            raise RestoreError(
                f"SQLite could not restore {dump.path.name}: {exc}", "the target is unchanged"
            ) from exc
        finally:
            connection.close()
        if path.exists() and path.stat().st_size > 0:
            raise ConflictError(f"{path} appeared while restoring", "restore into a new path")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
