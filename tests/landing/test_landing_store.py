"""Storing every kind of content and reading it back, by id and by path."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import tracemalloc
from pathlib import Path

import pytest

from lake.config import LakePaths
from lake.errors import NotFoundError, ValidationError
from lake.landing import Entry, LandingStore, SyncLandingStore


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_store_bytes_lands_file_and_record(store: SyncLandingStore, paths: LakePaths) -> None:
    data = b"date\tstreams\n2026-11-01\t12\n"
    entry = store.store("dk_bank_details_x.tsv", data, "tsv", {"account": "x"}, source="distrokid")

    assert entry.path == "landing/distrokid/2026-11-23-1342/dk_bank_details_x.tsv"
    assert entry.version == 1
    assert entry.size == len(data)
    assert entry.sha256 == sha(data)
    assert entry.source == "distrokid"
    assert entry.metadata == {"account": "x", "source": "distrokid"}
    assert entry.created_at == entry.updated_at == "2026-11-23T13:42:05+00:00"
    assert not entry.deleted
    target = entry.absolute_path(paths.root)
    assert target.read_bytes() == data
    record = json.loads((target.parent / ".dk_bank_details_x.tsv.entry.json").read_text())
    assert record["id"] == entry.id
    assert record["sha256"] == entry.sha256
    assert record["path"] == entry.path
    assert list(paths.tmp.iterdir()) == []


def test_retrieve_and_read_back(store: SyncLandingStore) -> None:
    entry = store.store("a.csv", b"x,y\n1,2\n", "csv", source="shop")

    assert store.retrieve(entry.id) == entry
    assert store.retrieve(entry.id, 1) == entry
    assert store.read_bytes(entry.id) == b"x,y\n1,2\n"
    with store.open(entry.id) as handle:
        assert handle.read() == b"x,y\n1,2\n"
    with pytest.raises(NotFoundError, match="no landing entry"):
        store.retrieve("nope")
    with pytest.raises(NotFoundError, match="no version 7"):
        store.retrieve(entry.id, 7)


def test_str_is_utf8(store: SyncLandingStore) -> None:
    entry = store.store("notes.txt", "Blåbær ✓\n", "txt", source="shop")
    assert store.read_bytes(entry.id) == "Blåbær ✓\n".encode()


def test_source_from_metadata(store: SyncLandingStore) -> None:
    entry = store.store("a.json", b"{}", "json", {"source": "tiktok"})
    assert entry.source == "tiktok"
    assert entry.path.startswith("landing/tiktok/")


def test_file_object_path_and_iterable(store: SyncLandingStore, tmp_path: Path) -> None:
    data = os.urandom(3 * (1 << 20) + 17)
    from_file = store.store("one.bin", io.BytesIO(data), "bin", source="s")
    source_file = tmp_path / "copy_me.zip"
    source_file.write_bytes(data)
    from_path = store.store("two.zip", source_file, "zip", source="s")
    chunks = [data[i : i + 65536] for i in range(0, len(data), 65536)]
    from_iter = store.store("three.bin", iter(chunks), "bin", source="s")

    for entry in (from_file, from_path, from_iter):
        assert entry.sha256 == sha(data)
        assert entry.size == len(data)
        assert store.read_bytes(entry.id) == data


def test_async_iterable_and_async_api(paths: LakePaths) -> None:
    data = b"".join(f"line {i}\n".encode() for i in range(10_000))

    async def produce():
        for start in range(0, len(data), 1000):
            await asyncio.sleep(0)
            yield data[start : start + 1000]

    async def main() -> tuple[Entry, bytes, list[Entry]]:
        async with LandingStore(paths) as landing:
            entry = await landing.store("lines.txt", produce(), "txt", source="agent")
            read = await landing.read_bytes(entry.id)
            listed = await landing.list()
            return entry, read, listed

    entry, read, listed = asyncio.run(main())
    assert read == data
    assert entry.sha256 == sha(data)
    assert listed == [entry]


def test_bad_content_types_refused(store: SyncLandingStore, paths: LakePaths) -> None:
    with pytest.raises(ValidationError, match="not bytes"):
        store.store("a.txt", ["text chunk"], "txt", source="s")
    with pytest.raises(ValidationError, match="binary mode"):
        store.store("a.txt", io.StringIO("text"), "txt", source="s")
    with pytest.raises(ValidationError, match="cannot store content"):
        store.store("a.txt", 12, "txt", source="s")
    with pytest.raises(NotFoundError, match="not an existing file"):
        store.store("a.txt", Path("/does/not/exist"), "txt", source="s")
    assert store.list() == []
    assert list(paths.tmp.iterdir()) == []


def test_large_stream_is_not_held_in_memory(store: SyncLandingStore, paths: LakePaths) -> None:
    chunk_count, chunk_size = 50, 1 << 20
    digest = hashlib.sha256()

    def produce():
        for i in range(chunk_count):
            chunk = bytes([i]) * chunk_size
            digest.update(chunk)
            yield chunk

    tracemalloc.start()
    try:
        entry = store.store("big.bin", produce(), "bin", source="bulk")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    total = chunk_count * chunk_size
    assert entry.size == total
    assert entry.sha256 == digest.hexdigest()
    assert entry.absolute_path(paths.root).stat().st_size == total
    assert peak < 8 * (1 << 20), f"peak {peak} bytes for a {total}-byte stream"


def test_retrieve_by_path(store: SyncLandingStore, paths: LakePaths) -> None:
    entry = store.store("x.csv", b"a\n", "csv", subpath="daily/eu", source="shop")
    assert entry.path == "landing/shop/2026-11-23-1342/daily/eu/x.csv"

    assert store.retrieve_by_path(entry.path) == entry
    assert store.retrieve_by_path(entry.absolute_path(paths.root)) == entry
    assert store.retrieve_by_path(str(entry.absolute_path(paths.root))) == entry
    with pytest.raises(NotFoundError):
        store.retrieve_by_path("landing/shop/2026-11-23-1342/daily/eu/y.csv")
    with pytest.raises(ValidationError, match="outside the lake root"):
        store.retrieve_by_path("/etc/passwd")
    with pytest.raises(ValidationError, match=r"'\.\.'"):
        store.retrieve_by_path("landing/../../etc/passwd")
    with pytest.raises(ValidationError, match="not in the landing zone"):
        store.retrieve_by_path("raw/x.parquet")


def test_entry_to_dict_is_json(store: SyncLandingStore) -> None:
    entry = store.store("x.json", b"[]", "json", {"n": [1, 2]}, source="shop")
    payload = json.loads(json.dumps(entry.to_dict()))
    assert payload["id"] == entry.id
    assert payload["metadata"] == {"n": [1, 2], "source": "shop"}
    assert payload["deleted"] is False


def test_a_second_store_object_sees_the_entries(store: SyncLandingStore, paths: LakePaths) -> None:
    entry = store.store("x.csv", b"1\n", "csv", source="shop")
    with SyncLandingStore(paths) as other:
        assert other.retrieve(entry.id) == entry
        assert other.all_versions() == [entry]


def test_async_api_end_to_end(paths: LakePaths) -> None:
    async def main() -> None:
        async with LandingStore(paths) as landing:
            entry = await landing.store("a.csv", b"one\n", "csv", source="shop")
            newer = await landing.update(entry.id, b"two\n")
            assert [v.version for v in await landing.versions(entry.id)] == [1, 2]
            handle = await landing.open(entry.id, 1)
            with handle:
                assert handle.read() == b"one\n"
            assert [e async for e in landing.iter_versions()] == [entry, newer]
            assert (await landing.retrieve_by_path(newer.path)) == newer
            assert (await landing.search("two")) == [newer]
            assert (await landing.get_stats()).entries == 1
            await landing.delete(entry.id)
            assert [e async for e in landing.iter_versions()] == []
            assert len([e async for e in landing.iter_versions(include_deleted=True)]) == 2
            report = await landing.rebuild_index()
            assert (report.entries, report.versions) == (1, 2)

    asyncio.run(main())


def test_concurrent_stores_in_one_process(paths: LakePaths, clock) -> None:
    async def main() -> list[Entry]:
        async with LandingStore(paths, clock=clock) as landing:
            return await asyncio.gather(
                *(
                    landing.store("same.csv", f"{i}\n".encode(), "csv", source="shop")
                    for i in range(20)
                )
            )

    entries = asyncio.run(main())
    assert len({entry.path for entry in entries}) == 20
    assert len({entry.id for entry in entries}) == 20
    with SyncLandingStore(paths) as store:
        assert len(store.list()) == 20
        for entry in entries:
            assert store.read_bytes(entry.id) == (paths.root / entry.path).read_bytes()


def test_sync_facade_inside_a_running_loop(paths: LakePaths) -> None:
    async def main() -> bytes:
        with SyncLandingStore(paths) as store:
            entry = store.store("a.csv", b"from a notebook\n", "csv", source="shop")
            return store.read_bytes(entry.id)

    assert asyncio.run(main()) == b"from a notebook\n"


def test_sync_facade_closes_on_garbage_collection(paths: LakePaths) -> None:
    import gc

    store = SyncLandingStore(paths)
    store.store("a.csv", b"1\n", "csv", source="shop")
    finalizer = store._finalizer
    del store
    gc.collect()
    assert not finalizer.alive
