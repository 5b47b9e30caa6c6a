"""From sealed log segments to NDJSON landing files, one per call type, exactly once.

For a sealed segment `<seq>.wal` the lander writes `<dataset>_<seq>.ndjson` (the records of
one call type, in log order: `tracks_000000000007.ndjson`, `pages_...`) through the landing
store, under `landing/events/<minute>/`. It notes each dataset landed in `<seq>.progress`,
and when all are landed moves the segment to `landed/`, where it is kept for the
deduplication window (its `messageId`s are remembered from it at the next start), then
deleted.

A crash between two steps repeats at most the landing of one file with the same name and
bytes; the ingest ledger knows a landing file by its SHA-256, so raw gets it once.
`land_orphaned_segments` is what the collector's start and `lake ingest` run when no
collector holds the log: it lands every segment a killed collector left behind.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import threading
import time
from collections import defaultdict
from pathlib import Path

from lake.config import LakePaths
from lake.events import wal
from lake.events.messages import DATASETS
from lake.fsutil import atomic_write_json, file_lock, fsync_dir
from lake.landing import SyncLandingStore

log = logging.getLogger("lake.events")

SOURCE = "events"


def wal_dir(state_dir: Path) -> Path:
    return state_dir / "wal"


def landed_dir(state_dir: Path) -> Path:
    return state_dir / "landed"


def lock_path(state_dir: Path) -> Path:
    return state_dir / "collector.lock"


def landing_name(call_type: str, seq: int) -> str:
    return f"{DATASETS[call_type]}_{seq:012d}.ndjson"


def _progress_path(segment: Path) -> Path:
    return segment.with_suffix(".progress")


def land_segment(store: SyncLandingStore, segment: Path, state_dir: Path) -> int:
    """Land one sealed segment (resuming after a crash); the number of records it held."""
    wal.recover_segment(segment)
    by_type: dict[str, list[bytes]] = defaultdict(list)
    count = 0
    for line in wal.read_lines(segment):
        by_type[line.call_type].append(line.record)
        count += 1
    progress_file = _progress_path(segment)
    done: list[str] = json.loads(progress_file.read_text()) if progress_file.exists() else []
    seq = wal.segment_seq(segment)
    for call_type in sorted(by_type):
        if call_type in done:
            continue
        content = b"\n".join(by_type[call_type]) + b"\n"
        store.store(
            landing_name(call_type, seq),
            content,
            "ndjson",
            {"collector_segment": seq, "records": len(by_type[call_type])},
            source=SOURCE,
        )
        done.append(call_type)
        atomic_write_json(progress_file, done)
    target = landed_dir(state_dir)
    target.mkdir(parents=True, exist_ok=True)
    segment.rename(target / segment.name)
    fsync_dir(target)
    progress_file.unlink(missing_ok=True)
    return count


def expire_landed(state_dir: Path, keep_seconds: float) -> None:
    """Delete landed segments older than the deduplication window."""
    horizon = time.time() - keep_seconds
    for segment in wal.segments(landed_dir(state_dir)):
        with contextlib.suppress(FileNotFoundError):
            if segment.stat().st_mtime < horizon:
                segment.unlink()


def land_orphaned_segments(paths: LakePaths) -> int:
    """Land what a killed collector left in its log, unless a collector is running (it
    lands its own). Returns the records landed; what `lake ingest` calls first."""
    state_dir = paths.state / "events"
    if not wal.segments(wal_dir(state_dir)):
        return 0
    with file_lock(lock_path(state_dir), blocking=False) as held:
        if not held:
            return 0
        with SyncLandingStore(paths) as store:
            return sum(land_segment(store, s, state_dir) for s in wal.segments(wal_dir(state_dir)))


class Lander:
    """The thread that lands sealed segments while the collector runs."""

    def __init__(self, paths: LakePaths, state_dir: Path, keep_seconds: float) -> None:
        self.paths = paths
        self.state_dir = state_dir
        self.keep_seconds = keep_seconds
        self._queue: queue.Queue[Path | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="events-lander", daemon=True)
        self.landed_records = 0

    def start(self) -> None:
        self._thread.start()

    def submit(self, segment: Path) -> None:
        self._queue.put(segment)

    def stop(self) -> None:
        """Land everything submitted so far, then end the thread."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        with SyncLandingStore(self.paths) as store:
            while (segment := self._queue.get()) is not None:
                self._land(store, segment)
                expire_landed(self.state_dir, self.keep_seconds)
            expire_landed(self.state_dir, self.keep_seconds)

    def _land(self, store: SyncLandingStore, segment: Path) -> None:
        # a failure (disk full) leaves the segment in wal/: the next start lands it
        for attempt in range(3):
            try:
                self.landed_records += land_segment(store, segment, self.state_dir)
                return
            except Exception:
                log.exception("landing %s failed (attempt %d)", segment.name, attempt + 1)
                time.sleep(1.0)
