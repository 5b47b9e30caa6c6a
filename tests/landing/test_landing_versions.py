"""update() versions, delete() tombstones, get_stats() figures."""

from __future__ import annotations

import hashlib

import pytest

from lake.config import LakePaths
from lake.errors import NotFoundError, ValidationError
from lake.landing import SyncLandingStore


def test_update_keeps_every_version(store: SyncLandingStore, paths: LakePaths, clock) -> None:
    first = store.store("rates.csv", b"v1\n", "csv", {"run": 1}, source="shop")
    clock.advance(3)
    second = store.update(first.id, b"v2 longer\n")

    assert second.id == first.id
    assert second.version == 2
    assert second.path == "landing/shop/2026-11-23-1345/rates.csv"
    assert second.created_at == first.created_at
    assert second.updated_at == "2026-11-23T13:45:05+00:00"
    assert second.metadata == first.metadata
    assert second.sha256 == hashlib.sha256(b"v2 longer\n").hexdigest()
    assert store.retrieve(first.id) == second
    assert store.retrieve(first.id, 1) == first
    assert store.read_bytes(first.id, 1) == b"v1\n"
    assert store.read_bytes(first.id, 2) == b"v2 longer\n"
    assert first.absolute_path(paths.root).read_bytes() == b"v1\n"
    assert store.versions(first.id) == [first, second]
    assert store.all_versions() == [first, second]


def test_update_in_the_same_minute_never_overwrites(store: SyncLandingStore) -> None:
    first = store.store("rates.csv", b"v1\n", "csv", source="shop")
    second = store.update(first.id, b"v2\n")
    third = store.update(first.id, b"v3\n")
    assert [first.path, second.path, third.path] == [
        "landing/shop/2026-11-23-1342/rates.csv",
        "landing/shop/2026-11-23-1342-2/rates.csv",
        "landing/shop/2026-11-23-1342-3/rates.csv",
    ]
    assert [store.read_bytes(first.id, v) for v in (1, 2, 3)] == [b"v1\n", b"v2\n", b"v3\n"]


def test_update_keeps_subpath_and_name(store: SyncLandingStore, clock) -> None:
    first = store.store("TikTok Acct.csv", b"1", "csv", subpath="acct/a", source="tiktok")
    clock.advance(1)
    second = store.update(first.id, b"2")
    assert second.path == "landing/tiktok/2026-11-23-1343/acct/a/TikTok Acct.csv"


def test_metadata_only_update_links_bytes(store: SyncLandingStore, paths: LakePaths) -> None:
    first = store.store("a.csv", b"same bytes\n", "csv", {"k": "old"}, source="shop")
    second = store.update(first.id, metadata={"k": "new"})

    assert second.version == 2
    assert second.metadata == {"k": "new", "source": "shop"}
    assert second.sha256 == first.sha256
    assert store.read_bytes(first.id) == b"same bytes\n"
    old_file = first.absolute_path(paths.root)
    new_file = second.absolute_path(paths.root)
    assert old_file.stat().st_ino == new_file.stat().st_ino
    assert store.retrieve(first.id, 1).metadata == {"k": "old", "source": "shop"}
    assert [hit.id for hit in store.search("new")] == [first.id]


def test_update_refusals(store: SyncLandingStore, paths: LakePaths) -> None:
    entry = store.store("a.csv", b"1", "csv", source="shop")
    with pytest.raises(ValidationError, match="neither content nor metadata"):
        store.update(entry.id)
    with pytest.raises(ValidationError, match="disagrees"):
        store.update(entry.id, b"new bytes", metadata={"source": "other"})
    with pytest.raises(ValidationError, match="JSON"):
        store.update(entry.id, b"new bytes", metadata={"a": object()})
    assert list(paths.tmp.iterdir()) == []
    with pytest.raises(NotFoundError):
        store.update("missing", b"x")
    assert store.versions(entry.id) == [entry]


def test_delete_hides_but_keeps_bytes(store: SyncLandingStore, paths: LakePaths) -> None:
    kept = store.store("keep.csv", b"keep\n", "csv", source="shop")
    gone = store.store("gone.csv", b"gone searchable\n", "csv", source="shop")
    tomb = store.delete(gone.id)

    assert tomb.deleted
    assert store.list() == [kept]
    assert store.search("searchable") == []
    with pytest.raises(NotFoundError, match="was deleted"):
        store.retrieve(gone.id)
    with pytest.raises(NotFoundError, match="was deleted"):
        store.retrieve_by_path(gone.path)
    with pytest.raises(NotFoundError, match="was deleted"):
        store.read_bytes(gone.id)
    revived = store.retrieve(gone.id, include_deleted=True)
    assert revived.deleted
    assert revived.sha256 == gone.sha256
    assert store.read_bytes(gone.id, include_deleted=True) == b"gone searchable\n"
    assert gone.absolute_path(paths.root).read_bytes() == b"gone searchable\n"
    assert (paths.landing / "shop/2026-11-23-1342/.gone.csv.deleted.json").is_file()
    assert store.all_versions() == [kept]
    assert {e.id for e in store.all_versions(include_deleted=True)} == {kept.id, gone.id}
    with pytest.raises(NotFoundError):
        store.delete(gone.id)
    with pytest.raises(NotFoundError):
        store.update(gone.id, b"x")


def test_stats(store: SyncLandingStore) -> None:
    a = store.store("a.csv", b"12345", "csv", source="shop")
    store.store("b.csv", b"123", "csv", source="distrokid")
    store.store("c.json", b"[1,2]", "json", source="shop")
    d = store.store("d.json", b"[]", "json", source="shop")
    store.update(a.id, b"1234567890")
    store.delete(d.id)

    stats = store.get_stats()
    assert stats.entries == 3
    assert stats.bytes == 10 + 3 + 5
    assert stats.versions == 5
    assert stats.version_bytes == 5 + 3 + 5 + 2 + 10
    assert stats.deleted_entries == 1
    figures = stats.to_dict()
    assert figures["by_data_type"] == {
        "csv": {"entries": 2, "bytes": 13},
        "json": {"entries": 1, "bytes": 5},
    }
    assert figures["by_source"] == {
        "distrokid": {"entries": 1, "bytes": 3},
        "shop": {"entries": 2, "bytes": 15},
    }
