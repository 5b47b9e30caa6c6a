"""Readers are never blocked nor shown a mix; one run at a time; kill -9 never breaks the lake."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

import duckdb
import pytest

from lake.warehouse.build import run_build
from lake.warehouse.ledger import load_runs
from lake.warehouse.lock import is_locked, read_owner, run_lock
from lake.warehouse.publish import current_version, list_versions, publish, recover
from tests.warehouse.conftest import LAKE_BIN, PROJECT, SLOW_ROWS, TinyLake, wait_for

DUCKDB_CLI = LAKE_BIN.with_name("duckdb")
SNAPSHOT_SQL = (
    "select p.version, (select sum(plays) from demo.fct_plays) from lake_ops.publication p"
)


def publish_plays(tiny: TinyLake, rows: list[tuple[str | None, int | None]]) -> str:
    tiny.write_plays(rows)
    assert run_build(tiny.layout, "setup", project_dir=PROJECT).ok
    return publish(tiny.layout).version


class Readers:
    """A connection held open all along, the DuckDB CLI held open all along, and a loop of
    new DuckDB CLI processes: each records (version, total plays) pairs and any error."""

    def __init__(self, published: Path) -> None:
        self.published = published
        self.held = duckdb.connect(str(published), read_only=True)
        self.cli = subprocess.Popen(
            [str(DUCKDB_CLI), "-readonly", "-csv", "-noheader", str(published)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.seen: dict[str, list[tuple[str, int]]] = {"held": [], "cli": [], "new": []}
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop)
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                self._read_once()
            except Exception as error:
                self.errors.append(repr(error))

    def _read_once(self) -> None:
        row = self.held.execute(SNAPSHOT_SQL).fetchone()
        self.seen["held"].append((str(row[0]), int(row[1])))
        # a new process each time: within one process DuckDB shares one instance per path,
        # so a connection opened beside `held` would see held's version
        once = subprocess.run(
            [
                str(DUCKDB_CLI),
                "-readonly",
                "-csv",
                "-noheader",
                str(self.published),
                "-c",
                SNAPSHOT_SQL,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if once.returncode != 0 or once.stderr.strip():
            raise AssertionError(f"new reader: {once.returncode} {once.stderr.strip()}")
        version, total = once.stdout.strip().split(",")
        self.seen["new"].append((version, int(total)))
        assert self.cli.stdin is not None and self.cli.stdout is not None
        self.cli.stdin.write(SNAPSHOT_SQL + ";\n")
        self.cli.stdin.flush()
        version, total = self.cli.stdout.readline().strip().split(",")
        self.seen["cli"].append((version, int(total)))

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=60)
        self.held.close()
        _, stderr = self.cli.communicate(".quit\n", timeout=30)
        if stderr.strip():
            self.errors.append(f"duckdb CLI: {stderr.strip()}")


def test_readers_are_never_blocked_and_never_see_a_mix(tiny: TinyLake) -> None:
    old = publish_plays(tiny, [("a", 1), ("b", 2)])
    tiny.write_plays([("a", 10), ("b", 20)])
    readers = Readers(tiny.layout.published)
    try:
        wait_for(lambda: len(readers.seen["cli"]) >= 3, what="readers to start")
        build = tiny.lake("build", TINY_SLOW_ROWS=SLOW_ROWS)
        assert build.returncode == 0, build.stderr
        published = tiny.lake("publish", "--json")
        assert published.returncode == 0, published.stderr
        new = current_version(tiny.layout)
        wait_for(lambda: (new, 30) in readers.seen["new"], what="a new reader to see the new data")
    finally:
        readers.close()

    assert readers.errors == []
    assert set(readers.seen["held"]) == {(old, 3)}  # an open connection keeps its version
    assert set(readers.seen["cli"]) == {(old, 3)}
    assert set(readers.seen["new"]) == {(old, 3), (new, 30)}  # never a mix, never an error
    assert len(readers.seen["new"]) > 10
    # the old version stays readable to those who hold it, then is gone from new readers
    assert readers.seen["new"][-1] == (new, 30)


def test_a_second_run_refuses_naming_the_running_one(tiny: TinyLake) -> None:
    first = tiny.spawn("build", TINY_SLOW_ROWS=SLOW_ROWS)
    try:
        wait_for(lambda: is_locked(tiny.layout.lock), what="the first build to take the lock")
        assert read_owner(tiny.layout.lock)["pid"] == first.pid

        refused = tiny.lake("run", "--from", "build")
        assert refused.returncode == 2
        assert "another lake run holds the lock" in refused.stderr
        assert f"pid {first.pid}" in refused.stderr and "lake build" in refused.stderr
        assert tiny.lake("publish").returncode == 1  # refused too
    finally:
        first.wait(timeout=300)
    assert first.returncode == 0  # the first one was not disturbed
    assert [r.command for r in load_runs(tiny.layout)] == ["lake build"]  # nothing else ran


def test_a_second_run_with_wait_queues_behind_the_first(tiny: TinyLake) -> None:
    assert run_build(tiny.layout, "first", project_dir=PROJECT).ok
    log = tiny.root.parent / "publish.err"
    with run_lock(tiny.layout.lock, command="lake run (the test)"), log.open("w") as err:
        waiting = subprocess.Popen(
            [str(LAKE_BIN), "publish", "--wait", "300"], env=tiny.env(), stderr=err, text=True
        )
        wait_for(lambda: "waiting for the run lock" in log.read_text(), what="publish to wait")
        time.sleep(1)
        assert waiting.poll() is None  # still waiting while the lock is held
        assert not tiny.layout.published.exists()
    assert waiting.wait(timeout=120) == 0, log.read_text()
    assert f"held by pid {os.getpid()}" in log.read_text()
    assert tiny.published_plays() == {"a": 1, "b": 2}


def test_kill_9_during_a_build_leaves_the_published_version_and_the_next_run_converges(
    tiny: TinyLake,
) -> None:
    old = publish_plays(tiny, [("a", 1), ("b", 2)])
    tiny.write_plays([("a", 7)])
    build = tiny.spawn("build", TINY_SLOW_ROWS=SLOW_ROWS)
    wait_for(lambda: tiny.layout.build_db.exists() and is_locked(tiny.layout.lock))
    wait_for(lambda: (tiny.layout.paths.state / "dbt" / "target" / "manifest.json").exists())
    build.kill()
    build.wait(timeout=60)

    assert tiny.published_plays() == {"a": 1, "b": 2}
    assert tiny.published_version() == old
    assert not is_locked(tiny.layout.lock)  # the kernel dropped the dead holder's lock

    # (not `lake run`: its ingest step would treat this test's hand-written raw files as
    # debris of a crashed ingest, since no ingest ledger knows them)
    tiny.lake("build", check=True)
    tiny.lake("publish", check=True)
    assert tiny.published_plays() == {"a": 7}


CRASH_POINTS = [
    "publish.after-stamp",
    "publish.after-version-file",
    "publish.before-swap",
    "publish.after-swap",
    "publish.after-curated",
    "archive.before-unlink",
]


def test_kill_9_at_every_step_of_publish_leaves_old_or_new_and_the_next_run_converges(
    tiny: TinyLake,
) -> None:
    layout = tiny.layout
    publish_plays(tiny, [("a", 0)])
    for n, point in enumerate(CRASH_POINTS, start=1):
        before = tiny.published_plays()
        tiny.write_plays([("a", n)])
        assert run_build(layout, f"crash-{n}", project_dir=PROJECT).ok

        crashed = tiny.lake("publish", "--keep", "1", LAKE_TEST_CRASH_AT=point)

        assert crashed.returncode == -9, (point, crashed.stderr)
        assert tiny.published_plays() in (before, {"a": n}), point  # old or new, whole
        # the next run: build, publish (what `lake run` does after ingest)
        assert run_build(layout, f"next-{n}", project_dir=PROJECT).ok
        publish(layout, keep=1)
        assert_converged(tiny, {"a": n})


def assert_converged(tiny: TinyLake, plays: dict[str, int]) -> None:
    layout = tiny.layout
    assert tiny.published_plays() == plays
    version = tiny.published_version()
    assert current_version(layout) == version
    parquet = layout.mart_parquet("demo", "fct_plays")
    assert dict(duckdb.sql(f"select track, plays from '{parquet}'").fetchall()) == plays
    kept = [v.version for v in list_versions(layout) if not v.archived]
    assert kept == [version]  # --keep 1: everything else archived
    assert sorted(p.stem for p in layout.versions.glob("*.duckdb")) == [version]
    leftovers = [p for p in layout.paths.root.rglob(".*.tmp")]
    assert leftovers == []


@pytest.mark.parametrize("point", ["rollback.after-swap"])
def test_kill_9_during_rollback_converges(tiny: TinyLake, point: str) -> None:
    first = publish_plays(tiny, [("a", 1)])
    publish_plays(tiny, [("a", 2)])
    crashed = tiny.lake("rollback", first, LAKE_TEST_CRASH_AT=point)
    assert crashed.returncode == -9
    assert tiny.published_plays() == {"a": 1}  # the swap happened; the Parquet did not
    recover(tiny.layout)
    parquet = tiny.layout.mart_parquet("demo", "fct_plays")
    assert duckdb.sql(f"select plays from '{parquet}'").fetchall() == [(1,)]
