"""The blocking half of the landing store: validation, slot claims, records, index upkeep.

`LandingStore` (store.py) runs these methods in threads; nothing here knows about asyncio.

Write protocol for one version (store or update):

1. validate name, subpath, source, data type, metadata and symlinks (nothing written yet);
2. stream the content into `<root>/_tmp/landing-*.part`, hashing it; fsync;
3. under the source lock, claim the target path with `os.link(tmp, target)`, which fails
   instead of overwriting (the no-clobber form of the rename); fsync the folder;
4. write the record `.<name>.entry.json` (temp file in `_tmp`, fsync, rename, fsync folder);
5. insert the version into the index.

A crash before 3 leaves an orphan `_tmp/landing-*.part` only; between 3 and 4 a data file
without a record, which the next index rebuild adopts as a new entry (rebuild.py); between 4
and 5 an entry the index misses until a rebuild (or a retry of the same store, which finds the
record and indexes it).

Collision rule: the slot for a store is `landing/<source>/<minute>/[<subpath>/]<name>`. If that
path already holds a live entry with the same SHA-256, the store is an idempotent retry and
returns that entry. Otherwise (different bytes, a deleted entry, a folder in the way) the next
slot `<minute>-2`, `<minute>-3`, ... is tried; nothing is ever overwritten. `update()` always
takes the first free slot of its minute.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from lake.config import LakePaths
from lake.errors import ConflictError, LakeError, NotFoundError, ValidationError
from lake.fsutil import fsync_dir
from lake.landing.content import Spool, index_text, spool_sync
from lake.landing.entry import Entry, LandingStats
from lake.landing.index import LandingIndex
from lake.landing.layout import (
    INDEX_FILE,
    LANDING,
    MAX_SLOTS,
    join,
    slot_folders,
    stamp,
    subpath_of,
)
from lake.landing.locks import LandingLocks
from lake.landing.names import (
    check_no_escaping_symlink,
    check_path_length,
    resolve_source,
    validate_data_type,
    validate_metadata,
    validate_name,
    validate_subpath,
)
from lake.landing.query import Mode, terms
from lake.landing.rebuild import (
    RebuildReport,
    adopt,
    adopt_orphans,
    hash_file,
    index_rows,
    read_head,
    scan_landing,
    stale_temp_files,
)
from lake.landing.records import read_record, write_record, write_tombstone

log = logging.getLogger(__name__)

MAX_SEARCH_LIMIT = 1000


@dataclass(frozen=True)
class StoreRequest:
    """A validated store call."""

    name: str
    data_type: str
    source: str
    metadata: dict[str, Any]
    subpath: str
    moment: datetime


def _check_id(entry_id: object) -> str:
    if not isinstance(entry_id, str) or not entry_id:
        raise ValidationError(f"entry id {entry_id!r} is not a non-empty string")
    return entry_id


def _check_limit(limit: object) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_SEARCH_LIMIT:
        raise ValidationError(f"limit {limit!r} is not an integer from 1 to {MAX_SEARCH_LIMIT}")
    return limit


class LandingCore:
    """Blocking operations on one lake root's landing zone."""

    def __init__(self, paths: LakePaths, clock: Callable[[], datetime]) -> None:
        self.paths = paths
        self.root = paths.root
        self.index = LandingIndex(paths.state / INDEX_FILE)
        self.locks = LandingLocks(paths.state)
        self._clock = clock
        self._ready = False
        self._ready_guard = threading.Lock()

    def now(self) -> datetime:
        return self._clock()

    def close(self) -> None:
        self.index.close()

    def absolute(self, relative: str) -> Path:
        return self.root.joinpath(*relative.split("/"))

    # -- opening and rebuilding ------------------------------------------------------------

    def ensure_ready(self) -> None:
        """Create the folders, and rebuild the index when it is missing or unreadable."""
        if self._ready:
            return
        with self._ready_guard:
            if self._ready:
                return
            self._make_zone_folders()
            if not self.index.is_usable():
                with self.locks.all_writes(exclusive=True):
                    if not self.index.is_usable():
                        self._rebuild_on_open()
            self._ready = True

    def _rebuild_on_open(self) -> None:
        existed = self.index.path.exists()
        report = self._rebuild_locked()
        level = logging.WARNING if existed or report.versions else logging.INFO
        log.log(
            level,
            "landing index %s; rebuilt it from %d records (%d files adopted)",
            "was unreadable or incomplete" if existed else "was missing",
            report.versions,
            len(report.adopted),
        )

    def _make_zone_folders(self) -> None:
        for folder in (self.paths.landing, self.paths.state, self.paths.tmp):
            folder.mkdir(parents=True, exist_ok=True)

    def rebuild(self) -> RebuildReport:
        """Recreate the index from the landing files and their records."""
        self._make_zone_folders()
        with self.locks.all_writes(exclusive=True):
            report = self._rebuild_locked()
        self._ready = True
        return report

    def _rebuild_locked(self) -> RebuildReport:
        if not self.index.is_usable():
            self.index.reset()
        report = RebuildReport()
        scan = scan_landing(self.root)
        adopt_orphans(self.root, scan, self.paths.tmp, report)
        self.index.replace_all(index_rows(self.root, scan, report))
        report.problems.extend(scan.problems)
        report.stale_temp_files = stale_temp_files(self.paths.tmp)
        if report.stale_temp_files:
            log.warning(
                "%d unfinished temporary files in %s (from interrupted stores); they are not "
                "part of the lake and can be deleted",
                len(report.stale_temp_files),
                self.paths.tmp,
            )
        for problem in report.problems:
            log.warning("landing rebuild: %s", problem)
        return report

    # -- validation -------------------------------------------------------------------------

    def prepare(
        self,
        name: object,
        data_type: object,
        metadata: object,
        subpath: object,
        source: str | None,
    ) -> StoreRequest:
        """Validate a store call completely before anything is written."""
        checked_name = validate_name(name)
        checked_type = validate_data_type(data_type)
        checked_meta = validate_metadata(metadata)
        checked_source = resolve_source(source, checked_meta)
        checked_meta["source"] = checked_source
        checked_sub = validate_subpath(subpath)
        moment = self.now()
        minute = stamp(moment)
        longest = join(
            f"{LANDING}/{checked_source}/{minute}-{MAX_SLOTS}", checked_sub, checked_name
        )
        check_path_length(longest)
        first = self.absolute(join(slot_folders(checked_source, minute)[0], checked_sub))
        check_no_escaping_symlink(self.root, first)
        return StoreRequest(
            checked_name, checked_type, checked_source, checked_meta, checked_sub, moment
        )

    # -- writing ----------------------------------------------------------------------------

    def commit_store(self, request: StoreRequest, spool: Spool) -> Entry:
        """Place a spooled file in the first suitable slot (see the collision rule)."""
        try:
            with self.locks.source_write(request.source):
                self._check_source_folder(request.source)
                for folder in slot_folders(request.source, stamp(request.moment)):
                    entry = self._try_store_slot(request, spool, join(folder, request.subpath))
                    if entry is not None:
                        return entry
        finally:
            spool.discard()
        raise ConflictError(
            f"all {MAX_SLOTS} folders of minute {stamp(request.moment)} already hold a "
            f"different {request.name!r}",
            "store it again in a minute, or under a subpath",
        )

    def _check_source_folder(self, source: str) -> None:
        folder = self.paths.landing / source
        if folder.exists() and not folder.is_dir():
            raise ConflictError(
                f"{folder} is a file, not a folder", "move it away so the source can land files"
            )

    def _try_store_slot(self, request: StoreRequest, spool: Spool, folder: str) -> Entry | None:
        """The entry stored (or found identical) in `folder`, or None when it is taken."""
        target_rel = join(folder, request.name)
        target = self.absolute(target_rel)
        if not self._make_folder(target.parent):
            return None
        fresh = Entry(
            id=_new_id(),
            version=1,
            name=request.name,
            data_type=request.data_type,
            source=request.source,
            metadata=request.metadata,
            sha256=spool.sha256,
            size=spool.size,
            created_at=request.moment.isoformat(),
            updated_at=request.moment.isoformat(),
            path=target_rel,
        )
        if not os.path.lexists(target) and self._publish(spool.path, target):
            self._record_and_index(target, fresh, spool.head)
            return fresh
        return self._reuse_identical(target, fresh, spool)

    def _reuse_identical(self, target: Path, fresh: Entry, spool: Spool) -> Entry | None:
        """The live entry at `target` when it holds the same bytes (an idempotent retry)."""
        if target.is_symlink() or not target.is_file():
            return None
        try:
            existing = self._indexed_record(target, fresh.path)
        except (LakeError, ValueError) as exc:
            log.warning("unreadable record beside %s (%s); leaving that slot alone", target, exc)
            return None
        if existing is None:  # bytes without a record: a crashed write or a hand-dropped file
            if hash_file(target) == spool.sha256:
                self._record_and_index(target, fresh, spool.head)
                return fresh
            self._adopt(fresh.path)
            return None
        if existing.sha256 == spool.sha256 and not existing.deleted:
            return existing
        return None

    def _indexed_record(self, target: Path, relative: str) -> Entry | None:
        """The index's entry for a path, indexing its record first if the index missed it."""
        entry = self.index.by_path(relative)
        if entry is not None:
            return entry
        record = read_record(target, relative)
        if record is None:
            return None
        self._index(record, read_head(target))
        return self.index.by_path(relative)

    def _adopt(self, relative: str) -> None:
        try:
            entry = adopt(self.root, relative, self.paths.tmp)
        except (LakeError, OSError) as exc:
            log.warning("could not adopt %s: %s", relative, exc)
            return
        self._index(entry, read_head(self.absolute(relative)))

    def _make_folder(self, folder: Path) -> bool:
        """Create `folder` durably; False when a file is in the way."""
        check_no_escaping_symlink(self.root, folder)
        missing: list[Path] = []
        current = folder
        while not os.path.lexists(current):
            missing.append(current)
            current = current.parent
        if not current.is_dir():
            return False
        for path in reversed(missing):
            try:
                path.mkdir()
            except FileExistsError:
                if not path.is_dir():
                    return False
            except NotADirectoryError:
                return False
            fsync_dir(path.parent)
        return True

    @staticmethod
    def _publish(tmp: Path, target: Path) -> bool:
        """Give the finished temp file its final name without ever overwriting."""
        try:
            os.link(tmp, target)
        except FileExistsError:
            return False
        except OSError:  # no hard links here: the source lock keeps this check-then-rename safe
            if os.path.lexists(target):
                return False
            tmp.replace(target)
        fsync_dir(target.parent)
        return True

    def _record_and_index(self, target: Path, entry: Entry, head: bytes) -> None:
        try:
            write_record(target, entry, self.paths.tmp)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        self._index(entry, head)

    def _index(self, entry: Entry, head: bytes) -> None:
        try:
            self.index.add(entry, index_text(head, entry.data_type))
        except Exception as exc:
            raise LakeError(
                f"{entry.path} is stored with its record, but the index could not be updated "
                f"({exc})",
                "the file is safe; run rebuild_index() (or repeat the store, which is "
                "idempotent) to make it visible to list and search",
            ) from exc

    def commit_update(
        self,
        entry_id: str,
        spool: Spool | None,
        metadata: dict[str, Any] | None,
        moment: datetime,
    ) -> Entry:
        """Write a new version of a live entry (new bytes or a hard link to the old ones).

        `metadata` comes from `updated_metadata()`; None keeps the current metadata.
        """
        try:
            source = self.retrieve(entry_id).source
            with self.locks.source_write(source):
                current = self.retrieve(entry_id)
                new_meta = dict(current.metadata) if metadata is None else metadata
                for folder in slot_folders(source, stamp(moment)):
                    target_rel = join(folder, subpath_of(current.path), current.name)
                    entry = self._try_update_slot(current, new_meta, spool, target_rel, moment)
                    if entry is not None:
                        return entry
        finally:
            if spool is not None:
                spool.discard()
        raise ConflictError(
            f"all {MAX_SLOTS} folders of minute {stamp(moment)} are taken", "update again later"
        )

    @staticmethod
    def updated_metadata(current: Entry, metadata: object) -> dict[str, Any] | None:
        """Validate the metadata of an update (it replaces the old; the source stays)."""
        if metadata is None:
            return None
        checked = validate_metadata(metadata)
        checked["source"] = resolve_source(current.source, checked)
        return checked

    def _try_update_slot(
        self,
        current: Entry,
        metadata: dict[str, Any],
        spool: Spool | None,
        target_rel: str,
        moment: datetime,
    ) -> Entry | None:
        check_path_length(target_rel)
        target = self.absolute(target_rel)
        if not self._make_folder(target.parent) or os.path.lexists(target):
            return None
        source_path = current.absolute_path(self.root)
        placed = (
            self._publish(spool.path, target)
            if spool is not None
            else self._link_or_copy(source_path, target)
        )
        if not placed:
            return None
        entry = Entry(
            id=current.id,
            version=current.version + 1,
            name=current.name,
            data_type=current.data_type,
            source=current.source,
            metadata=metadata,
            sha256=spool.sha256 if spool is not None else current.sha256,
            size=spool.size if spool is not None else current.size,
            created_at=current.created_at,
            updated_at=moment.isoformat(),
            path=target_rel,
        )
        head = spool.head if spool is not None else read_head(target)
        self._record_and_index(target, entry, head)
        return entry

    def _link_or_copy(self, existing: Path, target: Path) -> bool:
        """Reuse the bytes of a version for a metadata-only update."""
        try:
            os.link(existing, target)
        except FileExistsError:
            return False
        except OSError:
            copy = spool_sync(existing, self.paths.tmp)
            try:
                return self._publish(copy.path, target)
            finally:
                copy.discard()
        fsync_dir(target.parent)
        return True

    def delete(self, entry_id: str) -> Entry:
        """Tombstone a live entry; its files stay on disk."""
        source = self.retrieve(entry_id).source
        with self.locks.source_write(source):
            current = self.retrieve(entry_id)
            write_tombstone(current.absolute_path(self.root), current, self.now(), self.paths.tmp)
            self.index.mark_deleted(current.id)
        return current.with_deleted()

    # -- reading ----------------------------------------------------------------------------

    def retrieve(
        self, entry_id: str, version: int | None = None, *, include_deleted: bool = False
    ) -> Entry:
        self.ensure_ready()
        entry = self.index.get(_check_id(entry_id), version)
        if entry is None:
            latest = self.index.get(entry_id) if version is not None else None
            if latest is not None:
                raise NotFoundError(
                    f"landing entry {entry_id} has no version {version}",
                    f"its versions are 1 to {latest.version}",
                )
            raise NotFoundError(f"no landing entry with id {entry_id!r}")
        if entry.deleted and not include_deleted:
            raise NotFoundError(
                f"landing entry {entry_id} ({entry.name}) was deleted",
                "pass include_deleted=True to read it anyway; its files are kept on disk",
            )
        return entry

    def lake_relative(self, path: str | os.PathLike[str]) -> str:
        """A landing path relative to the lake root, from a relative or absolute path."""
        candidate = Path(os.path.normpath(os.fspath(path)))
        if candidate.is_absolute():
            for base in (self.root, self.root.resolve()):
                if candidate.is_relative_to(base):
                    candidate = candidate.relative_to(base)
                    break
            else:
                raise ValidationError(
                    f"{path} is outside the lake root {self.root}", "give a path inside the lake"
                )
        relative = candidate.as_posix()
        validate_subpath(relative)
        if not relative.startswith(f"{LANDING}/"):
            raise ValidationError(
                f"{path} is not in the landing zone",
                "give a path such as landing/<source>/<stamp>/<name>",
            )
        return relative

    def retrieve_by_path(
        self, path: str | os.PathLike[str], *, include_deleted: bool = False
    ) -> Entry:
        self.ensure_ready()
        relative = self.lake_relative(path)
        target = self.absolute(relative)
        entry = self.index.by_path(relative)
        if entry is None and target.is_file() and not target.is_symlink():
            entry = self._indexed_record(target, relative)
        if entry is None:
            raise NotFoundError(f"no landing entry at {relative}")
        if entry.deleted and not include_deleted:
            raise NotFoundError(
                f"the landing entry at {relative} was deleted",
                "pass include_deleted=True to read it anyway; its files are kept on disk",
            )
        return entry

    def open(
        self, entry_id: str, version: int | None = None, *, include_deleted: bool = False
    ) -> IO[bytes]:
        entry = self.retrieve(entry_id, version, include_deleted=include_deleted)
        try:
            return entry.absolute_path(self.root).open("rb")
        except FileNotFoundError as exc:
            raise NotFoundError(
                f"the bytes of {entry.id} version {entry.version} are missing at {entry.path}",
                "restore the file, or run rebuild_index() to drop it from the index",
            ) from exc

    def versions(self, entry_id: str, *, include_deleted: bool = False) -> list[Entry]:
        self.retrieve(entry_id, include_deleted=include_deleted)
        return self.index.versions(entry_id)

    def list(self, data_type: str | None, subpath: object, recursive: bool) -> list[Entry]:
        self.ensure_ready()
        checked_type = None if data_type is None else validate_data_type(data_type)
        folder = validate_subpath(subpath, allow_trailing_slash=True)
        return self.index.current(checked_type, folder, recursive)

    def search(
        self,
        query: str,
        data_type: str | None,
        subpath: object,
        limit: int,
        recursive: bool = True,
    ) -> list[Entry]:
        """All words as phrases first; then as prefixes; then any word."""
        self.ensure_ready()
        if not isinstance(query, str):
            raise ValidationError(f"query must be a string, not {type(query).__name__}")
        checked_type = None if data_type is None else validate_data_type(data_type)
        folder = validate_subpath(subpath, allow_trailing_slash=True)
        checked_limit = _check_limit(limit)
        pieces = terms(query)
        modes = [Mode.ALL, Mode.PREFIX] + ([Mode.ANY] if len(pieces) > 1 else [])
        for mode in modes if pieces else []:
            found = self.index.search(
                pieces,
                mode,
                data_type=checked_type,
                folder=folder,
                recursive=recursive,
                limit=checked_limit,
            )
            if found:
                return found
        return []

    def all_versions(self, include_deleted: bool = False) -> list[Entry]:
        self.ensure_ready()
        return self.index.all_versions(include_deleted)

    def stats(self) -> LandingStats:
        self.ensure_ready()
        return self.index.stats()


def _new_id() -> str:
    return uuid.uuid4().hex
