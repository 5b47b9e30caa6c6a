"""Fixtures for the landing store tests: a lake under tmp_path and a controllable clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lake.config import LakePaths
from lake.landing import SyncLandingStore


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: int = 1) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def paths(tmp_path: Path) -> LakePaths:
    return LakePaths(tmp_path / "lake")


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 13, 42, 5, tzinfo=UTC))


@pytest.fixture
def store(paths: LakePaths, clock: Clock) -> Iterator[SyncLandingStore]:
    with SyncLandingStore(paths, clock=clock) as landing:
        yield landing


def snapshot(root: Path) -> dict[str, int]:
    """Every file and folder under the lake root except the index and locks, with sizes."""
    found: dict[str, int] = {}
    if not root.exists():
        return found
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("_state"):
            continue
        found[relative] = path.lstat().st_size if path.is_file() else -1
    return found
