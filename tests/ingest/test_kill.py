"""kill -9 at any point of `lake ingest`, then a new run: every landing file ends in exactly
one place (raw or quarantine), no duplicate rows, no partial Parquet visible."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from lake.config import LakePaths
from lake.ingest.landed import landing_files
from lake.ingest.ledger import Ledger
from lake.landing import SyncLandingStore

pytestmark = pytest.mark.slow

HEADER = (
    "Reporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\t"
    "Song/Album\tCountry of Sale\tSongwriter Royalties Withheld\tEarnings (USD)"
)
GOOD_FILES = 5
ROWS_PER_FILE = 40_000


def _bank_details(seed: int, rows: int) -> bytes:
    lines = [HEADER]
    for i in range(rows):
        lines.append(
            f"2025-0{1 + i % 9}-05\t2025-0{1 + i % 9}\tSpotify\tBlue Frog\tSong {seed}-{i}\t"
            f"QZTAW{seed:02d}{i:05d}\t1986672547{i % 10}\t{i % 50}\t100\tSong\tUS\t0\t"
            f"0.{i % 100000:08d}"
        )
    return ("\r".join(lines) + "\r").encode()


def _make_lake(root: Path) -> tuple[LakePaths, dict[str, str]]:
    """Land the good files and one bad one; returns sha -> expected status."""
    paths = LakePaths(root).ensure()
    expected: dict[str, str] = {}
    with SyncLandingStore(paths) as store:
        for n in range(GOOD_FILES):
            entry = store.store(
                f"dk_bank_details_{n}.tsv",
                _bank_details(n, ROWS_PER_FILE),
                "tsv",
                metadata={"source": "distrokid"},
            )
            expected[entry.sha256] = "ingested"
        bad = store.store(
            "dk_bank_details_broken.tsv",
            b"Store\tArtist\rSpotify\tBlue Frog\r",
            "tsv",
            metadata={"source": "distrokid"},
        )
        expected[bad.sha256] = "quarantined"
        # the ledger and raw's file names use the ingest key (the bytes and the source)
        keys = {f.sha256: f.ingest_key for f in landing_files(store)}
    return paths, {keys[sha]: status for sha, status in expected.items()}


def _ingest(root: Path, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LAKE_ROOT": str(root), "DO_NOT_TRACK": "1"}
    env.pop("LAKE_TEST_CRASH_AT", None)
    if crash_at:
        env["LAKE_TEST_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "lake.cli", "ingest", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _assert_converged(paths: LakePaths, expected: dict[str, str]) -> None:
    ledger = Ledger(paths.state / "ingest_ledger.sqlite")
    rows = {r.sha256: r for r in ledger.rows()}
    ledger.close()
    # every landing file is in exactly one place, the expected one
    assert {sha: r.status for sha, r in rows.items()} == expected
    raw_files = [p for p in paths.raw.rglob("*.parquet") if not p.name.startswith("_")]
    assert {p.name[:64] for p in raw_files} == {s for s, st in expected.items() if st == "ingested"}
    quarantined = [p for p in paths.quarantine.rglob("*.reason.json") if "_rows" not in p.parts]
    assert len(quarantined) == 1
    # no duplicate rows, nothing partial: every Parquet file reads whole
    glob = paths.raw / "_source=distrokid/_dataset=bank_details/*/*.parquet"
    total, distinct = duckdb.sql(
        f"select count(*), count(distinct (_sha256, _row_number)) from read_parquet('{glob}')"
    ).fetchone()
    assert total == distinct == GOOD_FILES * ROWS_PER_FILE
    # scratch space is cleaned, and no stray temp file sits in the raw zone
    assert not list(paths.tmp.glob("ingest-*"))
    assert not [p for p in paths.raw.rglob("*") if p.is_file() and p.suffix != ".parquet"]


@pytest.mark.parametrize(
    "crash_at",
    [
        "staged:2",  # outputs written in scratch, nothing published
        "published_one:3",  # a raw file renamed into place, ledger not written
        "published:2",
        "before_commit:4",
        "committed:3",  # between two files
        "quarantine_copied:1",  # copy made, reason not written
    ],
)
def test_kill_at_a_point_then_rerun_converges(tmp_path: Path, crash_at: str) -> None:
    paths, expected = _make_lake(tmp_path / "lake")
    killed = _ingest(paths.root, crash_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    finished = _ingest(paths.root)
    assert finished.returncode == 0, finished.stderr
    _assert_converged(paths, expected)
    # and a third run has nothing left to do
    again = _ingest(paths.root)
    assert '"ingested": 0' in again.stdout and '"quarantined": 0' in again.stdout


def test_kill_at_random_moments_then_rerun_converges(tmp_path: Path) -> None:
    paths, expected = _make_lake(tmp_path / "lake")
    rng = random.Random(20261123)
    env = {**os.environ, "LAKE_ROOT": str(paths.root), "DO_NOT_TRACK": "1"}
    for _ in range(4):
        process = subprocess.Popen(
            [sys.executable, "-m", "lake.cli", "ingest", "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 2.0))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finished = _ingest(paths.root)
    assert finished.returncode == 0, finished.stderr
    _assert_converged(paths, expected)
