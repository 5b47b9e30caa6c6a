"""The landing index: one SQLite file (`<root>/_state/landing_index.sqlite`) that serves
list, retrieve-by-id, search and stats without walking the landing folder.

It is a cache: every row comes from a sidecar record (see `rebuild.py`), so the file can be
deleted at any time. WAL mode and a busy timeout let several processes write; every write is
one `BEGIN IMMEDIATE` transaction.

Tables:
- `versions`: one row per version file, with `latest` (newest version of its entry) and
  `deleted` (the entry has a tombstone) flags; list and search only show rows with
  `latest = 1 and deleted = 0`.
- `search`: an FTS5 table (contentless: it keeps the token index, not the text) whose rowid is
  the `versions` rowid, with columns `name`, `meta` (source, data type, folder, metadata keys
  and values) and `body` (the first 1 MiB of text content). Ranked with BM25, name matches
  weighing most.

Tokenizer: `unicode61 remove_diacritics 2` with its default separators. Punctuation such as
`_`, `.`, `-` splits tokens, so `dk_bank_details_x.tsv` is indexed as `dk bank details x tsv`;
a query `bank_details` becomes the phrase `bank details` (see `query.py`) and matches it, and so
does `bank` alone. `trigram` would also find arbitrary substrings, but it triples the index,
cannot match queries shorter than three characters and ranks worse; `tokenchars '_.'` would
keep `dk_bank_details_x.tsv` as one token that `bank_details` cannot find.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lake.landing.entry import Entry, LandingStats, Totals
from lake.landing.layout import folder_of
from lake.landing.query import Mode, match_expression

SCHEMA_VERSION = "1"
TOKENIZER = "unicode61 remove_diacritics 2"
BM25_WEIGHTS = (10.0, 4.0, 1.0)  # name, meta, body
BUSY_TIMEOUT_MS = 60_000

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    data_type TEXT NOT NULL,
    source TEXT NOT NULL,
    metadata TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE,
    folder TEXT NOT NULL,
    latest INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    UNIQUE (id, version)
);
CREATE INDEX IF NOT EXISTS versions_current ON versions (latest, deleted, folder);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (
    name, meta, body, content = '', tokenize = '{TOKENIZER}'
);
"""

_COLUMNS = (
    "v.id, v.version, v.name, v.data_type, v.source, v.metadata, v.sha256, v.size, "
    "v.created_at, v.updated_at, v.path, v.deleted"
)
_INSERT = (
    "INSERT OR IGNORE INTO versions (id, version, name, data_type, source, metadata, sha256, "
    "size, created_at, updated_at, path, folder, latest, deleted) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_FTS = "INSERT INTO search (rowid, name, meta, body) VALUES (?, ?, ?, ?)"


def _entries(rows: list[Sequence[Any]]) -> list[Entry]:
    """Entries from rows of `_COLUMNS`; the metadata of all rows is decoded in one call."""
    metadata = json.loads("[" + ",".join(row[5] for row in rows) + "]")
    return [_entry(row, meta) for row, meta in zip(rows, metadata, strict=True)]


def _entry(row: Sequence[Any], metadata: dict[str, Any]) -> Entry:
    return Entry(
        id=row[0],
        version=row[1],
        name=row[2],
        data_type=row[3],
        source=row[4],
        metadata=metadata,
        sha256=row[6],
        size=row[7],
        created_at=row[8],
        updated_at=row[9],
        path=row[10],
        deleted=bool(row[11]),
    )


def _flatten(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _flatten(item)
    elif isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    elif value is not None:
        yield str(value)


def meta_text(entry: Entry) -> str:
    """What the `meta` column indexes: source, data type, folder, metadata keys and values."""
    return " ".join(
        [entry.source, entry.data_type, folder_of(entry.path), *_flatten(entry.metadata)]
    )


def _row(entry: Entry, *, latest: bool) -> tuple[Any, ...]:
    return (
        entry.id,
        entry.version,
        entry.name,
        entry.data_type,
        entry.source,
        json.dumps(entry.metadata, sort_keys=True, ensure_ascii=False),
        entry.sha256,
        entry.size,
        entry.created_at,
        entry.updated_at,
        entry.path,
        folder_of(entry.path),
        int(latest),
        int(entry.deleted),
    )


def folder_filter(folder: str, recursive: bool) -> tuple[str, list[Any]]:
    """SQL (on alias `v`) keeping rows in `folder` (relative to landing/), or below it."""
    if not recursive:
        return "v.folder = ?", [folder]
    if folder == "":
        return "1", []
    # Everything under 'a/b/' sorts between 'a/b/' and 'a/b0' ('0' follows '/').
    return "(v.folder = ? OR (v.folder >= ? AND v.folder < ?))", [
        folder,
        folder + "/",
        folder + "0",
    ]


class LandingIndex:
    """Access to the index file; one connection per thread, closed by `close()`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._guard = threading.Lock()
        self._connections: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._generation = 0

    # -- connections -----------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        cached = getattr(self._local, "conn", None)
        if cached is not None and cached[0] == self._generation:
            return cached[1]
        conn = self._connect()
        with self._guard:
            dead = [conn for thread, conn in self._connections if not thread.is_alive()]
            self._connections = [item for item in self._connections if item[0].is_alive()]
            self._connections.append((threading.current_thread(), conn))
            self._local.conn = (self._generation, conn)
        for stale in dead:  # connections of threads that have ended (e.g. a closed pool)
            stale.close()
        return conn

    def close(self) -> None:
        """Close every connection this object opened (threads reopen on next use)."""
        with self._guard:
            self._generation += 1
            connections, self._connections = self._connections, []
        for _, conn in connections:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- health and rebuild ---------------------------------------------------------------

    def is_usable(self) -> bool:
        """True when the file holds a complete index of this schema version."""
        if not self.path.exists():
            return False
        try:
            rows = dict(self.connection().execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError:
            return False
        return rows.get("schema") == SCHEMA_VERSION and rows.get("complete") == "1"

    def reset(self) -> None:
        """Recreate an empty schema, deleting the file first when SQLite cannot read it."""
        try:
            self._drop_and_create()
        except sqlite3.DatabaseError:
            self.close()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._drop_and_create()

    def _drop_and_create(self) -> None:
        with self._write() as conn:
            for table in ("search", "versions", "meta"):
                conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn = self.connection()
        conn.executescript(_SCHEMA)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))

    def replace_all(self, rows: Iterable[tuple[Entry, bool, str]]) -> None:
        """Swap the whole content for `rows` of (entry, latest, body text), in one transaction.

        Readers in other processes see the old index until the commit.
        """
        with self._write() as conn:
            conn.execute("DELETE FROM versions")
            conn.execute("INSERT INTO search (search) VALUES ('delete-all')")
            conn.execute("DELETE FROM meta WHERE key = 'complete'")
            for entry, latest, body in rows:
                cursor = conn.execute(_INSERT, _row(entry, latest=latest))
                conn.execute(_INSERT_FTS, (cursor.lastrowid, entry.name, meta_text(entry), body))
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('complete', '1')")

    # -- writes ---------------------------------------------------------------------------

    def add(self, entry: Entry, body: str) -> None:
        """Insert one version (no-op when it is already there) and refresh the entry's flags."""
        with self._write() as conn:
            cursor = conn.execute(_INSERT, _row(entry, latest=False))
            if cursor.rowcount == 1:
                conn.execute(_INSERT_FTS, (cursor.lastrowid, entry.name, meta_text(entry), body))
            conn.execute(
                "UPDATE versions SET latest = (version = (SELECT max(version) FROM versions "
                "WHERE id = ?1)), deleted = (SELECT max(deleted) FROM versions WHERE id = ?1) "
                "WHERE id = ?1",
                (entry.id,),
            )

    def mark_deleted(self, entry_id: str) -> None:
        with self._write() as conn:
            conn.execute("UPDATE versions SET deleted = 1 WHERE id = ?", (entry_id,))

    # -- reads ----------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Entry]:
        return _entries(self.connection().execute(sql, params).fetchall())

    def get(self, entry_id: str, version: int | None = None) -> Entry | None:
        """One version of an entry (the latest when `version` is None), deleted or not."""
        if version is None:
            sql = (
                f"SELECT {_COLUMNS} FROM versions v WHERE v.id = ? ORDER BY v.version DESC LIMIT 1"
            )
            found = self._query(sql, (entry_id,))
        else:
            sql = f"SELECT {_COLUMNS} FROM versions v WHERE v.id = ? AND v.version = ?"
            found = self._query(sql, (entry_id, version))
        return found[0] if found else None

    def by_path(self, path: str) -> Entry | None:
        found = self._query(f"SELECT {_COLUMNS} FROM versions v WHERE v.path = ?", (path,))
        return found[0] if found else None

    def versions(self, entry_id: str) -> list[Entry]:
        sql = f"SELECT {_COLUMNS} FROM versions v WHERE v.id = ? ORDER BY v.version"
        return self._query(sql, (entry_id,))

    def current(self, data_type: str | None, folder: str, recursive: bool) -> list[Entry]:
        """The latest version of each live entry, filtered, ordered by path."""
        where, params = self._filters(data_type, folder, recursive)
        sql = f"SELECT {_COLUMNS} FROM versions v WHERE {where} ORDER BY v.path"
        return self._query(sql, params)

    def all_versions(self, include_deleted: bool) -> list[Entry]:
        where = "1" if include_deleted else "v.deleted = 0"
        order = "v.updated_at, v.id, v.version"
        return self._query(f"SELECT {_COLUMNS} FROM versions v WHERE {where} ORDER BY {order}")

    @staticmethod
    def _filters(data_type: str | None, folder: str, recursive: bool) -> tuple[str, list[Any]]:
        clauses = ["v.latest = 1", "v.deleted = 0"]
        params: list[Any] = []
        if data_type is not None:
            clauses.append("v.data_type = ?")
            params.append(data_type)
        folder_sql, folder_params = folder_filter(folder, recursive)
        clauses.append(folder_sql)
        params.extend(folder_params)
        return " AND ".join(clauses), params

    def search(
        self,
        pieces: list[str],
        mode: Mode,
        *,
        data_type: str | None,
        folder: str,
        recursive: bool,
        limit: int,
    ) -> list[Entry]:
        """Live latest versions matching the pieces, best BM25 score first."""
        expression = match_expression(pieces, mode)
        if not expression:
            return []
        where, params = self._filters(data_type, folder, recursive)
        weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
        sql = (
            f"SELECT {_COLUMNS} FROM search JOIN versions v ON v.rid = search.rowid "
            f"WHERE search MATCH ? AND {where} "
            f"ORDER BY bm25(search, {weights}), v.path LIMIT ?"
        )
        return self._query(sql, [expression, *params, limit])

    def stats(self) -> LandingStats:
        conn = self.connection()
        live = "latest = 1 AND deleted = 0"
        entries, size = conn.execute(
            f"SELECT count(*), coalesce(sum(size), 0) FROM versions WHERE {live}"
        ).fetchone()
        versions, version_bytes = conn.execute(
            "SELECT count(*), coalesce(sum(size), 0) FROM versions"
        ).fetchone()
        (deleted,) = conn.execute(
            "SELECT count(*) FROM versions WHERE latest = 1 AND deleted = 1"
        ).fetchone()
        return LandingStats(
            entries=entries,
            bytes=size,
            versions=versions,
            version_bytes=version_bytes,
            deleted_entries=deleted,
            by_data_type=self._totals(conn, "data_type", live),
            by_source=self._totals(conn, "source", live),
        )

    @staticmethod
    def _totals(conn: sqlite3.Connection, column: str, where: str) -> dict[str, Totals]:
        sql = (
            f"SELECT {column}, count(*), coalesce(sum(size), 0) FROM versions WHERE {where} "
            f"GROUP BY {column} ORDER BY {column}"
        )
        return {key: Totals(count, size) for key, count, size in conn.execute(sql)}
