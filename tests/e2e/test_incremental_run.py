"""An incremental run gives exactly the tables a full refresh gives.

On a copy of the demo lake (`make test`'s e2e run): a late correction of old days of one
Spotify song is landed by hand, the shop's visits of the next day go through the event
collector, then the sandbox's next day goes through the real extractors (new orders, payments,
LLM calls...) and `lake run` (extract, ingest, incremental build, publish). A full-refresh
build of the same lake must then hold the same rows in every table of the published schemas.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from lake.config import LakePaths
from lake.governance.role_dbs import attach_encrypted, role_db
from lake.governance.roles import ENCRYPTED_ROLE
from lake.warehouse.build import read_verdict
from lake.warehouse.layout import WarehouseLayout
from tests.e2e.conftest import SANDBOX_ORIGIN

LAKE_BIN = Path(sys.executable).with_name("lake")
NEXT_DAY = "2026-11-21"
COMPARED_SCHEMAS = ("music", "shop", "staging", "intermediate", "seeds")
CORRECTION = 100_000
"""Streams added to each corrected day: large enough to see in the mart's daily totals."""

pytestmark = [pytest.mark.xdist_group("e2e"), pytest.mark.slow]


def lake(root: Path, *args: str, today: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(LAKE_BIN), *args, "--root", str(root)]
    if today is not None:
        sandbox = [str(LAKE_BIN), "sandbox", "exec", "--today", today, "--origin"]
        command = [*sandbox, SANDBOX_ORIGIN, "--", *command]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout[-3000:]}{result.stderr}"
    return result


def oldest_song_timeline(root: Path) -> Path:
    files = sorted(
        path
        for path in (root / "landing" / "spotify").rglob("*-song-*-timeline.csv")
        if not path.name.startswith(".")
    )
    assert files, "the demo lake has no Spotify song timeline"
    return files[0]


def corrected_copy(original: Path, target: Path, days: int = 3) -> tuple[str, list[str]]:
    """The first `days` days of a downloaded timeline with CORRECTION more streams each."""
    reader = csv.DictReader(io.StringIO(original.read_text(encoding="utf-8-sig")))
    rows = list(reader)[:days]
    for row in rows:
        row["streams"] = str(int(row["streams"]) + CORRECTION)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target.write_text(out.getvalue(), encoding="utf-8")
    artist = original.name.split("-song-")[0]
    return artist, [row["date"] for row in rows]


@pytest.fixture(scope="module")
def next_day(
    layout: WarehouseLayout,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[WarehouseLayout, str, list[str]]]:
    root = tmp_path_factory.mktemp("incremental") / "lake"
    shutil.copytree(layout.paths.root, root, symlinks=True)
    drop = tmp_path_factory.mktemp("drop")
    original = oldest_song_timeline(root)
    correction = drop / original.name
    artist, days = corrected_copy(original, correction)
    lake(root, "land", str(correction), "--source", "spotify", "--account", artist)
    # the shop's visits of the next day (and every earlier one again: retried, stored once)
    shop_sessions = ["--today", NEXT_DAY, "--origin", SANDBOX_ORIGIN]
    lake(root, "serve", "shop-sessions", *shop_sessions)
    lake(root, "run", "--no-docs", today=NEXT_DAY)
    yield WarehouseLayout(LakePaths(root)), artist, days
    shutil.rmtree(root, ignore_errors=True)


def comparable_select(con: duckdb.DuckDBPyConnection, db: str, schema: str, table: str) -> str:
    """The table's rows with floating-point columns rounded (sums of doubles may differ in
    their last bits between two runs of the same query)."""
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
        [db, schema, table],
    ).fetchall()
    items = [
        f'round("{name}", 6)' if kind in ("DOUBLE", "FLOAT") else f'"{name}"'
        for name, kind in columns
    ]
    return f'select {", ".join(items)} from {db}."{schema}"."{table}"'


def differences(paths: LakePaths, full: Path) -> dict[str, tuple[int, int, int]]:
    """Per table: (rows in the incremental version, rows only there, rows only in full).
    The published version is read unmasked, from the data_engineer database: `lake.duckdb`
    is masked, the full-refresh build beside it is not (it is never published here)."""
    found: dict[str, tuple[int, int, int]] = {}
    with duckdb.connect() as con:
        attach_encrypted(con, paths, role_db(paths, ENCRYPTED_ROLE), "inc", read_only=True)
        con.execute(f"attach '{full}' as ful (read_only)")
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'inc' "
            "and schema_name in (select unnest(?)) order by all",
            [list(COMPARED_SCHEMAS)],
        ).fetchall()
        full_tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'ful' "
            "and schema_name in (select unnest(?)) order by all",
            [list(COMPARED_SCHEMAS)],
        ).fetchall()
        assert tables == full_tables
        for schema, table in tables:
            inc = comparable_select(con, "inc", schema, table)
            ful = comparable_select(con, "ful", schema, table)
            rows = con.execute(f"select count(*) from ({inc})").fetchone()[0]
            only_inc = con.execute(f"select count(*) from ({inc} except all {ful})").fetchone()
            only_full = con.execute(f"select count(*) from ({ful} except all {inc})").fetchone()
            found[f"{schema}.{table}"] = (rows, only_inc[0], only_full[0])
    return found


def test_the_next_day_was_built_incrementally_and_published(
    next_day: tuple[WarehouseLayout, str, list[str]],
) -> None:
    layout, _, _ = next_day
    verdict = read_verdict(layout)
    assert verdict is not None and verdict.get("published_version")
    start = verdict["start"]
    assert start["incremental"] and start["from_version"]
    assert start["rebuilt_whole"] == [] and start["dropped"] == []


def test_the_late_correction_of_old_days_reached_the_mart(
    next_day: tuple[WarehouseLayout, str, list[str]],
) -> None:
    layout, artist, days = next_day
    with duckdb.connect(str(layout.published), read_only=True) as con:
        rows = con.execute(
            "select stream_date::varchar, sum(streams) from music.fct_streams_daily "
            "where track_scope = 'track' and account = ? and stream_date in "
            "(select unnest(?)::date) group by 1 order by 1",
            [artist, days],
        ).fetchall()
    assert [day for day, _ in rows] == sorted(days)
    assert all(streams >= CORRECTION for _, streams in rows), rows


def test_an_incremental_run_gives_exactly_what_a_full_refresh_gives(
    next_day: tuple[WarehouseLayout, str, list[str]],
) -> None:
    layout, _, _ = next_day
    lake(layout.paths.root, "build", "--full-refresh", "--json")
    verdict = read_verdict(layout)
    assert verdict is not None and verdict["ok"] and not verdict["start"]["incremental"]

    found = differences(layout.paths, layout.build_db)

    assert found["music.fct_streams_daily"][0] > 10_000
    assert found["staging.stg_spotify__song_timeline"][0] > 10_000
    differing = {name: counts for name, counts in found.items() if counts[1] or counts[2]}
    assert differing == {}, f"(rows, only incremental, only full refresh): {differing}"


SHOP_FACTS = ("fct_events", "fct_orders", "fct_order_items", "fct_llm_calls", "fct_sessions")


def test_the_next_day_brought_new_events_orders_and_llm_calls(
    layout: WarehouseLayout, next_day: tuple[WarehouseLayout, str, list[str]]
) -> None:
    """The incremental run the comparison above covers had new shop rows to add."""
    after, _, _ = next_day
    counts = {}
    for name, db in (("before", layout.published), ("after", after.published)):
        with duckdb.connect(str(db), read_only=True) as con:
            counts[name] = {
                fact: con.execute(f"select count(*) from shop.{fact}").fetchone()[0]  # type: ignore[index]
                for fact in SHOP_FACTS
            }
    grew = {f for f in SHOP_FACTS if counts["after"][f] > counts["before"][f] > 0}
    assert grew == set(SHOP_FACTS), counts
