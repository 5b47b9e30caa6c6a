"""Reaching an application database: its URL, DuckDB attached to it read-only, retries.

Two kinds of URL are understood:

- `postgresql://user[:password]@host[:port]/dbname[?...]` (also `postgres://`): the
  production case. DuckDB's postgres extension attaches it `READ_ONLY`; every table read in
  one DuckDB transaction shares one PostgreSQL transaction at REPEATABLE READ (the
  extension's default isolation level, asked for explicitly here), so the tables are one
  consistent snapshot.
- `sqlite:///absolute/path` (or `sqlite:///relative/path`): the demo. The file is first copied
  with SQLite's online backup (a consistent copy, even while the application writes), and
  DuckDB's sqlite extension reads the copy.

A database that refuses connections (down, restarting, locked) is retried with exponential
backoff (`ConnectPolicy`); when it still refuses, `DatabaseUnavailableError` says so.
Passwords never appear in messages (`DatabaseUrl.display`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar
from urllib.parse import urlsplit, urlunsplit

import duckdb

from lake.duckdb_extensions import load_extension
from lake.errors import LakeError, ValidationError

T = TypeVar("T")
Kind = Literal["postgresql", "sqlite"]
PG_BIN_ENV = "LAKE_PG_BIN"


class DatabaseUnavailableError(LakeError):
    """The application database refused every connection attempt."""

    hint = "check that the database is up and reachable (the URL, the network, its load)"


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed database URL."""

    kind: Kind
    url: str
    path: Path | None = None  # sqlite only

    @classmethod
    def parse(cls, text: str) -> DatabaseUrl:
        value = text.strip()
        scheme = value.split(":", 1)[0].lower()
        if scheme in ("postgresql", "postgres"):
            parts = urlsplit(value)
            if not parts.hostname and "host=" not in parts.query:
                raise ValidationError(
                    f"{cls._redact(value)} names no host", "write postgresql://user@host/db"
                )
            return cls("postgresql", value)
        if scheme == "sqlite":
            if not value.startswith("sqlite:///") or len(value) <= len("sqlite:///"):
                raise ValidationError(
                    f"{value!r} is not a SQLite URL",
                    "write sqlite:///<path to the database file> (three slashes, then the path)",
                )
            raw = value[len("sqlite:///") :]
            return cls("sqlite", value, Path(raw))
        raise ValidationError(
            f"unsupported database URL {cls._redact(value)!r}",
            "use postgresql://user@host:port/dbname or sqlite:///path/to/file",
        )

    @staticmethod
    def _redact(text: str) -> str:
        parts = urlsplit(text)
        if parts.password is None:
            return text
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))

    @property
    def display(self) -> str:
        """The URL without its password."""
        return self._redact(self.url)

    @property
    def sqlite_path(self) -> Path:
        if self.path is None:
            raise ValidationError(f"{self.display} is not a SQLite database")
        return self.path


@dataclass(frozen=True)
class ConnectPolicy:
    """How long to keep trying a database that refuses connections: `attempts` tries,
    waiting `delay`, then twice that, ... (capped at `max_delay`) between them."""

    attempts: int = 5
    delay: float = 2.0
    max_delay: float = 30.0
    timeout: float = 10.0  # seconds one connection attempt may take

    def delays(self) -> list[float]:
        return [min(self.delay * 2**i, self.max_delay) for i in range(self.attempts - 1)]


def with_retries(
    url: DatabaseUrl,
    policy: ConnectPolicy,
    connect: Callable[[], T],
    on_retry: Callable[[int, float, Exception], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """`connect()`, retried with backoff while the database refuses; then a clear error."""
    delays = policy.delays()
    errors: list[str] = []
    for attempt in range(policy.attempts):
        try:
            return connect()
        except (duckdb.Error, sqlite3.Error, OSError) as exc:
            if not refused(exc):
                raise
            errors.append(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
            if attempt == len(delays):
                break
            if on_retry is not None:
                on_retry(attempt + 1, delays[attempt], exc)
            sleep(delays[attempt])
    waited = sum(delays)
    raise DatabaseUnavailableError(
        f"the database at {url.display} refused {policy.attempts} connection attempts over "
        f"{waited:.0f} s; last error: {errors[-1] if errors else 'unknown'}"
    )


_REFUSED = (
    "could not connect",
    "connection refused",
    "unable to connect",
    "database is locked",
    "database system is starting up",
    "database system is shutting down",
    "the database system is in recovery mode",
    "too many connections",
    "timeout expired",
    "server closed the connection",
    "no such file or directory",
    "unable to open database file",
)


def refused(exc: BaseException) -> bool:
    """True for the errors of a database that is not answering (worth retrying)."""
    text = str(exc).lower()
    return any(marker in text for marker in _REFUSED)


def attach_postgres(
    con: duckdb.DuckDBPyConnection, url: DatabaseUrl, alias: str, timeout: float = 10.0
) -> None:
    """Attach the PostgreSQL database read-only, at REPEATABLE READ; a connection attempt
    gives up after `timeout` seconds (libpq's `connect_timeout`, unless the URL sets one)."""
    load_extension(con, "postgres")
    target = url.url
    if "connect_timeout=" not in target:
        target += ("&" if "?" in target else "?") + f"connect_timeout={max(1, int(timeout))}"
    literal = "'" + target.replace("'", "''") + "'"
    con.execute(
        f"attach {literal} as {alias} (type postgres, read_only, isolation_level 'REPEATABLE READ')"
    )


def sqlite_backup(url: DatabaseUrl, target: Path, timeout: float) -> None:
    """A consistent copy of the SQLite database at `target` (SQLite's online backup),
    opened read-only: the application's file is never written."""
    source_path = url.sqlite_path
    if not source_path.is_file():
        raise sqlite3.OperationalError(f"unable to open database file {source_path}")
    source = sqlite3.connect(
        read_only_uri(source_path), uri=True, timeout=timeout, isolation_level=None
    )
    try:
        # a read transaction first: its shared lock is refused ("database is locked") after
        # `timeout` while another process holds the database, where the backup would wait
        # forever; held, it keeps writers out until the copy is done
        source.execute("begin")
        source.execute("select count(*) from sqlite_master").fetchone()
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()


def read_only_uri(path: Path) -> str:
    """The SQLite URI that opens `path` read-only."""
    return path.resolve().as_uri() + "?mode=ro"


def attach_sqlite(con: duckdb.DuckDBPyConnection, path: Path, alias: str) -> None:
    """Attach a SQLite file read-only, every column as text (cast by the reader)."""
    load_extension(con, "sqlite")
    con.execute("set sqlite_all_varchar = true")
    literal = "'" + str(path).replace("'", "''") + "'"
    con.execute(f"attach {literal} as {alias} (type sqlite, read_only)")


def pg_tool(name: str) -> Path:
    """A PostgreSQL client program (`pg_dump`, `psql`): `LAKE_PG_BIN`, else the newest
    Debian install under /usr/lib/postgresql/<version>/bin, else PATH."""
    configured = os.environ.get(PG_BIN_ENV, "").strip()
    candidates = [Path(configured) / name] if configured else []
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted(
            (p for p in debian.iterdir() if p.name.isdigit()), key=lambda p: int(p.name)
        )
        candidates += [v / "bin" / name for v in reversed(versions)]
    found = shutil.which(name)
    candidates += [Path(found)] if found else []
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise LakeError(
        f"PostgreSQL's {name} is not installed",
        f"install Debian's postgresql-client (make setup does), or set {PG_BIN_ENV} to the "
        "folder that holds it",
    )
