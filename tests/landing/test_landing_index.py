"""The index is a cache: lost, corrupt or stale, it is rebuilt from the landing files."""

from __future__ import annotations

import sqlite3

import pytest

from lake.config import LakePaths
from lake.landing import SyncLandingStore

QUERIES = ["bank", "blue frog", "zone.a0", "orders", "distro", "rows"]


@pytest.fixture
def populated(store: SyncLandingStore, clock) -> SyncLandingStore:
    bank = store.store("dk_bank_details_x.tsv", b"iban\n", "tsv", source="distrokid")
    store.store("orders.json", b'[{"rows": 2}]', "json", {"artist": "Blue Frog"}, source="shop")
    gone = store.store("old.csv", b"bank rows\n", "csv", {"tag": "zone.a0"}, source="shop")
    store.store("nested.csv", b"rows\n", "csv", subpath="eu/daily", source="shop")
    clock.advance(2)
    store.update(bank.id, b"iban\nDE00\n")
    store.update(bank.id, metadata={"note": "second fix"})
    store.delete(gone.id)
    return store


def observe(store: SyncLandingStore) -> dict[str, object]:
    """Everything a user can see through the API."""
    return {
        "list": [entry.to_dict() for entry in store.list()],
        "all": [entry.to_dict() for entry in store.all_versions(include_deleted=True)],
        "search": {query: [entry.id for entry in store.search(query)] for query in QUERIES},
        "stats": store.get_stats().to_dict(),
    }


def index_file(paths: LakePaths):
    return paths.state / "landing_index.sqlite"


def test_lost_index_is_rebuilt_with_identical_results(
    populated: SyncLandingStore, paths: LakePaths, clock
) -> None:
    before = observe(populated)
    populated.close()
    for suffix in ("", "-wal", "-shm"):
        index_file(paths).with_name(index_file(paths).name + suffix).unlink(missing_ok=True)

    with SyncLandingStore(paths, clock=clock) as reopened:
        assert observe(reopened) == before
    assert index_file(paths).is_file()


def test_corrupt_index_is_rebuilt(populated: SyncLandingStore, paths: LakePaths, clock) -> None:
    before = observe(populated)
    populated.close()
    for suffix in ("-wal", "-shm"):
        index_file(paths).with_name(index_file(paths).name + suffix).unlink(missing_ok=True)
    index_file(paths).write_bytes(b"this is not a database" * 100)

    with SyncLandingStore(paths, clock=clock) as reopened:
        assert observe(reopened) == before


def test_rebuild_index_is_idempotent(populated: SyncLandingStore) -> None:
    before = observe(populated)
    first = populated.rebuild_index()
    second = populated.rebuild_index()
    assert observe(populated) == before
    assert (first.entries, first.versions) == (second.entries, second.versions) == (4, 6)
    assert first.adopted == second.adopted == []
    assert first.problems == []


def test_orphans_are_adopted_once(store: SyncLandingStore, paths: LakePaths) -> None:
    kept = store.store("kept.csv", b"kept\n", "csv", source="shop")
    dropped = paths.landing / "shop" / "manual" / "Dropped File.CSV"
    dropped.parent.mkdir(parents=True)
    dropped.write_bytes(b"a,b\n1,2\n")
    stray = paths.landing / "stray.txt"
    stray.write_bytes(b"no source folder")

    report = store.rebuild_index()
    assert report.adopted == ["landing/shop/manual/Dropped File.CSV"]
    assert any("stray.txt" in problem for problem in report.problems)
    adopted = store.retrieve_by_path("landing/shop/manual/Dropped File.CSV")
    assert adopted.data_type == "csv"
    assert adopted.source == "shop"
    assert adopted.size == 8
    assert store.read_bytes(adopted.id) == b"a,b\n1,2\n"
    assert {entry.id for entry in store.list()} == {kept.id, adopted.id}
    assert stray.read_bytes() == b"no source folder"

    again = store.rebuild_index()
    assert again.adopted == []
    assert store.retrieve_by_path(adopted.path) == adopted


def test_record_missing_from_index_is_found_by_path(
    store: SyncLandingStore, paths: LakePaths
) -> None:
    entry = store.store("a.csv", b"1\n", "csv", source="shop")
    with sqlite3.connect(index_file(paths)) as conn:
        conn.execute("DELETE FROM versions")
    assert store.list() == []
    assert store.retrieve_by_path(entry.path) == entry
    assert store.list() == [entry]
