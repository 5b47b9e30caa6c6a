"""The collision rule: identical bytes -> the existing entry; anything else -> next folder."""

from __future__ import annotations

from lake.config import LakePaths
from lake.landing import SyncLandingStore

STAMP = "landing/shop/2026-11-23-1342"


def test_identical_retry_returns_the_existing_entry(
    store: SyncLandingStore, paths: LakePaths
) -> None:
    first = store.store("a.csv", b"same\n", "csv", {"try": 1}, source="shop")
    again = store.store("a.csv", b"same\n", "csv", {"try": 2}, source="shop")
    assert again == first
    assert len(store.list()) == 1
    assert sorted(p.name for p in (paths.root / STAMP).iterdir()) == [".a.csv.entry.json", "a.csv"]


def test_different_bytes_go_to_the_next_folder(store: SyncLandingStore, paths: LakePaths) -> None:
    first = store.store("a.csv", b"one\n", "csv", source="shop")
    second = store.store("a.csv", b"two\n", "csv", source="shop")
    third = store.store("a.csv", b"three\n", "csv", source="shop")
    retry_second = store.store("a.csv", b"two\n", "csv", source="shop")

    assert [first.path, second.path, third.path] == [
        f"{STAMP}/a.csv",
        f"{STAMP}-2/a.csv",
        f"{STAMP}-3/a.csv",
    ]
    assert len({first.id, second.id, third.id}) == 3
    assert retry_second == second
    assert (paths.root / first.path).read_bytes() == b"one\n"
    assert (paths.root / second.path).read_bytes() == b"two\n"
    assert len(store.list()) == 3


def test_next_minute_gets_its_own_folder(store: SyncLandingStore, clock) -> None:
    first = store.store("a.csv", b"same\n", "csv", source="shop")
    clock.advance(1)
    second = store.store("a.csv", b"same\n", "csv", source="shop")
    assert second.id != first.id
    assert second.path == "landing/shop/2026-11-23-1343/a.csv"


def test_same_name_other_subpath_is_no_collision(store: SyncLandingStore) -> None:
    first = store.store("a.csv", b"one\n", "csv", subpath="x", source="shop")
    second = store.store("a.csv", b"two\n", "csv", subpath="y", source="shop")
    assert first.path == f"{STAMP}/x/a.csv"
    assert second.path == f"{STAMP}/y/a.csv"


def test_deleted_entry_is_not_reused(store: SyncLandingStore) -> None:
    first = store.store("a.csv", b"same\n", "csv", source="shop")
    store.delete(first.id)
    second = store.store("a.csv", b"same\n", "csv", source="shop")
    assert second.id != first.id
    assert second.path == f"{STAMP}-2/a.csv"
    assert store.list() == [second]


def test_file_in_the_way_of_a_subpath(store: SyncLandingStore) -> None:
    blocker = store.store("daily", b"a file, not a folder", "txt", source="shop")
    entry = store.store("a.csv", b"1", "csv", subpath="daily", source="shop")
    assert blocker.path == f"{STAMP}/daily"
    assert entry.path == f"{STAMP}-2/daily/a.csv"


def test_folder_in_the_way_of_a_name(store: SyncLandingStore) -> None:
    store.store("a.csv", b"1", "csv", subpath="daily", source="shop")
    entry = store.store("daily", b"x", "txt", source="shop")
    assert entry.path == f"{STAMP}-2/daily"


def test_hand_dropped_identical_file_gets_the_callers_record(
    store: SyncLandingStore, paths: LakePaths
) -> None:
    assert store.list() == []  # open the store (and its index) before the drop
    dropped = paths.root / STAMP / "a.csv"
    dropped.parent.mkdir(parents=True)
    dropped.write_bytes(b"same\n")
    entry = store.store("a.csv", b"same\n", "csv", {"k": "v"}, source="shop")
    assert entry.path == f"{STAMP}/a.csv"
    assert entry.metadata == {"k": "v", "source": "shop"}
    assert (dropped.parent / ".a.csv.entry.json").is_file()


def test_hand_dropped_different_file_is_adopted_and_kept(
    store: SyncLandingStore, paths: LakePaths
) -> None:
    assert store.list() == []
    dropped = paths.root / STAMP / "a.csv"
    dropped.parent.mkdir(parents=True)
    dropped.write_bytes(b"theirs\n")
    entry = store.store("a.csv", b"ours\n", "csv", source="shop")

    assert entry.path == f"{STAMP}-2/a.csv"
    assert dropped.read_bytes() == b"theirs\n"
    adopted = store.retrieve_by_path(f"{STAMP}/a.csv")
    assert adopted.metadata == {"source": "shop", "adopted": True}
    assert {e.path for e in store.list()} == {entry.path, adopted.path}
