"""The governance commands of `lake`: query, workspace, export, retention, erase, backup,
restore (one function each; registered in pyproject's `lake.commands`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from lake.cli_options import JsonFlag, RootOption, compact_table, console, emit, fail, lake_paths
from lake.errors import LakeError

RoleOption = Annotated[str, typer.Option("--role", help="The role to take (roles.toml).")]
ConfirmFlag = Annotated[bool, typer.Option("--confirm", help="Do it (default: only say what).")]
NowOption = Annotated[
    datetime | None,
    typer.Option("--now", help="Pretend it is this UTC time (tests, audits of a past day)."),
]


def _now(given: datetime | None) -> datetime:
    return (given or datetime.now(UTC)).replace(tzinfo=UTC)


def _print_rows(columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    table = compact_table(*columns)
    for row in rows[:200]:
        table.add_row(*(escape(str(v)) for v in row))
    console.print(table)
    if len(rows) > 200:
        console.print(f"({len(rows)} rows; the first 200 shown, --json has all)")


def query_command(
    sql: Annotated[str, typer.Argument(help="One SQL statement.")],
    role: RoleOption,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Query the role's read-only database (logged in logs/access.jsonl)."""
    from lake.governance.access import open_role

    paths = lake_paths(root)
    try:
        with open_role(paths, role, sql=sql) as con:
            columns, rows = con.query(sql)
    except LakeError as error:
        raise fail(error, code=1) from error
    if as_json:
        emit([dict(zip(columns, row, strict=True)) for row in rows])
    else:
        _print_rows(columns, rows)


def workspace_command(
    user: Annotated[str, typer.Argument(help="The person or agent.")],
    project: Annotated[str, typer.Argument(help="A project name.")],
    role: RoleOption = "data_scientist",
    sql: Annotated[str | None, typer.Option("--sql", help="Run one statement in it.")] = None,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """A writable scratch DuckDB under workspace/USER/PROJECT/ seeing ROLE's database as `lake`."""
    from lake.governance.roles import authorize, current_user
    from lake.governance.workspace import open_workspace

    paths = lake_paths(root)
    try:
        authorize(role, current_user())
        with open_workspace(paths, user, project, role) as con:
            columns, rows = con.query(sql) if sql else ([], [])
            path = str(
                con.con.execute(
                    "select path from duckdb_databases() where database_name = current_database()"
                ).fetchone()[0]
            )  # type: ignore[index]
    except LakeError as error:
        raise fail(error, code=1) from error
    if as_json:
        emit({"workspace": path, "role": role, "rows": [list(r) for r in rows]})
        return
    console.print(f"workspace {escape(path)} (role {role}; its database attached as `lake`)")
    if sql:
        _print_rows(columns, rows)


def export_command(
    model: Annotated[str | None, typer.Argument(help="MODEL or SCHEMA.MODEL.")] = None,
    query: Annotated[str | None, typer.Option("--query", help="SQL instead of a model.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, parquet or json.")] = "csv",
    output: Annotated[Path, typer.Option("--output", help="The file to write.")] = Path("out"),
    role: Annotated[str | None, typer.Option("--role", help="Read the role's database.")] = None,
    root: RootOption = None,
) -> None:
    """Export a model or a query's result (masked published database unless --role)."""
    from lake.governance.export import export

    paths = lake_paths(root)
    try:
        rows = export(paths, output=output, fmt=fmt, model=model, query=query, role=role)
    except LakeError as error:
        raise fail(error, code=1) from error
    console.print(f"wrote {rows} rows to {escape(str(output))}")


def retention_command(
    apply: Annotated[bool, typer.Option("--apply", help="Do it (default: a dry run).")] = False,
    now: NowOption = None,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """What the retention policies expire (dry run); --apply removes or archives it, audited."""
    from lake.governance import retention
    from lake.governance.policies import load_policies

    paths = lake_paths(root)
    try:
        policies = load_policies()
        moment = _now(now)
        actions = (retention.apply if apply else retention.plan)(paths, policies, moment)
    except LakeError as error:
        raise fail(error, code=1) from error
    if as_json:
        emit({"applied": apply, "actions": [a.to_dict() for a in actions]})
        return
    table = compact_table("action", "path", "policy", "why")
    for action in actions:
        table.add_row(action.action, escape(action.path), action.policy, escape(action.reason))
    console.print(table if actions else "nothing has expired")
    if actions and not apply:
        console.print("dry run: `lake retention --apply` does it")


def erase_command(
    subject: Annotated[str, typer.Option("--subject", help="KIND:ID, e.g. customer:abc123")],
    confirm: ConfirmFlag = False,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Erase a data subject's personal data everywhere (lists what it would change first)."""
    from lake.governance.erasure import erase
    from lake.governance.policies import load_policies

    paths = lake_paths(root)
    try:
        result = erase(paths, subject, load_policies(), confirm=confirm)
    except LakeError as error:
        raise fail(error, code=1) from error
    if as_json:
        emit(result.to_dict())
        return
    verb = "changed" if confirm else "would change"
    console.print(
        f"{subject}: {result.values_found} personal values; {verb} {len(result.files)} files"
    )
    for path in result.files:
        console.print(f"  {escape(path)}")
    if not confirm:
        console.print("run again with --confirm to erase")


def backup_command(
    frequency: Annotated[
        str, typer.Option("--frequency", help="daily, weekly or manual.")
    ] = "manual",
    to: Annotated[Path | None, typer.Option("--to", help="Where (default db_dumps/).")] = None,
    wait: Annotated[float, typer.Option("--wait", min=0)] = 0.0,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """A consistent, checksummed backup of the lake (landing, published database, state)."""
    from lake.governance.backup import backup

    paths = lake_paths(root)
    try:
        result = backup(paths, frequency=frequency, to=to, wait=wait)
    except LakeError as error:
        raise fail(error, code=1) from error
    payload = {
        "path": str(result.path),
        "files": result.files,
        "bytes": result.bytes,
        "rotated": result.removed,
    }
    if as_json:
        emit(payload)
        return
    console.print(f"backup {escape(str(result.path))}: {result.files} files, {result.bytes} bytes")


def restore_command(
    path: Annotated[Path, typer.Argument(help="A lake_backup_<stamp> folder.")],
    confirm: ConfirmFlag = False,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Verify a backup, then (--confirm) replace the lake with it atomically."""
    from lake.config import LakePaths
    from lake.governance.backup import restore

    paths = LakePaths.from_env(root)
    try:
        result = restore(paths, path, confirm=confirm)
    except LakeError as error:
        raise fail(error, code=1) from error
    if as_json:
        emit(result)
        return
    if confirm:
        console.print(f"restored {result['files']} files into {escape(str(paths.root))}")
    else:
        console.print(
            f"backup verified ({result['files']} files); --confirm replaces "
            f"{escape(str(paths.root))} with it"
        )
