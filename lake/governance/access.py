"""Role connections: the role's database, read-only, with DuckDB's hardening.

`open_role(paths, role)` checks the user may take the role (refusal logged), opens an
in-memory DuckDB, attaches `warehouse/roles/<role>.duckdb` read-only (with the key when
encrypted) as the default catalog, allows only the role's own paths, turns external access
off (no other file, no `ATTACH`, no `COPY ... TO`, no extension install or load), disables
extension autoloading and locks the configuration. `RoleConnection.query(sql)` runs one
statement (interrupted past the role's `max_seconds`) and appends it to `logs/access.jsonl`
(user, role, when, SQL, rows returned, refused or not).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from lake.config import LakePaths
from lake.errors import LakeError, NotFoundError
from lake.governance import logs, role_dbs
from lake.governance.roles import ENCRYPTED_ROLE, Role, authorize, current_user


class QueryRefusedError(LakeError):
    """DuckDB refused the statement (not granted, or forbidden by the hardening)."""

    hint = "a role reads only its own database; ask a data engineer for anything else"


class QueryTimeoutError(QueryRefusedError):
    hint = "narrow the query, or ask for a role without a time limit"


@dataclass
class RoleConnection:
    con: duckdb.DuckDBPyConnection
    paths: LakePaths
    role: Role
    user: str

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run `sql`; (column names, rows). Logged, refused or not."""
        timer = _timer(self.con, self.role.max_seconds)
        try:
            relation = self.con.execute(sql)
            rows = relation.fetchall() if relation.description else []
            columns = [d[0] for d in relation.description or []]
        except duckdb.InterruptException as error:
            self._log(sql, None, refused=True, error="timeout")
            raise QueryTimeoutError(
                f"the query ran longer than {self.role.max_seconds} s"
            ) from error
        except duckdb.Error as error:
            self._log(sql, None, refused=True, error=str(error).splitlines()[0])
            raise QueryRefusedError(str(error).splitlines()[0]) from error
        finally:
            if timer is not None:
                timer.cancel()
        self._log(sql, len(rows), refused=False)
        return columns, rows

    def arrow(self, sql: str) -> Any:
        """The result as a pyarrow Table (for exports); logged like `query`."""
        try:
            table = self.con.execute(sql).to_arrow_table()
        except duckdb.Error as error:
            self._log(sql, None, refused=True, error=str(error).splitlines()[0])
            raise QueryRefusedError(str(error).splitlines()[0]) from error
        self._log(sql, table.num_rows, refused=False)
        return table

    def _log(self, sql: str, rows: int | None, *, refused: bool, error: str | None = None) -> None:
        logs.append(
            logs.access_log(self.paths),
            {
                "at": logs.now_iso(),
                "user": self.user,
                "role": self.role.name,
                "sql": sql,
                "rows": rows,
                "refused": refused,
                "error": error,
            },
        )

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> RoleConnection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _timer(con: duckdb.DuckDBPyConnection, seconds: float | None) -> threading.Timer | None:
    if not seconds:
        return None
    timer = threading.Timer(float(seconds), con.interrupt)
    timer.daemon = True
    timer.start()
    return timer


def log_refusal(paths: LakePaths, role: str, user: str, sql: str | None, reason: str) -> None:
    logs.append(
        logs.access_log(paths),
        {
            "at": logs.now_iso(),
            "user": user,
            "role": role,
            "sql": sql,
            "rows": None,
            "refused": True,
            "error": reason,
        },
    )


def open_role(
    paths: LakePaths,
    role_name: str,
    *,
    user: str | None = None,
    sql: str | None = None,
    workspace: Path | None = None,
) -> RoleConnection:
    """A hardened read-only connection on the role's database (see the module docstring).
    With `workspace`, the default database is that writable scratch file instead and the
    role's database is attached read-only as `lake`."""
    who = user or current_user()
    try:
        role = authorize(role_name, who)
    except LakeError as error:
        log_refusal(paths, role_name, who, sql, str(error.message))
        raise
    db = role_dbs.role_db(paths, role.name)
    if not db.exists():
        raise NotFoundError(
            f"role {role.name} has no database yet ({db})", "run `lake publish` (or `lake run`)"
        )
    target = str(workspace) if workspace else ":memory:"
    con = duckdb.connect(target, config=role_dbs.connection_config())
    try:
        _attach_role(con, paths, role, db, alias="lake" if workspace else "role_db")
        if not workspace:
            con.execute("use role_db")
        _harden(con, paths, role, workspace)
    except BaseException:
        con.close()
        raise
    return RoleConnection(con=con, paths=paths, role=role, user=who)


def _attach_role(
    con: duckdb.DuckDBPyConnection, paths: LakePaths, role: Role, db: Path, alias: str
) -> None:
    if role.name == ENCRYPTED_ROLE:
        role_dbs.attach_encrypted(con, paths, db, alias, read_only=True)
    else:
        quoted = str(db).replace("'", "''")
        con.execute(f"attach '{quoted}' as {alias} (read_only)")


def _harden(
    con: duckdb.DuckDBPyConnection, paths: LakePaths, role: Role, workspace: Path | None
) -> None:
    allowed = [str(paths.root / p) + "/" for p in role.paths]
    if workspace is not None:
        allowed.append(str(workspace.parent) + "/")
    if allowed:
        con.execute("set allowed_directories = ?", [allowed])
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
