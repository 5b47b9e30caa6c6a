"""Every refused name, subpath, source, data type, metadata and symlink writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from lake.config import LakePaths
from lake.errors import ValidationError
from lake.landing import SyncLandingStore
from tests.landing.conftest import snapshot

BAD_NAMES = [
    "/etc/passwd",
    "../escape.csv",
    "a/b.csv",
    "a\\b.csv",
    "a\x00b.csv",
    "a\nb.csv",
    "a\tb.csv",
    "a\rb.csv",
    "a\x1bb.csv",
    "a\u2028b.csv",
    "",
    ".",
    "..",
    "....",
    "x" * 242,
    "é" * 121,
    ".data.csv.entry.json",
    ".data.csv.deleted.json",
    None,
    b"bytes.csv",
]

BAD_SUBPATHS = [
    "/abs",
    "../up",
    "a/../../b",
    "a/..",
    "a//b",
    "a\\b",
    "a\x00b",
    "a\nb",
    "a\tb",
    ".",
    "a/./b",
    "...",
    "x" * 256,
    "/".join(["d" * 200] * 6),
    "a/.x.entry.json",
    12,
]

BAD_SOURCES = ["", "Distrokid", "dist rokid", "../x", "a/b", "-x", "_x", "x" * 65, "ü"]
BAD_TYPES = ["", "CSV", "c sv", "../csv", "x" * 40, ".csv", None]


class _Opaque:
    """An object JSON cannot encode (with a stable repr, so xdist workers agree on test ids)."""

    def __repr__(self) -> str:
        return "<opaque>"


BAD_METADATA = [
    {1: "int key"},
    {"a": _Opaque()},
    {"a": float("nan")},
    {"a": (1, 2)},
    {"a": {1, 2}},
    [("a", 1)],
    "text",
]


@pytest.fixture
def warm(store: SyncLandingStore, paths: LakePaths) -> tuple[SyncLandingStore, dict[str, int]]:
    """A store with one entry, and the snapshot of the lake after it."""
    store.store("seed.csv", b"seed\n", "csv", source="shop")
    return store, snapshot(paths.root)


def assert_nothing_written(store: SyncLandingStore, paths: LakePaths, before: dict) -> None:
    assert snapshot(paths.root) == before
    assert len(store.all_versions(include_deleted=True)) == 1


@pytest.mark.parametrize("name", BAD_NAMES, ids=repr)
def test_bad_names(warm, paths: LakePaths, name) -> None:
    store, before = warm
    with pytest.raises(ValidationError):
        store.store(name, b"data", "csv", source="shop")
    assert_nothing_written(store, paths, before)


@pytest.mark.parametrize("subpath", BAD_SUBPATHS, ids=repr)
def test_bad_subpaths(warm, paths: LakePaths, subpath) -> None:
    store, before = warm
    with pytest.raises(ValidationError):
        store.store("ok.csv", b"data", "csv", subpath=subpath, source="shop")
    assert_nothing_written(store, paths, before)


@pytest.mark.parametrize("source", BAD_SOURCES, ids=repr)
def test_bad_sources(warm, paths: LakePaths, source) -> None:
    store, before = warm
    with pytest.raises(ValidationError):
        store.store("ok.csv", b"data", "csv", source=source)
    assert_nothing_written(store, paths, before)


def test_missing_or_conflicting_source(warm, paths: LakePaths) -> None:
    store, before = warm
    with pytest.raises(ValidationError, match="no source given"):
        store.store("ok.csv", b"data", "csv")
    with pytest.raises(ValidationError, match="disagrees"):
        store.store("ok.csv", b"data", "csv", {"source": "a"}, source="b")
    assert_nothing_written(store, paths, before)


@pytest.mark.parametrize("data_type", BAD_TYPES, ids=repr)
def test_bad_data_types(warm, paths: LakePaths, data_type) -> None:
    store, before = warm
    with pytest.raises(ValidationError):
        store.store("ok.csv", b"data", data_type, source="shop")
    assert_nothing_written(store, paths, before)


@pytest.mark.parametrize("metadata", BAD_METADATA, ids=repr)
def test_bad_metadata(warm, paths: LakePaths, metadata) -> None:
    store, before = warm
    with pytest.raises(ValidationError):
        store.store("ok.csv", b"data", "csv", metadata, source="shop")
    assert_nothing_written(store, paths, before)


def test_nothing_written_on_a_fresh_lake(paths: LakePaths, clock) -> None:
    with SyncLandingStore(paths, clock=clock) as store, pytest.raises(ValidationError):
        store.store("../x.csv", b"data", "csv", source="shop")
    assert not paths.root.exists()


def test_longest_allowed_name_and_unicode_are_kept_exactly(store: SyncLandingStore) -> None:
    for name in ("x" * 241, "é" * 120, "TikTok – @label.account (1).csv", ".env", "a b"):
        entry = store.store(name, b"1", "csv", source="shop")
        assert entry.name == name
        assert entry.path.endswith("/" + name)
        assert store.read_bytes(entry.id) == b"1"


def test_symlink_leading_outside_is_refused(paths: LakePaths, clock, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    paths.landing.mkdir(parents=True)
    (paths.landing / "evil").symlink_to(outside, target_is_directory=True)
    with SyncLandingStore(paths, clock=clock) as store:
        before = snapshot(paths.root)
        with pytest.raises(ValidationError, match="outside the lake root"):
            store.store("x.csv", b"data", "csv", source="evil")
        assert snapshot(paths.root) == before
    assert list(outside.iterdir()) == []


def test_symlink_in_subpath_leading_outside_is_refused(
    store: SyncLandingStore, paths: LakePaths, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    stamp_dir = paths.landing / "shop" / "2026-11-23-1342"
    stamp_dir.mkdir(parents=True)
    (stamp_dir / "sub").symlink_to(outside, target_is_directory=True)
    before = snapshot(paths.root)
    with pytest.raises(ValidationError, match="outside the lake root"):
        store.store("x.csv", b"data", "csv", subpath="sub/deeper", source="shop")
    assert snapshot(paths.root) == before
    assert list(outside.iterdir()) == []


def test_symlink_inside_the_lake_is_followed(store: SyncLandingStore, paths: LakePaths) -> None:
    inside = paths.root / "sandbox" / "shared"
    inside.mkdir(parents=True)
    paths.landing.mkdir(parents=True, exist_ok=True)
    (paths.landing / "linked").symlink_to(inside, target_is_directory=True)
    entry = store.store("x.csv", b"data", "csv", source="linked")
    assert store.read_bytes(entry.id) == b"data"
    assert (inside / "2026-11-23-1342" / "x.csv").read_bytes() == b"data"
