"""A real PostgreSQL server for a test suite: Debian's `postgresql`, on loopback, in a
temporary data directory, stopped (and removed) afterwards.

```python
from tests.support.postgres import postgres_server  # a session-scoped pytest fixture

def test_x(postgres_server):
    url = postgres_server.create_database("shop")   # postgresql://postgres@127.0.0.1:<port>/shop
    postgres_server.psql("shop", "create table t (a int)")
```

Import the fixture into a suite's `conftest.py` (`from tests.support.postgres import
postgres_server  # noqa: F401`). The server refuses to run as root: as root it runs as the
`postgres` user (`runuser`). Missing binaries fail the test with what to install (`make setup`
installs Debian's postgresql); they are never a reason to skip.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from lake.db.connect import pg_tool


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One running cluster; `url(db)` to reach a database, `psql(db, sql)` to change it."""

    def __init__(self) -> None:
        self.port = _free_port()
        self._root = Path(tempfile.mkdtemp(prefix="lake-test-postgres-"))
        self.data = self._root / "data"
        self.log = self._root / "server.log"
        self._as_root = os.geteuid() == 0
        self._started = False

    def _command(self, *args: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self._as_root else list(args)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            self._command(*args), capture_output=True, text=True, check=False, timeout=120
        )
        if completed.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(args[:2])} failed ({completed.returncode}): "
                f"{completed.stderr.strip()} {log}"
            )
        return completed

    def start(self) -> PostgresServer:
        if self._as_root:
            account = pwd.getpwnam("postgres")
            os.chown(self._root, account.pw_uid, account.pw_gid)
        self._run(
            str(pg_tool("initdb")),
            "-D",
            str(self.data),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self._root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(pg_tool("pg_ctl")),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        self._started = True
        return self

    def stop(self) -> None:
        if self._started:
            self._run(str(pg_tool("pg_ctl")), "-D", str(self.data), "-m", "fast", "-w", "stop")
            self._started = False
        shutil.rmtree(self._root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, database: str, sql: str, *, transaction: bool = True) -> str:
        """Run `sql` (one transaction unless told otherwise, stop at the first error);
        returns psql's output."""
        completed = subprocess.run(
            [
                str(pg_tool("psql")),
                "--no-psqlrc",
                "-q",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                *(["--single-transaction"] if transaction else []),
                f"--dbname={self.url(database)}",
            ],
            input=sql,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"psql failed on {database}: {completed.stderr.strip()}")
        return completed.stdout

    def create_database(self, name: str) -> str:
        """A new empty database; returns its URL."""
        self.psql("postgres", f'create database "{name}"', transaction=False)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.psql("postgres", f'drop database if exists "{name}" with (force)', transaction=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session (stopped at its end)."""
    server = PostgresServer()
    try:
        server.start()
    except Exception:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()
