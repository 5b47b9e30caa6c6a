"""A lake per test whose warehouse is built by the tiny dbt project in `project/`.

The warehouse machinery (build, publish, rollback, lock, crash recovery) does not depend on
what the models compute, so these tests use a project that builds in seconds; `make test`
runs the same commands on the real project and the sandbox's data (`lake run`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from lake.config import LakePaths
from lake.warehouse.layout import WarehouseLayout

PROJECT = Path(__file__).parent / "project"
LAKE_BIN = Path(sys.executable).with_name("lake")


@dataclass
class TinyLake:
    root: Path

    @property
    def layout(self) -> WarehouseLayout:
        return WarehouseLayout(LakePaths(self.root).ensure()).ensure()

    def write_plays(
        self,
        rows: Sequence[tuple[str | None, int | None]],
        day: str = "2026-11-20",
        loaded: datetime | None = None,
        *,
        replace: bool = True,
    ) -> None:
        """Replace the raw plays with `rows` (track, plays), loaded at `loaded` (default now);
        with `replace=False`, add them as one more raw file."""
        folder = self.root / "raw" / "_source=demo" / "_dataset=plays"
        existing = sorted(folder.glob("*/*.parquet"))
        if replace:
            for old in existing:
                old.unlink()
        target = folder / f"_date={day}" / f"part-{0 if replace else len(existing)}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        loaded = (loaded or datetime.now(UTC)).replace(tzinfo=None)
        with duckdb.connect() as con:
            con.execute("create table plays (track varchar, plays varchar, _ingested_at timestamp)")
            if rows:
                con.executemany(
                    "insert into plays values (?, ?, ?)",
                    [[t, None if p is None else str(p), loaded] for t, p in rows],
                )
            con.execute(f"copy plays to '{target}' (format parquet)")

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "LAKE_ROOT": str(self.root),
            "LAKE_DBT_PROJECT_DIR": str(PROJECT),
            "DO_NOT_TRACK": "1",
            **extra,
        }

    def lake(self, *args: str, check: bool = False, **env: str) -> subprocess.CompletedProcess[str]:
        """Run the `lake` command on this lake (a separate process, like a user would)."""
        result = subprocess.run(
            [str(LAKE_BIN), *args],
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"lake {' '.join(args)} -> {result.returncode}\n{result.stderr}")
        return result

    def spawn(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(LAKE_BIN), *args],
            env=self.env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def published_plays(self) -> dict[str, int | None]:
        """What a reader opening the published database now sees."""
        with duckdb.connect(str(self.layout.published), read_only=True) as con:
            rows = con.execute("select track, plays from demo.fct_plays").fetchall()
        return {str(track): None if plays is None else int(plays) for track, plays in rows}

    def published_version(self) -> str:
        with duckdb.connect(str(self.layout.published), read_only=True) as con:
            row = con.execute("select version from lake_ops.publication").fetchone()
        assert row is not None
        return str(row[0])


@pytest.fixture
def tiny(tmp_path: Path) -> TinyLake:
    lake = TinyLake(tmp_path / "lake")
    lake.write_plays([("a", 1), ("b", 2)])
    return lake


SLOW_ROWS = "400000000"
"""TINY_SLOW_ROWS that keeps a build busy for several seconds (the window to race or kill it)."""


def wait_for(condition: Callable[[], bool], timeout: float = 120.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.05)
