"""The shop application's database for the demo: the shop world written to a SQLite file.

`ShopDatabase(path).write(world)` writes every table of `world` (a `ShopWorld`) into a new
SQLite file with the application's own DDL (`app_schema.sql`, the same the PostgreSQL
production database runs) and swaps it in atomically, so a reader sees the old database or
the new one, never half of one. The sandbox rewrites it whenever its today moves
(`/_admin/advance`): rows change in place as the application would change them (statuses,
`updated_at`, soft deletes, an open order's items rewritten).

Misbehaviour on request: `refuse(seconds)` makes the database refuse readers for a while
(another process holds an exclusive lock: readers get "database is locked"), as a
production database refuses connections during a failover. The lock is held by a child
process because SQLite's locks are per process: a reader in the sandbox's own process (a
test) would not see one held by a thread.

`load_sqlite` writes rows of the application's tables into a SQLite file (the tests use it).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from lake.errors import ValidationError
from lake.sandbox.shop.world import COLUMNS, TABLES, ShopWorld

SCHEMA_FILE = Path(__file__).with_name("app_schema.sql")
SHOP_DB_ENV = "LAKE_SANDBOX_SHOP_DB"

_HOLD_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("begin exclusive")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("rollback")
"""


def schema_sql() -> str:
    """The application's DDL (a copy of the fixed schema, version 1)."""
    return SCHEMA_FILE.read_text(encoding="utf-8")


def sqlite_value(value: Any) -> Any:
    """A Python value as the application stores it in SQLite (text timestamps, 0/1)."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool):
        return int(value)
    return value


def load_sqlite(
    path: Path, tables: Mapping[str, Iterable[Mapping[str, Any]]], *, create: bool = True
) -> None:
    """Write `tables` (name -> rows) into the SQLite file `path` in one transaction, after
    the application's DDL when `create`."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            if create:
                connection.executescript(schema_sql())
            for name in TABLES:
                if name not in tables:
                    continue
                columns = COLUMNS[name]
                placeholders = ", ".join("?" for _ in columns)
                connection.executemany(
                    f"insert into {name} ({', '.join(columns)}) values ({placeholders})",
                    ([sqlite_value(row.get(c)) for c in columns] for row in tables[name]),
                )
    finally:
        connection.close()


class ShopDatabase:
    """The sandbox's SQLite copy of the shop application's database."""

    def __init__(self, path: Path | None = None) -> None:
        configured = os.environ.get(SHOP_DB_ENV, "").strip()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if path is None and configured:
            path = Path(configured)
        if path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="lake-sandbox-shop-")
            path = Path(self._tmp.name) / "shop.sqlite"
        self.path = path.resolve()
        self._lock = threading.Lock()
        self._refusal: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        """The `LAKE_SHOP_DB_URL` that reads it: `sqlite:///<absolute path>`."""
        return f"sqlite:///{self.path}"

    def write(self, world: ShopWorld) -> None:
        """Replace the file with `world`'s tables (atomically; waits for a refusal to end)."""
        with self._lock:
            self._wait_refusal()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=".shop-", suffix=".sqlite", dir=self.path.parent)
            os.close(fd)
            tmp = Path(tmp_name)
            try:
                tmp.unlink()
                load_sqlite(tmp, {name: world.table(name) for name in world.table_names})
                tmp.replace(self.path)
            finally:
                tmp.unlink(missing_ok=True)

    def refuse(self, seconds: float) -> None:
        """Refuse readers for `seconds` (returns once the lock is held)."""
        if not 0 < seconds <= 600:
            raise ValidationError(f"seconds must be in (0, 600], got {seconds!r}")
        with self._lock:
            self._wait_refusal()
            if not self.path.exists():
                raise ValidationError(
                    f"the shop database {self.path} does not exist yet",
                    "write it first (GET /_admin/shop_db does)",
                )
            process = subprocess.Popen(
                [sys.executable, "-c", _HOLD_LOCK, str(self.path), str(seconds)],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert process.stdout is not None
            process.stdout.readline()  # "locked"
            self._refusal = process

    @property
    def refusing(self) -> bool:
        return self._refusal is not None and self._refusal.poll() is None

    def _wait_refusal(self) -> None:
        if self._refusal is not None:
            self._refusal.wait()
            if self._refusal.stdout is not None:
                self._refusal.stdout.close()
            self._refusal = None

    def close(self) -> None:
        """End a refusal now and remove a temporary database."""
        with self._lock:
            if self._refusal is not None and self._refusal.poll() is None:
                self._refusal.terminate()
            self._wait_refusal()
            if self._tmp is not None:
                self._tmp.cleanup()
