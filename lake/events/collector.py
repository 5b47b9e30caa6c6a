"""The collector's core: accept records once, durably, or say why not.

`accept(records)` returns when every new record is fsynced in the log (one group commit for
all the requests that arrived meanwhile). A `messageId` seen before (in the log, or in a
segment landed within the deduplication window) is not stored again; a retry that arrives
while the first copy is still being written waits for that write. Under backpressure (too
many bytes waiting for the disk, or too little free space) it raises `Backpressure` before
storing anything, and the client retries later.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass

from lake.errors import LakeError, LockedError
from lake.events import wal
from lake.events.config import CollectorConfig
from lake.events.lander import (
    Lander,
    land_segment,
    landed_dir,
    lock_path,
    wal_dir,
)
from lake.events.messages import Encoded
from lake.fsutil import file_lock
from lake.landing import SyncLandingStore


class Backpressure(LakeError):
    """The collector cannot take more now; the client should retry after `retry_after`."""

    def __init__(self, reason: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(reason, f"retry after {retry_after} s")


@dataclass(frozen=True)
class Accepted:
    stored: int
    duplicates: int


class Collector:
    """Deduplication, backpressure and the log; one per process (it holds the log's lock)."""

    def __init__(self, config: CollectorConfig) -> None:
        self.config = config
        self.state_dir = config.state_dir
        self._seen: set[str] = set()
        self._inflight: dict[str, asyncio.Future[None]] = {}
        self._lock: contextlib.ExitStack | None = None
        self._committer: wal.GroupCommitter | None = None
        self._lander: Lander | None = None
        self._free_checked = 0.0
        self._disk_full = False

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Take the log's lock, land what a previous run left, remember recent ids (a second
        call does nothing)."""
        if self._lock is not None:
            return
        stack = contextlib.ExitStack()
        if not stack.enter_context(file_lock(lock_path(self.state_dir), blocking=False)):
            stack.close()
            raise LockedError(
                f"another collector is using {self.state_dir}",
                "stop it first, or run this one with another --root",
            )
        self._lock = stack
        leftovers = wal.segments(wal_dir(self.state_dir))
        if leftovers:
            with SyncLandingStore(self.config.paths) as store:
                for segment in leftovers:
                    land_segment(store, segment, self.state_dir)
        self._remember_landed()
        self._lander = Lander(self.config.paths, self.state_dir, self.config.dedup_seconds)
        self._lander.start()
        self._committer = wal.GroupCommitter(
            wal_dir=wal_dir(self.state_dir),
            next_seq=self._next_seq(),
            roll_bytes=self.config.roll_bytes,
            roll_seconds=self.config.roll_seconds,
            on_sealed=self._lander.submit,
        )
        self._committer.start()

    def stop(self) -> None:
        """Commit what is queued, seal the log, land every segment, release the lock."""
        if self._committer is not None:
            self._committer.stop()
        if self._lander is not None:
            self._lander.stop()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _remember_landed(self) -> None:
        horizon = time.time() - self.config.dedup_seconds
        for segment in wal.segments(landed_dir(self.state_dir)):
            if segment.stat().st_mtime >= horizon:
                self._seen.update(wal.read_ids(segment))

    def _next_seq(self) -> int:
        existing = wal.segments(wal_dir(self.state_dir)) + wal.segments(landed_dir(self.state_dir))
        return max((wal.segment_seq(p) for p in existing), default=0) + 1

    # -- accepting --------------------------------------------------------------------------

    def check_capacity(self) -> None:
        """Raise Backpressure when the log is too far behind or the disk is nearly full."""
        committer = self._committer
        if committer is None:
            raise Backpressure("the collector is stopping", self.config.retry_after_seconds)
        if committer.pending_bytes > self.config.max_pending_bytes:
            raise Backpressure(
                "too many events are waiting for the disk", self.config.retry_after_seconds
            )
        now = time.monotonic()
        if now - self._free_checked > 1.0:
            self._free_checked = now
            free = shutil.disk_usage(self.state_dir).free
            self._disk_full = free < self.config.min_free_bytes
        if self._disk_full:
            raise Backpressure(
                "the disk under the lake is nearly full", max(30, self.config.retry_after_seconds)
            )

    async def accept(self, records: list[Encoded]) -> Accepted:
        """Store the records not seen before; return once they are durable."""
        self.check_capacity()
        fresh, waits = self._split(records)
        duplicates = len(records) - len(fresh)
        if fresh:
            loop = asyncio.get_running_loop()
            durable: asyncio.Future[None] = loop.create_future()
            ids = [r.message_id for r in fresh]
            for message_id in ids:
                self._inflight[message_id] = durable
            # settled even if this request is cancelled (the client hung up): the write goes
            # on, and its ids must count as seen once it is durable
            durable.add_done_callback(lambda done: self._settled(ids, done))
            assert self._committer is not None
            try:
                self._committer.submit(
                    wal.encode(fresh), lambda error: _resolve(loop, durable, error)
                )
            except RuntimeError as exc:
                durable.cancel()
                raise Backpressure(
                    "the collector is stopping", self.config.retry_after_seconds
                ) from exc
            await asyncio.shield(durable)
        for other in waits:
            await asyncio.shield(other)
        return Accepted(stored=len(fresh), duplicates=duplicates)

    def _settled(self, ids: list[str], done: asyncio.Future[None]) -> None:
        durable = not done.cancelled() and done.exception() is None
        for message_id in ids:
            self._inflight.pop(message_id, None)
            if durable:
                self._seen.add(message_id)

    def _split(self, records: list[Encoded]) -> tuple[list[Encoded], set[asyncio.Future[None]]]:
        """The records to store, and the writes of earlier copies still in flight."""
        fresh: list[Encoded] = []
        waits: set[asyncio.Future[None]] = set()
        batch_ids: set[str] = set()
        for record in records:
            message_id = record.message_id
            if message_id in self._seen or message_id in batch_ids:
                continue
            pending = self._inflight.get(message_id)
            if pending is not None:
                waits.add(pending)
                continue
            batch_ids.add(message_id)
            fresh.append(record)
        return fresh, waits

    def stats(self) -> Iterator[tuple[str, int]]:
        yield "remembered_ids", len(self._seen)
        if self._lander is not None:
            yield "landed_records", self._lander.landed_records


def _resolve(
    loop: asyncio.AbstractEventLoop, future: asyncio.Future[None], error: BaseException | None
) -> None:
    def settle() -> None:
        if future.done():
            return
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)

    loop.call_soon_threadsafe(settle)
