"""The shop's application database: one consistent snapshot, one Parquet file per table.

What lands, per run: `<table>_<YYYYMMDDTHHMMSSffffffZ>.parquet` for each of the application's
eight tables (`lake/contracts/shop_db.py`, schema `lake/sandbox/shop/app_schema.sql`), typed
as the schema says, rows in primary-key order; the landing metadata carries the run's
`snapshot_id`, `mode` (full/incremental), the table's watermark before and after the run and
the overlap. The database is only read: PostgreSQL is attached read-only and read in one
REPEATABLE READ transaction; SQLite is read from a consistent backup copy.

Incremental (watermarks per table in the extract state, `_state/extract/shop_db.json`, saved
only after a successful run): customers, sellers, products and orders where `updated_at` >=
watermark - overlap; order items and payments whole for every order read this run (their
`updated_at` moved), so an order's lines are its complete current set and deleted lines are
noticed; reviews where `created_at` or `answered_at` >= its watermark - overlap; categories in
full. The first run (no watermark) reads everything.

Configuration:
- `LAKE_SHOP_DB_URL`: `postgresql://user[:password]@host[:port]/db` or `sqlite:///path`;
- `LAKE_SHOP_DB_OVERLAP_MINUTES` (default 60): how far before the watermark to re-read;
- `LAKE_SHOP_DB_CONNECT_ATTEMPTS` (5) and `LAKE_SHOP_DB_RETRY_SECONDS` (2, doubling): a
  database refusing connections is retried with backoff, then the run fails clearly;
  `LAKE_SHOP_DB_CONNECT_TIMEOUT` (10 s) bounds one attempt (SQLite: the wait for a lock);
- `LAKE_SHOP_DB_DUMP=daily|weekly|manual` (or `lake extract shop_db --dump --frequency ...`):
  also write a full logical dump to `db_dumps/<frequency>/<app>_backup_<stamp>.sql` with its
  checksum (`lake db restore` loads one); `LAKE_SHOP_DB_APP` names the app (default `shop`).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from extract._base import (
    ConfigError,
    ExtractContext,
    ExtractError,
    Extractor,
    SourceUnavailableError,
)
from lake.contracts.shop_db import PER_ORDER, TABLES, Table
from lake.db.connect import (
    ConnectPolicy,
    DatabaseUnavailableError,
    DatabaseUrl,
    attach_postgres,
    attach_sqlite,
    sqlite_backup,
    with_retries,
)
from lake.db.dumps import FREQUENCIES, dump_database
from lake.errors import ValidationError

ALIAS = "app"
DEFAULT_OVERLAP_MINUTES = 60


@dataclass(frozen=True)
class Settings:
    url: DatabaseUrl
    overlap: timedelta
    policy: ConnectPolicy
    dump: str | None
    app: str

    @classmethod
    def from_context(cls, ctx: ExtractContext) -> Settings:
        raw_url = ctx.setting("URL")
        if not raw_url:
            raise ConfigError(
                "shop_db: LAKE_SHOP_DB_URL is not set",
                "set it to postgresql://user@host:port/dbname (or sqlite:///path for the demo)",
            )
        try:
            url = DatabaseUrl.parse(raw_url)
            dump = (ctx.setting("DUMP") or "").strip() or None
            if dump is not None and dump not in FREQUENCIES:
                raise ValidationError(
                    f"LAKE_SHOP_DB_DUMP={dump!r}", f"use one of {', '.join(FREQUENCIES)}"
                )
            return cls(
                url=url,
                overlap=timedelta(minutes=_number(ctx, "OVERLAP_MINUTES", DEFAULT_OVERLAP_MINUTES)),
                policy=ConnectPolicy(
                    attempts=max(1, int(_number(ctx, "CONNECT_ATTEMPTS", 5))),
                    delay=_number(ctx, "RETRY_SECONDS", 2.0),
                    timeout=max(1.0, _number(ctx, "CONNECT_TIMEOUT", 10.0)),
                ),
                dump=dump,
                app=ctx.setting("APP") or "shop",
            )
        except ValidationError as exc:
            raise ConfigError(f"shop_db: {exc.message}", exc.hint) from exc


def _number(ctx: ExtractContext, name: str, default: float) -> float:
    value = ctx.setting(name)
    if value is None or not value.strip():
        return float(default)
    try:
        number = float(value)
    except ValueError as exc:
        raise ConfigError(f"LAKE_SHOP_DB_{name}={value!r} is not a number", "fix it") from exc
    if number < 0:
        raise ConfigError(f"LAKE_SHOP_DB_{name}={value!r} is negative", "give 0 or more")
    return number


@dataclass(frozen=True)
class TableRead:
    """One table's file of this run and its bookkeeping (the landing metadata)."""

    table: Table
    path: Path
    rows: int
    watermark_from: dict[str, str | None]
    watermark: dict[str, str | None]
    mode: str

    def metadata(self, snapshot_id: str, overlap: timedelta, url: DatabaseUrl) -> dict[str, Any]:
        return {
            "snapshot_id": snapshot_id,
            "table": self.table.name,
            "mode": self.mode,
            "rows": self.rows,
            "watermark_from": self.watermark_from,
            "watermark": self.watermark,
            "overlap_minutes": int(overlap.total_seconds() // 60),
            "database": url.display,
        }


# ---------------------------------------------------------------------------- reading


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _typed_select(table: Table) -> str:
    columns = ", ".join(f"cast({c} as {kind}) as {c}" for c, kind in table.types.items())
    return f"select {columns} from {ALIAS}.{table.name}"


def _where(table: Table, previous: Mapping[str, str | None], overlap: timedelta) -> str:
    """The incremental filter (empty: every row)."""
    minutes = int(overlap.total_seconds() // 60)
    conditions = [
        f"{column} >= {_literal(value)}::timestamp - interval {minutes} minute"
        for column, value in previous.items()
        if value
    ]
    if not conditions or len(conditions) < len(table.incremental):
        return ""  # a watermark is missing: read the table whole
    return "where " + " or ".join(conditions)


def _copy(con: duckdb.DuckDBPyConnection, relation: str, table: Table, path: Path, sid: str) -> int:
    order = ", ".join(table.primary_key)
    con.execute(
        f"copy (select * from {relation} order by {order}) to {_literal(str(path))} "
        f"(format parquet, kv_metadata {{snapshot_id: {_literal(sid)}}})"
    )
    return int(con.execute(f"select count(*) from {relation}").fetchone()[0])  # type: ignore[index]


def _watermark(
    con: duckdb.DuckDBPyConnection, relation: str, table: Table, previous: Mapping[str, Any]
) -> dict[str, str | None]:
    if not table.incremental:
        return {}
    maxima = ", ".join(f"max({c})::varchar" for c in table.incremental)
    found = con.execute(f"select {maxima} from {relation}").fetchone() or ()
    return {
        column: (value if value is not None else previous.get(column))
        for column, value in zip(table.incremental, found, strict=True)
    }


def read_tables(
    con: duckdb.DuckDBPyConnection,
    previous: Mapping[str, Mapping[str, str | None]],
    overlap: timedelta,
    workdir: Path,
    snapshot_id: str,
) -> list[TableRead]:
    """Read every table in one transaction on the attached database `app`."""
    stamp = snapshot_id.replace("-", "").replace(":", "").replace(".", "")
    reads: list[TableRead] = []
    con.execute("begin transaction")
    for table in TABLES:
        before = dict(previous.get(table.name, {}))
        relation = f"_{table.name}"
        if table.name in PER_ORDER:
            full = reads_by_name(reads)["orders"].mode == "full"
            where = "" if full else "where order_id in (select order_id from _orders)"
            mode = "full" if full else "incremental"
        else:
            where = _where(table, before, overlap) if table.incremental else ""
            mode = "incremental" if where else "full"
        select = f"select * from ({_typed_select(table)}) {where}"
        try:
            con.execute(f"create temp table {relation} as {select}")
        except duckdb.ConversionException as exc:
            raise ExtractError(
                f"shop_db: table {table.name} holds a value its schema's type does not allow: "
                f"{str(exc).splitlines()[0]}",
                "the application wrote a malformed value (SQLite does not enforce types): "
                "fix the row in the application's database, then extract again",
            ) from exc
        path = workdir / f"{table.name}_{stamp}.parquet"
        rows = _copy(con, relation, table, path, snapshot_id)
        watermark = _watermark(con, relation, table, before)
        reads.append(TableRead(table, path, rows, before, watermark, mode))
    con.execute("commit")
    return reads


def reads_by_name(reads: list[TableRead]) -> dict[str, TableRead]:
    return {read.table.name: read for read in reads}


def snapshot(
    settings: Settings,
    previous: Mapping[str, Mapping[str, str | None]],
    workdir: Path,
    snapshot_id: str,
    on_retry: Any = None,
) -> list[TableRead]:
    """Connect (with retries), then read every table (`read_tables`)."""
    con = duckdb.connect()
    try:
        if settings.url.kind == "postgresql":
            with_retries(
                settings.url,
                settings.policy,
                lambda: attach_postgres(con, settings.url, ALIAS, settings.policy.timeout),
                on_retry,
            )
        else:
            copy = workdir / "snapshot.sqlite"
            with_retries(
                settings.url,
                settings.policy,
                lambda: sqlite_backup(settings.url, copy, settings.policy.timeout),
                on_retry,
            )
            attach_sqlite(con, copy, ALIAS)
        return read_tables(con, previous, settings.overlap, workdir, snapshot_id)
    finally:
        con.close()


# ---------------------------------------------------------------------------- the run


async def extract(ctx: ExtractContext) -> None:
    settings = Settings.from_context(ctx)
    previous: dict[str, dict[str, str | None]] = dict(ctx.previous_cursor.get("watermarks", {}))
    snapshot_id = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def retrying(attempt: int, delay: float, exc: Exception) -> None:
        ctx.log.info("database_refused", attempt=attempt, retry_in_s=delay, error=str(exc)[:200])

    ctx.paths.tmp.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="shop_db-", dir=ctx.paths.tmp))
    try:
        try:
            reads = await asyncio.to_thread(
                snapshot, settings, previous, workdir, snapshot_id, retrying
            )
        except DatabaseUnavailableError as exc:
            raise SourceUnavailableError(f"shop_db: {exc.message}", exc.hint) from exc
        for read in reads:
            await ctx.land(
                read.path.name,
                read.path,
                "parquet",
                url=settings.url.display,
                dataset=read.table.name,
                extra=read.metadata(snapshot_id, settings.overlap, settings.url),
            )
        ctx.log.info(
            "snapshot",
            snapshot_id=snapshot_id,
            **{read.table.name: read.rows for read in reads},
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    ctx.cursor = {
        "snapshot_id": snapshot_id,
        "watermarks": {r.table.name: r.watermark for r in reads if r.table.incremental},
    }
    if settings.dump:
        await _dump(ctx, settings)


async def _dump(ctx: ExtractContext, settings: Settings) -> None:
    try:
        dump = await asyncio.to_thread(
            dump_database,
            settings.url,
            ctx.paths.db_dumps,
            settings.app,
            settings.dump or "manual",
            policy=settings.policy,
        )
    except DatabaseUnavailableError as exc:
        raise SourceUnavailableError(f"shop_db dump: {exc.message}", exc.hint) from exc
    ctx.log.info("dumped", path=str(dump.path), bytes=dump.size, sha256=dump.sha256)


EXTRACTOR = Extractor(
    name="shop_db",
    kind="database",
    version="1.0.0",
    run=extract,
    default_base_url="",
    description="The shop's application database (PostgreSQL, or SQLite for the demo).",
)
