"""Recreating the index from the landing folder alone.

The walk (which never follows symlinks) reads every sidecar record and tombstone. A data file
without a record is *adopted*: it is what a crash between the data rename and the record write
leaves behind, or a file someone dropped into `landing/<source>/...` by hand. Adoption hashes
the file and writes a record for it (id derived from its path, so adopting twice gives the same
id; `metadata = {"source": ..., "adopted": true}`; data type from the file extension), so the
file becomes a normal entry and nothing is lost. Files that cannot be adopted (directly in
`landing/`, under a folder that is not a valid source name, or with an invalid name), desktop
clutter (`.DS_Store`, `Thumbs.db`) and unreadable records are skipped and reported as
problems, never touched.

The caller holds the exclusive landing lock, so no writer is between its data and its record.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lake.errors import LakeError
from lake.landing.content import CHUNK_SIZE, HEAD_SIZE, index_text
from lake.landing.entry import Entry
from lake.landing.layout import (
    LANDING,
    data_name_of_record,
    data_name_of_tombstone,
    guess_data_type,
)
from lake.landing.names import RECORD_SUFFIX, validate_name, validate_source
from lake.landing.records import write_record

log = logging.getLogger(__name__)

IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
ADOPT_NAMESPACE = uuid.UUID("5f0c3a52-6a8e-4c1e-9d43-0b8f2f7a9e11")


@dataclass
class RebuildReport:
    """What a rebuild found."""

    entries: int = 0
    versions: int = 0
    adopted: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    stale_temp_files: list[str] = field(default_factory=list)


@dataclass
class _Scan:
    records: list[Entry] = field(default_factory=list)
    deleted_ids: set[str] = field(default_factory=set)
    orphans: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _read_json(path: Path) -> dict[str, object]:
    with path.open("rb") as handle:
        payload = json.load(handle)
    if not isinstance(payload, dict):
        raise ValueError("not a JSON object")
    return payload


def _scan_folder(root: Path, folder: Path, scan: _Scan) -> list[Path]:
    """Read one folder's records, tombstones and data files; return its subfolders."""
    files: set[str] = set()
    subfolders: list[Path] = []
    with os.scandir(folder) as listing:
        for item in listing:
            if item.is_dir(follow_symlinks=False):
                subfolders.append(Path(item.path))
            elif item.is_file(follow_symlinks=False):
                files.add(item.name)
    relative = folder.relative_to(root).as_posix()
    for name in sorted(files):
        _scan_file(folder, relative, name, files, scan)
    return sorted(subfolders)


def _scan_file(folder: Path, relative: str, name: str, files: set[str], scan: _Scan) -> None:
    data_name = data_name_of_record(name)
    if data_name is not None:
        if data_name not in files:
            scan.problems.append(f"{relative}/{name}: record without its data file (skipped)")
            return
        try:
            record = _read_json(folder / name)
            scan.records.append(Entry.from_record(record, path=f"{relative}/{data_name}"))
        except (OSError, ValueError, LakeError) as exc:
            scan.problems.append(f"{relative}/{name}: unreadable record ({exc}); file skipped")
        return
    if data_name_of_tombstone(name) is not None:
        try:
            scan.deleted_ids.add(str(_read_json(folder / name)["id"]))
        except (OSError, ValueError, KeyError) as exc:
            scan.problems.append(f"{relative}/{name}: unreadable tombstone ({exc})")
        return
    if name in IGNORED_NAMES:
        scan.problems.append(f"{relative}/{name}: operating-system clutter, not adopted")
    elif f".{name}{RECORD_SUFFIX}" not in files:
        scan.orphans.append(f"{relative}/{name}")


def scan_landing(root: Path) -> _Scan:
    """Walk `<root>/landing` without following symlinks."""
    scan = _Scan()
    pending = [root / LANDING]
    if not pending[0].is_dir():
        return scan
    while pending:
        folder = pending.pop()
        pending.extend(reversed(_scan_folder(root, folder, scan)))
    return scan


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def adopt(root: Path, relative: str, tmp_dir: Path) -> Entry:
    """Write a record for a data file that has none, making it an entry (version 1)."""
    parts = relative.split("/")
    if len(parts) < 3:
        raise LakeError(f"{relative} lies directly in landing/, not under a source folder")
    source = validate_source(parts[1])
    name = validate_name(parts[-1])
    path = root / relative
    stat = path.stat()
    moment = datetime.fromtimestamp(stat.st_mtime, UTC).isoformat()
    entry = Entry(
        id=uuid.uuid5(ADOPT_NAMESPACE, relative).hex,
        version=1,
        name=name,
        data_type=guess_data_type(name),
        source=source,
        metadata={"source": source, "adopted": True},
        sha256=hash_file(path),
        size=stat.st_size,
        created_at=moment,
        updated_at=moment,
        path=relative,
    )
    write_record(path, entry, tmp_dir)
    return entry


def adopt_orphans(root: Path, scan: _Scan, tmp_dir: Path, report: RebuildReport) -> None:
    for relative in scan.orphans:
        try:
            scan.records.append(adopt(root, relative, tmp_dir))
            report.adopted.append(relative)
            log.info("adopted %s as a new landing entry", relative)
        except (LakeError, OSError) as exc:
            report.problems.append(f"{relative}: not adopted ({exc})")


def read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(HEAD_SIZE)
    except OSError:
        return b""


def index_rows(root: Path, scan: _Scan, report: RebuildReport) -> Iterator[tuple[Entry, bool, str]]:
    """(entry, latest, body) for every version, duplicates of (id, version) dropped."""
    newest: dict[str, int] = {}
    for entry in scan.records:
        newest[entry.id] = max(newest.get(entry.id, 0), entry.version)
    seen: set[tuple[str, int]] = set()
    for entry in sorted(scan.records, key=lambda item: item.path):
        key = (entry.id, entry.version)
        if key in seen:
            report.problems.append(f"{entry.path}: duplicate version {key} (skipped)")
            continue
        seen.add(key)
        marked = entry.with_deleted(entry.id in scan.deleted_ids)
        body = index_text(read_head(entry.absolute_path(root)), entry.data_type)
        yield marked, entry.version == newest[entry.id], body
    report.versions = len(seen)
    report.entries = len(newest)


STALE_TEMP_SECONDS = 24 * 3600


def stale_temp_files(tmp_dir: Path, now: float | None = None) -> list[str]:
    """Temporary files of stores that never finished (killed mid-stream), untouched for a day.

    They are never part of the lake; reported so an operator can delete them.
    """
    if not tmp_dir.is_dir():
        return []
    cutoff = (now if now is not None else time.time()) - STALE_TEMP_SECONDS
    return sorted(
        path.name
        for path in tmp_dir.glob("landing-*.part")
        if path.is_file() and path.stat().st_mtime < cutoff
    )
