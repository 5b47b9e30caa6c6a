"""The write-ahead log: accepted records, fsynced before the client hears "200".

Records are appended to numbered segments `_state/events/wal/<seq>.wal`, one line each:
`<messageId as JSON>\t<type>\t<record as JSON>\n` (ids and types readable without parsing
the record). One thread owns the open segment and commits in groups: it takes every batch
queued since its last fsync, writes them in one `write`, calls `fdatasync` once, then tells
each waiting request its records are durable. A segment is sealed (closed, never written
again) when it reaches the roll size or age; sealed segments go to the lander.

After a `kill -9` the segments are still there: a record was acknowledged only once its
bytes were fsynced, so at most an unacknowledged tail is cut short, and `recover_segment`
trims it to the last complete line. Nothing else is ever rewritten.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from lake.events.messages import Encoded
from lake.fsutil import fsync_dir

SUFFIX = ".wal"
Done = Callable[[BaseException | None], None]


def segment_path(wal_dir: Path, seq: int) -> Path:
    return wal_dir / f"{seq:012d}{SUFFIX}"


def segment_seq(path: Path) -> int:
    return int(path.name.removesuffix(SUFFIX))


def segments(directory: Path) -> list[Path]:
    """The segments in `directory`, oldest first."""
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.suffix == SUFFIX and p.stem.isdigit()]
    return sorted(found, key=segment_seq)


def encode(records: Iterable[Encoded]) -> bytes:
    """The log lines of `records`."""
    return b"".join(
        orjson.dumps(r.message_id) + b"\t" + r.call_type.encode() + b"\t" + r.data + b"\n"
        for r in records
    )


@dataclass(frozen=True)
class LogLine:
    message_id: str
    call_type: str
    record: bytes
    """The record's JSON, as the client's call was normalized (one NDJSON line)."""


def read_lines(path: Path) -> Iterator[LogLine]:
    """The complete lines of a segment (a torn last line, never acknowledged, is skipped)."""
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    for line in data[:end].splitlines():
        message_id, call_type, record = line.split(b"\t", 2)
        yield LogLine(orjson.loads(message_id), call_type.decode(), record)


def read_ids(path: Path) -> Iterator[str]:
    for line in read_lines(path):
        yield line.message_id


def recover_segment(path: Path) -> None:
    """Trim a segment to its last complete line (what a kill during a write leaves)."""
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("r+b") as handle:
        handle.seek(max(0, size - 1))
        if handle.read(1) == b"\n":
            return
        data = handle.seek(0) or handle.read()
        handle.truncate(data.rfind(b"\n") + 1)
        handle.flush()
        os.fsync(handle.fileno())


@dataclass
class _Pending:
    data: bytes
    done: Done


@dataclass
class GroupCommitter:
    """The thread that writes the log. `submit` queues bytes and a callback; the callback
    runs (on the committer's thread) after the bytes are fsynced, or with the error."""

    wal_dir: Path
    next_seq: int
    roll_bytes: int
    roll_seconds: float
    on_sealed: Callable[[Path], None]
    _queue: list[_Pending] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _stopping: bool = False
    _thread: threading.Thread | None = None
    _fd: int | None = None
    _path: Path | None = None
    _size: int = 0
    _opened: float = 0.0
    pending_bytes: int = 0

    def start(self) -> None:
        self.wal_dir.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._run, name="events-wal", daemon=True)
        self._thread.start()

    def submit(self, data: bytes, done: Done) -> None:
        with self._cond:
            if self._stopping:
                raise RuntimeError("the log is closed")
            self._queue.append(_Pending(data, done))
            self.pending_bytes += len(data)
            self._cond.notify()

    def stop(self) -> None:
        """Commit what is queued, seal the open segment, end the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._queue and not self._stopping:
                    self._cond.wait(timeout=self._wait_seconds())
                batch, self._queue = self._queue, []
                stopping = self._stopping
            if batch:
                self._commit(batch)
            if stopping and not batch:
                self._seal()
                return
            if self._due():
                self._seal()

    def _wait_seconds(self) -> float | None:
        if self._fd is None:
            return None
        return max(0.01, self._opened + self.roll_seconds - time.monotonic())

    def _due(self) -> bool:
        return self._fd is not None and (
            self._size >= self.roll_bytes or time.monotonic() - self._opened >= self.roll_seconds
        )

    def _open(self) -> int:
        if self._fd is None:
            self._path = segment_path(self.wal_dir, self.next_seq)
            self.next_seq += 1
            self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            fsync_dir(self.wal_dir)
            self._size, self._opened = 0, time.monotonic()
        return self._fd

    def _commit(self, batch: list[_Pending]) -> None:
        data = b"".join(p.data for p in batch)
        error: BaseException | None = None
        try:
            fd = self._open()
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fdatasync(fd)
            self._size += len(data)
        except OSError as exc:
            error = exc
            self._abandon_segment()
        with self._cond:
            self.pending_bytes -= len(data)
        for pending in batch:
            with contextlib.suppress(Exception):
                pending.done(error)

    def _abandon_segment(self) -> None:
        """After a failed write the segment may hold part of the batch: trim it, seal it."""
        if self._path is not None and self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._size)
                os.fsync(self._fd)
            self._seal()

    def _seal(self) -> None:
        if self._fd is None or self._path is None:
            return
        os.close(self._fd)
        path, self._fd, self._path = self._path, None, None
        if self._size == 0:
            path.unlink(missing_ok=True)
            return
        self.on_sealed(path)
