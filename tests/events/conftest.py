"""Shared pieces of the collector's tests: an in-process app, a real `lake serve events`
process, and readers of what it landed and what ingest wrote to raw."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from starlette.testclient import TestClient

from lake.config import LakePaths
from lake.events.app import create_app
from lake.events.config import CollectorConfig

KEY = "test-write-key"
AUTH = (KEY, "")
LAKE = str(Path(sys.executable).with_name("lake"))


@pytest.fixture
def paths(tmp_path: Path) -> LakePaths:
    return LakePaths(tmp_path / "lake").ensure()


def make_client(paths: LakePaths, **overrides: Any) -> TestClient:
    config = CollectorConfig(paths=paths, write_keys=frozenset({KEY}), **overrides)
    return TestClient(create_app(config), client=("198.51.100.7", 50000))


@pytest.fixture
def client(paths: LakePaths) -> Iterator[TestClient]:
    with make_client(paths) as running:
        yield running


def track(message_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "track",
        "event": "Product Viewed",
        "anonymousId": "anon-1",
        "messageId": message_id,
        "timestamp": "2026-11-20T10:00:00.000Z",
        "properties": {"product_id": "p-1"},
        **extra,
    }


def landed_records(paths: LakePaths) -> list[dict[str, Any]]:
    """Every record in the collector's landing files (what `lake ingest` will read)."""
    records = []
    for path in sorted((paths.landing / "events").rglob("*.ndjson")):
        records += [json.loads(line) for line in path.read_text().splitlines()]
    return records


def ingest(paths: LakePaths) -> None:
    """`lake ingest`; every landing file must reach raw (none quarantined)."""
    env = {**os.environ, "LAKE_ROOT": str(paths.root)}
    done = subprocess.run(
        [LAKE, "ingest", "--root", str(paths.root)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert " 0 quarantined" in done.stdout + done.stderr, done.stdout + done.stderr


def raw_message_ids(paths: LakePaths) -> list[str]:
    pattern = paths.raw / "_source=events" / "*" / "*" / "*.parquet"
    with duckdb.connect() as con:
        rows = con.execute(
            f"select messageId from read_parquet('{pattern}', union_by_name = true) "
            "where messageId is not null"
        ).fetchall()
    return [row[0] for row in rows]


class Server:
    """`lake serve events` in its own process, on a free port."""

    def __init__(self, paths: LakePaths, tmp: Path, *args: str) -> None:
        self.paths = paths
        self.ready = tmp / f"collector-{time.monotonic_ns()}.url"
        self.log = tmp / "collector.log"
        env = {**os.environ, "LAKE_EVENTS_WRITE_KEYS": f"other,{KEY}"}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    LAKE,
                    "serve",
                    "events",
                    "--port",
                    "0",
                    "--root",
                    str(paths.root),
                    "--ready-file",
                    str(self.ready),
                    *args,
                ],
                env=env,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while not self.ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the collector did not start: {self.log.read_text()}")
            time.sleep(0.05)
        self.url = self.ready.read_text().strip()

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=120)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)


@pytest.fixture
def server_factory(paths: LakePaths, tmp_path: Path) -> Iterator[Any]:
    started: list[Server] = []

    def start(*args: str) -> Server:
        started.append(Server(paths, tmp_path, *args))
        return started[-1]

    yield start
    for server in started:
        if server.process.poll() is None:
            server.kill()
