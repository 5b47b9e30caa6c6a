"""`lake publish` and `lake rollback`: promote a tested build, atomically, to `lake.duckdb`.

Publishing never writes to the file readers have open. The build database is renamed to
`versions/<v>.duckdb` (read-only from then on) and `lake.duckdb` is re-pointed at it with one
rename of a hard link: a reader that opened the old file keeps reading the old version to the
end of its connection, a reader that opens the path afterwards gets the new one, and nobody
ever sees half of either. Rollback is the same rename, pointed at an older version.

Crash safety: each step either completes or leaves something `recover()` removes or redoes at
the start of the next build / publish / rollback. The swap is the only step that changes what
readers see, and it is atomic.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from lake.errors import ConflictError, NotFoundError
from lake.failpoints import crash_point
from lake.fsutil import atomic_write_json, atomic_writer, fsync_dir
from lake.governance.publishing import (
    Preparation,
    compact,
    compact_config,
    prepare_publication,
    publish_roles,
)
from lake.warehouse.build import read_verdict
from lake.warehouse.build_state import stamped_version
from lake.warehouse.layout import WarehouseLayout

DEFAULT_KEEP = 5
"""Published versions kept for rollback (older ones go to archive/ compressed)."""

READ_ONLY_MODE = 0o444
LEGACY_DOMAINS = ("curated",)
"""The one schema of the marts in versions published before domains were a level."""

Progress = Callable[[str], None]

PUBLICATION_DDL = """
create or replace table lake_ops.publication (
    version varchar not null, published_at timestamptz not null, run_id varchar,
    previous_version varchar
)
"""
"""Explicit types: a NULL literal (no previous version) would make a column INTEGER in the
first version and VARCHAR in the next."""


class PublishRefusedError(ConflictError):
    """The build is missing, failed its tests, or changed since it was tested."""


@dataclass(frozen=True)
class Version:
    version: str
    published_at: str
    run_id: str
    current: bool
    archived: bool
    manifest: dict[str, Any] = field(compare=False, default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "published_at": self.published_at,
            "run_id": self.run_id,
            "current": self.current,
            "archived": self.archived,
            "size": self.manifest.get("size"),
            "tests": self.manifest.get("tests", {}),
        }


@dataclass
class PublishResult:
    version: str
    previous: str | None
    marts: dict[str, int]
    archived: list[str]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def publish(
    layout: WarehouseLayout,
    *,
    keep: int = DEFAULT_KEEP,
    before_stamp: Callable[[str], None] | None = None,
    ledger_writer: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    progress: Progress | None = None,
) -> PublishResult:
    """Promote `warehouse/build.duckdb` if its verdict says every error-severity test passed.

    `before_stamp(version)` runs once the version id is chosen (the run ledger records it);
    `ledger_writer(con)` writes the run ledger tables into the database being published."""
    say = progress or (lambda _: None)
    layout.ensure()
    recover(layout)
    verdict = _checked_verdict(layout)
    previous = current_version(layout)
    version = _new_version_id(layout)
    if before_stamp is not None:
        before_stamp(version)
    say(f"stamping version {version}")
    prepared = _stamp(layout, version, verdict, previous, ledger_writer)
    say("masking restricted columns")
    compact(layout.build_db, compact_config(layout))
    crash_point("publish.after-stamp")
    target = layout.version_db(version)
    layout.build_db.replace(target)
    target.chmod(READ_ONLY_MODE)
    fsync_dir(layout.versions)
    crash_point("publish.after-version-file")
    atomic_write_json(layout.version_manifest(version), _manifest(version, verdict, target))
    crash_point("publish.before-swap")
    say("swapping lake.duckdb")
    swap_published(layout, version)
    crash_point("publish.after-swap")
    _mark_verdict_published(layout, verdict, version)
    say("writing curated Parquet")
    marts = export_curated(layout, version)
    crash_point("publish.after-curated")
    say("writing the role databases")
    publish_roles(layout, version, version_domains(layout, version), prepared)
    archived = prune(layout, keep=keep)
    return PublishResult(version=version, previous=previous, marts=marts, archived=archived)


def _checked_verdict(layout: WarehouseLayout) -> dict[str, Any]:
    verdict = read_verdict(layout)
    if verdict is None or not layout.build_db.exists():
        published = (
            f" (the last build was published as {verdict['published_version']})"
            if (verdict and verdict.get("published_version"))
            else ""
        )
        raise PublishRefusedError(
            f"there is no tested build to publish{published}",
            "run `lake build` (or `lake run`) first",
        )
    if not verdict.get("ok"):
        failed = ", ".join(node["name"] for node in verdict.get("failed", [])[:10])
        raise PublishRefusedError(
            f"the last build failed ({verdict.get('error') or 'failing: ' + failed}); "
            f"the published version stays {current_version(layout) or 'unpublished'}",
            "fix the failing models or tests, then `lake build` again",
        )
    stat = layout.build_db.stat()
    if verdict.get("database") != {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}:
        raise PublishRefusedError(
            "warehouse/build.duckdb changed after its tests ran",
            "run `lake build` again so the tests see what gets published",
        )
    return verdict


def _new_version_id(layout: WarehouseLayout) -> str:
    base = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    version, n = base, 1
    while layout.version_manifest(version).exists() or layout.archived_db(version).exists():
        n += 1
        version = f"{base}-{n}"
    return version


def _stamp(
    layout: WarehouseLayout,
    version: str,
    verdict: dict[str, Any],
    previous: str | None,
    ledger_writer: Callable[[duckdb.DuckDBPyConnection], None] | None,
) -> Preparation:
    """Record inside the database which version it is; write the ledger; mask restricted
    columns (`lake/governance/publishing.py`); checkpoint."""
    with duckdb.connect(str(layout.build_db)) as con:
        con.execute("create schema if not exists lake_ops")
        con.execute(PUBLICATION_DDL)
        con.execute(
            "insert into lake_ops.publication values (?, now(), ?, ?)",
            [version, verdict.get("run_id"), previous],
        )
        con.execute(
            "comment on table lake_ops.publication is "
            "'Which published version this database is (one row), from which run.'"
        )
        if ledger_writer is not None:
            ledger_writer(con)
        prepared = prepare_publication(layout, con)
        con.execute("checkpoint")
    return prepared


def _manifest(version: str, verdict: dict[str, Any], db: Path) -> dict[str, Any]:
    return {
        "version": version,
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": verdict.get("run_id"),
        "size": db.stat().st_size,
        "models": verdict.get("models", {}),
        "tests": verdict.get("tests", {}),
        "rows": verdict.get("rows", {}),
        "domains": verdict.get("domains", []),
    }


def _mark_verdict_published(layout: WarehouseLayout, verdict: dict[str, Any], version: str) -> None:
    verdict.pop("database", None)
    atomic_write_json(layout.build_verdict, {**verdict, "published_version": version})


def swap_published(layout: WarehouseLayout, version: str) -> None:
    """Point `lake.duckdb` at a version: one atomic rename of a fresh hard link."""
    staged = layout.dir / f".{layout.published.name}.{os.getpid()}.tmp"
    staged.unlink(missing_ok=True)
    os.link(layout.version_db(version), staged)
    staged.replace(layout.published)
    fsync_dir(layout.dir)


def current_version(layout: WarehouseLayout) -> str | None:
    """The version `lake.duckdb` is (the version file sharing its inode)."""
    try:
        published = layout.published.stat()
    except FileNotFoundError:
        return None
    for db in layout.versions.glob("*.duckdb"):
        stat = db.stat()
        if (stat.st_ino, stat.st_dev) == (published.st_ino, published.st_dev):
            return db.stem
    return stamped_version(layout.published)


def list_versions(layout: WarehouseLayout) -> list[Version]:
    """Kept and archived versions, newest first."""
    current = current_version(layout)
    found: dict[str, Version] = {}
    for folder, archived in ((layout.archive, True), (layout.versions, False)):
        for manifest_path in folder.glob("*.json"):
            manifest = _read_json(manifest_path)
            kept = archived or layout.version_db(manifest_path.stem).exists()
            if manifest is None or not kept:
                continue
            name = manifest_path.stem
            found[name] = Version(
                version=name,
                published_at=str(manifest.get("published_at", "")),
                run_id=str(manifest.get("run_id", "")),
                current=name == current,
                archived=archived,
                manifest=manifest,
            )
    return sorted(found.values(), key=lambda v: (v.published_at, v.version), reverse=True)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def export_curated(layout: WarehouseLayout, version: str) -> dict[str, int]:
    """Write every table of the version's domain schemas (`music`, `shop`, ...) to
    curated/<domain>/<mart>/<mart>.parquet.

    Each file is written aside and renamed into place; marts and domains the version no
    longer has are removed; `curated/_published.json` names the version last. Returns rows
    per `<domain>.<mart>`."""
    layout.curated.mkdir(parents=True, exist_ok=True)
    domains = version_domains(layout, version)
    marts: dict[str, int] = {}
    with duckdb.connect(str(layout.version_db(version)), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in (select unnest(?)) order by 1, 2",
            [domains],
        ).fetchall()
        for domain, name in tables:
            marts[f"{domain}.{name}"] = _export_mart(con, layout, str(domain), str(name))
    _remove_stale_marts(layout, marts)
    atomic_write_json(
        layout.curated_marker, {"version": version, "domains": domains, "marts": marts}
    )
    return marts


def version_domains(layout: WarehouseLayout, version: str) -> list[str]:
    """The domain schemas of a version, as its build found them (older versions: `curated`)."""
    manifest = _read_json(layout.version_manifest(version)) or {}
    return [str(d) for d in manifest.get("domains") or LEGACY_DOMAINS]


def _remove_stale_marts(layout: WarehouseLayout, marts: dict[str, int]) -> None:
    for folder in sorted(layout.curated.glob("*/*/")):
        if folder.parent.name.startswith(("_", ".")):
            continue
        if f"{folder.parent.name}.{folder.name}" not in marts:
            shutil.rmtree(folder)
    for folder in layout.curated.iterdir():
        if folder.is_dir() and (folder.name.startswith("mart=") or not any(folder.iterdir())):
            shutil.rmtree(folder)


def _export_mart(
    con: duckdb.DuckDBPyConnection, layout: WarehouseLayout, domain: str, name: str
) -> int:
    target = layout.mart_parquet(domain, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    quoted = str(staged).replace("'", "''")
    con.execute(f'copy "{domain}"."{name}" to \'{quoted}\' (format parquet, compression zstd)')
    with staged.open("rb") as handle:
        os.fsync(handle.fileno())
    staged.replace(target)
    row = con.execute(f'select count(*) from "{domain}"."{name}"').fetchone()
    return int(row[0]) if row else 0


def prune(layout: WarehouseLayout, *, keep: int) -> list[str]:
    """Compress versions beyond the newest `keep` into archive/, never the current one."""
    current = current_version(layout)
    kept = [v for v in list_versions(layout) if not v.archived]
    archived: list[str] = []
    for old in kept[max(keep, 1) :]:
        if old.version == current:
            continue
        archive_version(layout, old.version)
        archived.append(old.version)
    return archived


def archive_version(layout: WarehouseLayout, version: str) -> None:
    source = layout.version_db(version)
    target = layout.archived_db(version)
    layout.archive.mkdir(parents=True, exist_ok=True)
    with (
        atomic_writer(target) as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6) as gz,
        source.open("rb") as handle,
    ):
        shutil.copyfileobj(handle, gz, length=1 << 20)
    shutil.copyfile(layout.version_manifest(version), layout.archive / f"{version}.json")
    crash_point("archive.before-unlink")
    layout.version_manifest(version).unlink()
    source.unlink()
    fsync_dir(layout.versions)


def rollback(layout: WarehouseLayout, version: str | None = None) -> tuple[str | None, str]:
    """Point lake.duckdb at `version` (default: the one published before the current one).

    An archived version is restored from archive/ first. Returns (previous, now current)."""
    layout.ensure()
    recover(layout)
    current = current_version(layout)
    chosen = version or _previous_of(layout, current)
    if chosen == current:
        raise ConflictError(f"version {chosen} is already the published one", "nothing to do")
    if not layout.version_db(chosen).exists():
        _restore_archived(layout, chosen)
    swap_published(layout, chosen)
    crash_point("rollback.after-swap")
    export_curated(layout, chosen)
    publish_roles(layout, chosen, version_domains(layout, chosen), None)
    return current, chosen


def _previous_of(layout: WarehouseLayout, current: str | None) -> str:
    versions = list_versions(layout)
    names = [v.version for v in versions]
    if current in names:
        older = names[names.index(current) + 1 :]
        if older:
            return older[0]
    raise NotFoundError(
        f"there is no version older than {current or 'the current one'} to roll back to",
        "see `lake versions` for what is kept and archived",
    )


def _restore_archived(layout: WarehouseLayout, version: str) -> None:
    archived = layout.archived_db(version)
    if not archived.exists():
        raise NotFoundError(
            f"version {version} is neither kept nor archived",
            "see `lake versions` for the versions you can roll back to",
        )
    target = layout.version_db(version)
    with atomic_writer(target) as raw, gzip.open(archived, "rb") as gz:
        shutil.copyfileobj(gz, raw, length=1 << 20)
    target.chmod(READ_ONLY_MODE)
    shutil.copyfile(layout.archive / f"{version}.json", layout.version_manifest(version))


def recover(layout: WarehouseLayout) -> list[str]:
    """Undo what a killed publish, rollback or archive left half done. Returns what it did."""
    done: list[str] = []
    for staged in layout.dir.glob(f".{layout.published.name}.*.tmp"):
        staged.unlink(missing_ok=True)
        done.append(f"removed {staged.name}")
    for folder in (layout.versions, layout.archive, layout.curated):
        for staged in folder.glob("**/.*.tmp") if folder.exists() else []:
            staged.unlink(missing_ok=True)
            done.append(f"removed {staged.relative_to(layout.paths.root)}")
    current = current_version(layout)
    done += _drop_unpublished_versions(layout, current)
    done += _finish_archiving(layout, current)
    if current is not None and _curated_version(layout) != current:
        export_curated(layout, current)
        done.append(f"rewrote curated Parquet for version {current}")
    return done


def _drop_unpublished_versions(layout: WarehouseLayout, current: str | None) -> list[str]:
    """A version file without its manifest never became visible: the publish died before."""
    done = []
    for db in layout.versions.glob("*.duckdb"):
        if db.stem != current and not layout.version_manifest(db.stem).exists():
            db.unlink()
            done.append(f"removed unpublished {db.name}")
    return done


def _finish_archiving(layout: WarehouseLayout, current: str | None) -> list[str]:
    """A kept version whose compressed copy is complete: the prune died before unlinking."""
    done = []
    for manifest in layout.versions.glob("*.json"):
        version = manifest.stem
        archived_manifest = layout.archive / f"{version}.json"
        if version != current and archived_manifest.exists():
            layout.version_db(version).unlink(missing_ok=True)
            manifest.unlink()
            done.append(f"finished archiving {version}")
        elif not layout.version_db(version).exists():
            manifest.unlink()
            done.append(f"removed manifest of missing {version}")
    return done


def _curated_version(layout: WarehouseLayout) -> str | None:
    marker = _read_json(layout.curated_marker)
    return str(marker.get("version")) if marker else None
