"""The ingest ledger: which landing bytes (by SHA-256) went where, exactly once.

A SQLite database in `<root>/_state/ingest_ledger.sqlite`. A file's SHA-256 is its identity:
the same bytes under another name, or a re-run, find their row here and add nothing. A row
is written only after every output of the file is in place (raw Parquet renamed, or the
quarantine copy and its reason written), in one transaction, so a crash before it leaves
outputs that the next run either overwrites (same deterministic path) or sweeps away.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lake.ingest.outcomes import LandingFile

_SCHEMA = """
create table if not exists files (
    sha256 text primary key,
    status text not null check (status in ('ingested', 'quarantined')),
    source text not null,
    name text not null,
    landing_path text not null,
    size integer not null,
    batch_id text not null,
    processed_at text not null,
    rows_landed integer not null default 0,
    rows_raw integer not null default 0,
    rows_rejected integer not null default 0,
    outputs text not null default '[]',
    reason text,
    quarantine_path text
);
create table if not exists sightings (
    landing_path text primary key,
    sha256 text not null,
    batch_id text not null,
    seen_at text not null,
    outcome text not null
);
create table if not exists batches (
    batch_id text primary key,
    started_at text not null,
    finished_at text,
    summary text
);
"""


@dataclass(frozen=True)
class LedgerRow:
    sha256: str
    status: str
    source: str
    name: str
    landing_path: str
    size: int
    batch_id: str
    processed_at: str
    rows_landed: int
    rows_raw: int
    rows_rejected: int
    outputs: list[dict[str, Any]]
    reason: dict[str, Any] | None
    quarantine_path: str | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Ledger:
    """Thin typed access to the ledger database."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(path, timeout=60, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("pragma journal_mode=wal")
        self._conn.execute("pragma synchronous=full")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("begin immediate")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("rollback")
            raise
        self._conn.execute("commit")

    def get(self, sha256: str) -> LedgerRow | None:
        row = self._conn.execute("select * from files where sha256 = ?", (sha256,)).fetchone()
        return _to_row(row) if row else None

    def find(self, landing_file: LandingFile) -> LedgerRow | None:
        """The row of a landing file's ingest key; or, in a ledger written before the source
        was part of the key, the row of its old key when it was for the same source."""
        row = self.get(landing_file.ingest_key)
        if row is not None:
            return row
        legacy = self.get(landing_file.legacy_key)
        return legacy if legacy is not None and legacy.source == landing_file.source else None

    def rows(self, status: str | None = None, source: str | None = None) -> list[LedgerRow]:
        query = "select * from files where 1=1"
        params: list[str] = []
        if status:
            query += " and status = ?"
            params.append(status)
        if source:
            query += " and source = ?"
            params.append(source)
        query += " order by processed_at, landing_path"
        return [_to_row(r) for r in self._conn.execute(query, params)]

    def committed_shas(self) -> set[str]:
        return {r[0] for r in self._conn.execute("select sha256 from files")}

    def ingested_shas(self) -> set[str]:
        return {
            r[0] for r in self._conn.execute("select sha256 from files where status='ingested'")
        }

    def seen_paths(self) -> set[str]:
        return {r[0] for r in self._conn.execute("select landing_path from sightings")}

    def record(self, row: LedgerRow, *, seen_at: str) -> None:
        """Commit a file's outcome and its sighting in one transaction."""
        values = row.to_dict()
        values["outputs"] = json.dumps(row.outputs)
        values["reason"] = json.dumps(row.reason) if row.reason is not None else None
        columns = ", ".join(values)
        marks = ", ".join(f":{c}" for c in values)
        with self.transaction() as conn:
            conn.execute(f"insert or replace into files ({columns}) values ({marks})", values)
            self._sight(conn, row.landing_path, row.sha256, row.batch_id, seen_at, row.status)

    def record_sighting(
        self, landing_path: str, sha256: str, batch_id: str, seen_at: str, outcome: str
    ) -> None:
        with self.transaction() as conn:
            self._sight(conn, landing_path, sha256, batch_id, seen_at, outcome)

    @staticmethod
    def _sight(
        conn: sqlite3.Connection, path: str, sha: str, batch: str, seen_at: str, outcome: str
    ) -> None:
        conn.execute(
            "insert or replace into sightings values (?, ?, ?, ?, ?)",
            (path, sha, batch, seen_at, outcome),
        )

    def start_batch(self, batch_id: str, started_at: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "insert into batches (batch_id, started_at) values (?, ?)", (batch_id, started_at)
            )

    def finish_batch(self, batch_id: str, finished_at: str, summary: dict[str, Any]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "update batches set finished_at = ?, summary = ? where batch_id = ?",
                (finished_at, json.dumps(summary, default=str), batch_id),
            )


def _to_row(row: sqlite3.Row) -> LedgerRow:
    data = dict(row)
    data["outputs"] = json.loads(data["outputs"] or "[]")
    data["reason"] = json.loads(data["reason"]) if data["reason"] else None
    return LedgerRow(**data)
