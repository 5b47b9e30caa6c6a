"""Crashes and failures mid-write never leave a partial file at a landing path."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lake.config import LakePaths
from lake.landing import SyncLandingStore, core

TARGET = "landing/shop/2026-11-23-1342/big.bin"
CHUNK = b"x" * (1 << 20)


class Boom(RuntimeError):
    pass


def data_files(root: Path) -> list[Path]:
    landing = root / "landing"
    return sorted(p for p in landing.rglob("*") if p.is_file() and not p.name.startswith("."))


def test_failing_stream_leaves_nothing(store: SyncLandingStore, paths: LakePaths) -> None:
    seen_target: list[bool] = []

    def produce():
        for i in range(10):
            if i == 5:
                seen_target.append((paths.root / TARGET).exists())
                raise Boom("source went away")
            yield CHUNK

    with pytest.raises(Boom):
        store.store("big.bin", produce(), "bin", source="shop")

    assert seen_target == [False]  # nothing at the target while streaming
    assert not (paths.root / TARGET).exists()
    assert data_files(paths.root) == []
    assert list(paths.tmp.iterdir()) == []
    assert store.list() == []
    # the same call succeeds afterwards
    entry = store.store("big.bin", [CHUNK] * 3, "bin", source="shop")
    assert entry.path == TARGET
    assert entry.size == 3 * len(CHUNK)


def test_failing_record_write_rolls_back_the_data(
    store: SyncLandingStore, paths: LakePaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(core, "write_record", broken)
    with pytest.raises(OSError, match="disk full"):
        store.store("big.bin", b"data", "bin", source="shop")
    assert data_files(paths.root) == []
    assert list(paths.tmp.iterdir()) == []
    assert store.list() == []


def run_child(root: Path, body: str) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        from lake.config import LakePaths
        from lake.landing import SyncLandingStore, core
        store = SyncLandingStore(LakePaths(Path({str(root)!r})))
        """
    ) + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_killed_mid_stream_leaves_only_a_temp_file(paths: LakePaths) -> None:
    result = run_child(
        paths.root,
        """
        def produce():
            for i in range(10):
                if i == 5:
                    os._exit(9)
                yield b"x" * (1 << 20)
        store.store("big.bin", produce(), "bin", source="shop")
        """,
    )
    assert result.returncode == 9, result.stderr
    assert data_files(paths.root) == []
    leftovers = list(paths.tmp.iterdir())
    assert len(leftovers) == 1 and leftovers[0].name.endswith(".part")
    with SyncLandingStore(paths) as store:
        assert store.list() == []
        assert store.rebuild_index().versions == 0
        old = leftovers[0].stat().st_mtime - 2 * 24 * 3600
        os.utime(leftovers[0], (old, old))
        assert store.rebuild_index().stale_temp_files == [leftovers[0].name]


def test_killed_between_data_and_record_is_adopted(paths: LakePaths) -> None:
    result = run_child(
        paths.root,
        """
        store.list()
        def crash(*args, **kwargs):
            os._exit(9)
        core.write_record = crash
        store.store("orders.csv", b"id,total\\n1,9.50\\n", "csv", source="shop")
        """,
    )
    assert result.returncode == 9, result.stderr
    (orphan,) = data_files(paths.root)
    assert orphan.read_bytes() == b"id,total\n1,9.50\n"
    assert not (orphan.parent / ".orders.csv.entry.json").exists()

    with SyncLandingStore(paths) as store:
        report = store.rebuild_index()
        (entry,) = store.list()
    relative = orphan.relative_to(paths.root).as_posix()
    assert report.adopted == [relative]
    assert entry.path == relative
    assert entry.source == "shop"
    assert entry.data_type == "csv"
    assert entry.size == orphan.stat().st_size
    assert (orphan.parent / ".orders.csv.entry.json").is_file()
