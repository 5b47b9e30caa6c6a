"""`lake backup` and `lake restore`: a consistent, checksummed copy of the lake, and back.

A backup holds what cannot be rebuilt and what makes the next run continue: the landing zone,
the raw zone and quarantine, the published database and its kept versions (the current one
once: `lake.duckdb` is re-linked to it on restore), role databases, curated Parquet, the
archive, the run ledger, the logs and `_state/` (the ingest ledger and landing index, copied
with SQLite's backup API; extract windows; the generated secrets). It is taken under the run
and ingest locks, into `<dest>/<frequency>/lake_backup_<YYYYMMDD_HHMMSS>/` with
`manifest.json` (SHA-256, size and mode of every file). Restore verifies every checksum
first, builds the lake beside the root, then swaps it in by rename.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lake.config import LakePaths
from lake.errors import ConflictError, NotFoundError, ValidationError
from lake.fsutil import atomic_write_json
from lake.governance import logs

FREQUENCIES = ("daily", "weekly", "manual")
MANIFEST = "manifest.json"
SKIPPED_TOP = {"_tmp", "db_dumps", "workspace"}
SKIPPED = (
    "warehouse/build.duckdb",
    "warehouse/build.json",
    "warehouse/lake.duckdb",
    "_state/locks",
    "_state/dbt",
    "_state/ingest.lock",
)


class CorruptBackupError(ValidationError):
    hint = "the current lake is untouched; restore another backup (`ls db_dumps/*/`)"


@dataclass
class BackupResult:
    path: Path
    files: int
    bytes: int
    removed: list[str]


def registry(paths: LakePaths) -> Path:
    return paths.state / "governance" / "backups.json"


def known_backups(paths: LakePaths) -> list[Path]:
    """Backups under db_dumps/ and those written elsewhere (`--to`), that still exist."""
    found = set(paths.root.glob("db_dumps/*/lake_backup_*"))
    with suppress(OSError, ValueError):
        found |= {Path(p) for p in json.loads(registry(paths).read_text(encoding="utf-8"))}
    return sorted(p for p in found if (p / MANIFEST).exists())


def _register(paths: LakePaths, backup: Path) -> None:
    listed = {str(p) for p in known_backups(paths)} | {str(backup)}
    atomic_write_json(registry(paths), sorted(listed))


def _skipped(relative: str) -> bool:
    top = relative.split("/", 1)[0]
    return top in SKIPPED_TOP or any(
        relative == s or relative.startswith(s + "/") or relative.startswith(s + ".")
        for s in SKIPPED
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.suffix == ".sqlite":
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
    else:
        shutil.copy2(source, target)


@contextmanager
def lake_locks(paths: LakePaths, command: str, wait: float = 0.0) -> Iterator[None]:
    """The run lock (no build, publish or rollback meanwhile) and the ingest lock (no
    ingest): what backup, erasure and retention hold while they read or rewrite the lake."""
    from lake.fsutil import file_lock
    from lake.warehouse.layout import WarehouseLayout
    from lake.warehouse.lock import run_lock

    with (
        run_lock(WarehouseLayout(paths).lock, command=command, wait=wait),
        file_lock(paths.ingest_lock),
    ):
        yield


def backup(
    paths: LakePaths,
    *,
    frequency: str = "manual",
    to: Path | None = None,
    now: datetime | None = None,
    wait: float = 0.0,
) -> BackupResult:
    from lake.governance.policies import load_policies
    from lake.governance.retention import backup_actions

    if frequency not in FREQUENCIES:
        raise ValidationError(f"unknown frequency {frequency!r}", f"one of {FREQUENCIES}")
    moment = now or datetime.now(UTC)
    dest = (to or paths.root / "db_dumps").resolve() / frequency
    target = dest / f"lake_backup_{moment:%Y%m%d_%H%M%S}"
    if target.exists():
        raise ConflictError(f"{target} exists already", "wait a second and run it again")
    staged = dest / f".{target.name}.tmp"
    shutil.rmtree(staged, ignore_errors=True)
    with lake_locks(paths, "lake backup", wait):
        files = _copy_lake(paths, staged)
        _write_manifest(paths, staged, files, frequency, moment)
    staged.rename(target)
    _register(paths, target)
    total = sum(int(f["size"]) for f in files.values())
    logs.audit(paths, "backup", path=str(target), files=len(files), bytes=total)
    removed = []
    siblings = [p for p in known_backups(paths) if p.parent == dest]
    for action in backup_actions(paths, load_policies(), moment, siblings):
        shutil.rmtree(action.path)
        logs.audit(paths, "backup.rotate", **action.to_dict())
        removed.append(action.path)
    return BackupResult(target, len(files), total, removed)


def _copy_lake(paths: LakePaths, staged: Path) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    for source in sorted(paths.root.rglob("*")):
        relative = source.relative_to(paths.root).as_posix()
        if source.is_dir() or source.is_symlink() or _skipped(relative):
            continue
        if source.name.endswith((".sqlite-wal", ".sqlite-shm", ".sqlite-journal")):
            continue
        target = staged / relative
        _copy(source, target)
        files[relative] = {
            "sha256": sha256_of(target),
            "size": target.stat().st_size,
            "mode": source.stat().st_mode & 0o777,
        }
    return files


def _write_manifest(
    paths: LakePaths,
    staged: Path,
    files: dict[str, dict[str, Any]],
    frequency: str,
    moment: datetime,
) -> None:
    from lake.warehouse.layout import WarehouseLayout
    from lake.warehouse.publish import current_version

    atomic_write_json(
        staged / MANIFEST,
        {
            "format": "lake.backup/1",
            "taken_at": moment.isoformat(timespec="seconds"),
            "frequency": frequency,
            "lake_root": str(paths.root),
            "published_version": current_version(WarehouseLayout(paths)),
            "files": files,
        },
    )


def rewrite_manifest(backup_dir: Path) -> None:
    """Re-checksum every file of a backup (after an erasure rewrote some of them)."""
    manifest = json.loads((backup_dir / MANIFEST).read_text(encoding="utf-8"))
    for relative, spec in manifest["files"].items():
        path = backup_dir / relative
        spec["sha256"], spec["size"] = sha256_of(path), path.stat().st_size
    atomic_write_json(backup_dir / MANIFEST, manifest)


def verify(backup_dir: Path) -> dict[str, Any]:
    """The manifest, when every file matches it; CorruptBackupError naming the ones that do
    not."""
    try:
        manifest = json.loads((backup_dir / MANIFEST).read_text(encoding="utf-8"))
        files = dict(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CorruptBackupError(f"{backup_dir} has no readable {MANIFEST} ({error})") from error
    bad = []
    for relative, spec in sorted(files.items()):
        path = backup_dir / relative
        if not path.is_file() or path.stat().st_size != spec["size"]:
            bad.append(f"{relative} (missing or wrong size)")
        elif sha256_of(path) != spec["sha256"]:
            bad.append(f"{relative} (checksum differs)")
    if bad:
        raise CorruptBackupError(f"backup {backup_dir} is corrupted: {'; '.join(bad[:10])}")
    return manifest


def restore(paths: LakePaths, backup_dir: Path, *, confirm: bool) -> dict[str, Any]:
    """Verify `backup_dir`, then (with `confirm`) replace the lake root by its contents."""
    backup_dir = backup_dir.resolve()
    if not backup_dir.is_dir():
        raise NotFoundError(f"no backup at {backup_dir}", "give a lake_backup_<stamp> folder")
    manifest = verify(backup_dir)
    summary = {
        "backup": str(backup_dir),
        "files": len(manifest["files"]),
        "published_version": manifest.get("published_version"),
        "root": str(paths.root),
        "restored": False,
    }
    if not confirm:
        return summary
    root = paths.root
    staged = root.with_name(f".{root.name}.restore-{os.getpid()}")
    shutil.rmtree(staged, ignore_errors=True)
    for relative, spec in manifest["files"].items():
        target = staged / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(backup_dir / relative, target)
        target.chmod(int(spec["mode"]))
    _relink_published(staged, manifest.get("published_version"))
    _swap_root(root, staged)
    restored = LakePaths(root)
    logs.audit(restored, "restore", backup=str(backup_dir), files=len(manifest["files"]))
    return {**summary, "restored": True}


def _relink_published(staged: Path, version: str | None) -> None:
    if not version:
        return
    version_db = staged / "warehouse" / "versions" / f"{version}.duckdb"
    if version_db.exists():
        os.link(version_db, staged / "warehouse" / "lake.duckdb")


def _swap_root(root: Path, staged: Path) -> None:
    """Keep the old root's backups and workspaces; swap the restored lake in by rename."""
    if root.exists():
        for keep in ("db_dumps", "workspace"):
            if (root / keep).exists():
                (root / keep).rename(staged / keep)
        old = root.with_name(f".{root.name}.replaced-{os.getpid()}")
        root.rename(old)
        staged.rename(root)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staged.rename(root)
