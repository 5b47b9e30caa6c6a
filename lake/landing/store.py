"""The landing store API: `LandingStore` (async) and `SyncLandingStore` (for scripts).

```python
async with LandingStore(LakePaths.from_env()) as store:
    entry = await store.store("dk_bank_details_x.tsv", data, "tsv", source="distrokid")
    hits = await store.search("bank details", data_type="tsv")
```

Every blocking step (validation that touches the disk, streaming, renames, SQLite) runs in a
worker thread via `asyncio.to_thread`; the event loop only moves chunks of async iterables.
The protocol, layout and collision rule are described in core.py and layout.py.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from types import TracebackType
from typing import IO, Any, Self, TypeVar

from lake.config import LakePaths
from lake.errors import ValidationError
from lake.landing.content import Content, spool
from lake.landing.core import LandingCore
from lake.landing.entry import Entry, LandingStats
from lake.landing.rebuild import RebuildReport

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


class LandingStore:
    """Put files into the landing zone and find them again (async API)."""

    def __init__(self, paths: LakePaths, *, clock: Callable[[], datetime] | None = None) -> None:
        self.paths = paths
        self._core = LandingCore(paths, clock or utc_now)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the index connections (the store reopens them if used again)."""
        self._core.close()

    # -- writing ----------------------------------------------------------------------------

    async def store(
        self,
        name: str,
        content: Content,
        data_type: str,
        metadata: dict[str, Any] | None = None,
        subpath: str | None = None,
        *,
        source: str | None = None,
    ) -> Entry:
        """Land `content` as `landing/<source>/<minute>/[<subpath>/]<name>`; version 1.

        Storing the same bytes under the same name in the same minute again returns the
        existing entry; different bytes go to the next folder `<minute>-2`, ... (never
        overwriting). Raises ValidationError before writing anything when an argument is bad.
        """
        request = await asyncio.to_thread(
            self._core.prepare, name, data_type, metadata, subpath, source
        )
        await asyncio.to_thread(self._core.ensure_ready)
        spooled = await spool(content, self.paths.tmp)
        return await asyncio.to_thread(self._core.commit_store, request, spooled)

    async def update(
        self,
        id: str,
        content: Content | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Entry:
        """Write a new version with new bytes and/or new metadata (which replaces the old
        metadata). Older versions stay retrievable by number."""
        if content is None and metadata is None:
            raise ValidationError("update() got neither content nor metadata", "pass one or both")
        current = await asyncio.to_thread(self._core.retrieve, id)
        checked = self._core.updated_metadata(current, metadata)
        moment = self._core.now()
        spooled = None if content is None else await spool(content, self.paths.tmp)
        return await asyncio.to_thread(
            self._core.commit_update, current.id, spooled, checked, moment
        )

    async def delete(self, id: str) -> Entry:
        """Hide an entry from list and search (a tombstone); its files stay on disk."""
        return await asyncio.to_thread(self._core.delete, id)

    async def rebuild_index(self) -> RebuildReport:
        """Recreate the index from the landing files and their records (adopting orphans)."""
        return await asyncio.to_thread(self._core.rebuild)

    def rebuild_index_sync(self) -> RebuildReport:
        return self._core.rebuild()

    # -- reading ----------------------------------------------------------------------------

    async def retrieve(
        self,
        id: str,
        version: int | None = None,
        *,
        include_deleted: bool = False,
    ) -> Entry:
        """One version (the latest by default). NotFoundError if unknown or deleted."""
        return await asyncio.to_thread(
            self._core.retrieve, id, version, include_deleted=include_deleted
        )

    async def retrieve_by_path(
        self, path: str | os.PathLike[str], *, include_deleted: bool = False
    ) -> Entry:
        """The entry stored at `path` (relative to the lake root, or absolute inside it)."""
        return await asyncio.to_thread(
            self._core.retrieve_by_path, path, include_deleted=include_deleted
        )

    async def open(
        self,
        id: str,
        version: int | None = None,
        *,
        include_deleted: bool = False,
    ) -> IO[bytes]:
        """A binary file object on the bytes of one version; close it when done."""
        return await asyncio.to_thread(
            self._core.open, id, version, include_deleted=include_deleted
        )

    async def read_bytes(
        self,
        id: str,
        version: int | None = None,
        *,
        include_deleted: bool = False,
    ) -> bytes:
        """All the bytes of one version (use `open()` for large files)."""

        def read() -> bytes:
            with self._core.open(id, version, include_deleted=include_deleted) as handle:
                return handle.read()

        return await asyncio.to_thread(read)

    async def versions(self, id: str, *, include_deleted: bool = False) -> list[Entry]:
        """Every version of an entry, oldest first."""
        return await asyncio.to_thread(self._core.versions, id, include_deleted=include_deleted)

    async def list(
        self, data_type: str | None = None, subpath: str | None = None, recursive: bool = True
    ) -> list[Entry]:
        """The latest version of each live entry, ordered by path.

        `subpath` is a folder relative to `landing/` (e.g. "distrokid" or
        "distrokid/2026-11-23-1340"), matched against the latest version's folder;
        `recursive=False` keeps only files directly in it.
        """
        return await asyncio.to_thread(self._core.list, data_type, subpath, recursive)

    async def search(
        self,
        query: str,
        data_type: str | None = None,
        subpath: str | None = None,
        limit: int = 20,
    ) -> list[Entry]:
        """Live latest versions whose name, metadata or text content match `query`, best
        first (BM25). Any text is accepted: punctuation never raises."""
        return await asyncio.to_thread(self._core.search, query, data_type, subpath, limit)

    async def get_stats(self) -> LandingStats:
        """Entries and bytes (latest live versions) in total, by data type and by source."""
        return await asyncio.to_thread(self._core.stats)

    def all_versions(self, include_deleted: bool = False) -> list[Entry]:
        """Every version file of every live entry (all entries with include_deleted), oldest
        first (by `updated_at`).

        Synchronous and served from the index: what ingest walks to find files.
        """
        return self._core.all_versions(include_deleted)

    async def iter_versions(self, include_deleted: bool = False) -> AsyncIterator[Entry]:
        """`all_versions()` as an async iterator."""
        for entry in await asyncio.to_thread(self._core.all_versions, include_deleted):
            yield entry


def _close_quietly(store: LandingStore, runner: asyncio.Runner) -> None:
    store.close()
    runner.close()


class SyncLandingStore:
    """The same API for scripts: each call runs the coroutine on a private event loop.

    Use it as a context manager or call `close()` (garbage collection closes it too). Called
    from inside a running event loop, a call runs on a helper thread instead.
    """

    def __init__(self, paths: LakePaths, *, clock: Callable[[], datetime] | None = None) -> None:
        self.paths = paths
        self.aio = LandingStore(paths, clock=clock)
        self._runner = asyncio.Runner()
        self._finalizer = weakref.finalize(self, _close_quietly, self.aio, self._runner)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the index connections and the private event loop (also done on garbage
        collection and at exit)."""
        self._finalizer()

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._runner.run(coroutine)
        # Called from async code (a notebook, say): run on a helper thread with its own loop.
        with ThreadPoolExecutor(max_workers=1) as helper:
            return helper.submit(asyncio.run, coroutine).result()

    def store(
        self,
        name: str,
        content: Content,
        data_type: str,
        metadata: dict[str, Any] | None = None,
        subpath: str | None = None,
        *,
        source: str | None = None,
    ) -> Entry:
        return self._run(self.aio.store(name, content, data_type, metadata, subpath, source=source))

    def update(
        self,
        id: str,
        content: Content | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Entry:
        return self._run(self.aio.update(id, content, metadata))

    def delete(self, id: str) -> Entry:
        return self._run(self.aio.delete(id))

    def rebuild_index(self) -> RebuildReport:
        return self._run(self.aio.rebuild_index())

    def retrieve(
        self,
        id: str,
        version: int | None = None,
        *,
        include_deleted: bool = False,
    ) -> Entry:
        return self._run(self.aio.retrieve(id, version, include_deleted=include_deleted))

    def retrieve_by_path(
        self, path: str | os.PathLike[str], *, include_deleted: bool = False
    ) -> Entry:
        return self._run(self.aio.retrieve_by_path(path, include_deleted=include_deleted))

    def open(
        self,
        id: str,
        version: int | None = None,
        *,
        include_deleted: bool = False,
    ) -> IO[bytes]:
        return self._run(self.aio.open(id, version, include_deleted=include_deleted))

    def read_bytes(
        self,
        id: str,
        version: int | None = None,
        *,
        include_deleted: bool = False,
    ) -> bytes:
        return self._run(self.aio.read_bytes(id, version, include_deleted=include_deleted))

    def versions(self, id: str, *, include_deleted: bool = False) -> list[Entry]:
        return self._run(self.aio.versions(id, include_deleted=include_deleted))

    def list(
        self, data_type: str | None = None, subpath: str | None = None, recursive: bool = True
    ) -> list[Entry]:
        return self._run(self.aio.list(data_type, subpath, recursive))

    def search(
        self,
        query: str,
        data_type: str | None = None,
        subpath: str | None = None,
        limit: int = 20,
    ) -> list[Entry]:
        return self._run(self.aio.search(query, data_type, subpath, limit))

    def get_stats(self) -> LandingStats:
        return self._run(self.aio.get_stats())

    def all_versions(self, include_deleted: bool = False) -> list[Entry]:
        return self.aio.all_versions(include_deleted)
