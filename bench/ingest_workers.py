"""The measurements of bench/ingest_bench.py, each run in a fresh interpreter by it:

    python bench/ingest_workers.py generate|ingest|duckdb 'JSON PARAMS'

prints one JSON object (the last line) with the figures. DuckDB and the lake are imported
inside the workers only, so the parent bench never imports them.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_DIR / "build" / "bench"
FORMATS = ("csv", "ndjson", "parquet")
GENERATOR_VERSION = 1
MB = 1 << 20
SOURCE = "bench"
LANDED_AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

COLUMNS = (
    "id",
    "event_time",
    "isrc",
    "upc",
    "store",
    "country",
    "quantity",
    "amount",
    "currency",
    "title",
    "artist",
    "checksum",
)
TYPES = {
    "id": "bigint",
    "event_time": "timestamp:%Y-%m-%d %H:%M:%S",
    "quantity": "integer",
    "amount": "decimal(18,8)",
}

# One row per i of range(N); deterministic (hash of i), native types: CSV and NDJSON get
# DuckDB's text rendering of them, Parquet keeps them typed (the engine lands them as text).
ROWS_SQL = """
select
  i as id,
  timestamp '2024-01-01' + to_seconds((hash(i) % 63072000)::bigint) as event_time,
  (['US', 'GB', 'SE', 'DE', 'FR', 'NO', 'JP', 'BR'])[1 + (hash(i, 1) % 8)::int]
    || upper(substr(md5((i % 5000)::varchar), 1, 3))
    || lpad((hash(i, 2) % 30)::varchar, 2, '0')
    || lpad((hash(i, 3) % 100000)::varchar, 5, '0') as isrc,
  case when hash(i, 4) % 20 = 0 then null
       else lpad((hash(i, 4) % 1000000000000)::varchar, 12, '0') end as upc,
  (['Spotify', 'Apple Music', 'YouTube', 'Deezer', 'TikTok', 'Amazon Music', 'Tidal'])
    [1 + (hash(i, 5) % 7)::int] as store,
  (['SE', 'NO', 'DE', 'US', 'GB', 'FR', 'BR', 'JP', 'NL', 'ES'])[1 + (hash(i, 6) % 10)::int]
    as country,
  (hash(i, 7) % 10000)::integer as quantity,
  ((hash(i, 8) % 100000000000)::decimal(18, 0) / 100000000)::decimal(18, 8) as amount,
  'USD' as currency,
  'Track "' || (['Midnight Drive', 'Glass Harbor', 'Paper Moon', 'Salt and Ember',
                 'Northern Line', 'Orange Grove'])[1 + (hash(i, 9) % 6)::int]
    || '", feat. ' || (['Blue Frog', 'Mara Lind', 'Juno Vale', 'Sable & Finch'])
    [1 + (hash(i, 10) % 4)::int] || ', remastered ' || (1990 + hash(i, 11) % 35)::varchar
    as title,
  (['Blue Frog', 'Night Owls', 'Mara Lind', 'The Copper Keys', 'Juno Vale', 'Static Bloom',
    'Ola Berg', 'Paper Lanterns', 'Rue Marlowe', 'Sable & Finch, "SF"', 'Kite Theory'])
    [1 + (hash(i, 12) % 11)::int] as artist,
  md5(i::varchar) as checksum
from range({rows}) t(i)
"""
COPY_OPTIONS = {
    "csv": "format csv, header true",
    "ndjson": "format json",
    "parquet": "format parquet",
}
READERS = {"csv": "read_csv", "ndjson": "read_json", "parquet": "read_parquet"}


# ---------------------------------------------------------------------------- workers


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(8 * MB):
            digest.update(chunk)
    return digest.hexdigest()


def worker_generate(params: dict[str, Any]) -> dict[str, Any]:
    """Write a file of at least `size_bytes`: size the row count from a sample, then grow."""
    import duckdb

    fmt, path, target = params["fmt"], Path(params["path"]), int(params["size_bytes"])
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()

    def write(rows: int, out: Path) -> int:
        sql = ROWS_SQL.format(rows=rows)
        con.execute(f"copy ({sql}) to {_literal(str(out))} ({COPY_OPTIONS[fmt]})")
        return out.stat().st_size

    started = time.perf_counter()
    sample_rows = 500_000
    sample = path.with_name(path.name + ".sample")
    per_row = write(sample_rows, sample) / sample_rows
    sample.unlink()
    rows = max(1000, math.ceil(target * 1.01 / per_row / 1000) * 1000)
    size = write(rows, path)
    while size < target:
        rows = math.ceil(rows * target / size * 1.01 / 1000) * 1000
        size = write(rows, path)
    seconds = time.perf_counter() - started
    return {"rows": rows, "bytes": size, "seconds": seconds, "sha256": _sha256(path)}


def _dataset(fmt: str) -> Any:
    from lake.ingest.contract import Csv, Dataset, Layout, Ndjson, Parquet

    formats = {"csv": Csv(), "ndjson": Ndjson(), "parquet": Parquet()}
    return Dataset(
        source=SOURCE,
        name=f"plays_{fmt}",
        description=f"benchmark: generated play events ({fmt})",
        pattern=f"plays*.{fmt}",
        format=formats[fmt],
        layouts=(Layout("v1", required=COLUMNS),),
        types=TYPES,
        primary_key=("id",),
    )


def _timed_ingestor(base: type) -> type:
    """An Ingestor whose DuckDB connections time every statement, fetches included (for
    --profile): DuckDB may finish a SELECT only when its result is fetched."""

    class TimedResult:
        def __init__(self, result: Any, entry: list[Any]) -> None:
            self._result = result
            self._entry = entry

        def _timed(self, method: str, *args: Any) -> Any:
            started = time.perf_counter()
            try:
                return getattr(self._result, method)(*args)
            finally:
                self._entry[1] += time.perf_counter() - started

        def fetchone(self) -> Any:
            return self._timed("fetchone")

        def fetchall(self) -> Any:
            return self._timed("fetchall")

        def fetchmany(self, *args: Any) -> Any:
            return self._timed("fetchmany", *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._result, name)

    class TimedConnection:
        def __init__(self, con: Any, log: list[list[Any]]) -> None:
            self._con = con
            self._log = log

        def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
            entry: list[Any] = [query, 0.0]
            self._log.append(entry)
            started = time.perf_counter()
            try:
                result = self._con.execute(query, *args, **kwargs)
            finally:
                entry[1] += time.perf_counter() - started
            return TimedResult(result, entry)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._con, name)

    class TimedIngestor(base):  # type: ignore[misc, valid-type]
        statements: list[list[Any]] = []  # noqa: RUF012

        def _connect(self) -> Any:
            return TimedConnection(super()._connect(), self.statements)

    return TimedIngestor


def worker_ingest(params: dict[str, Any]) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from lake.config import LakePaths
    from lake.ingest.engine import Ingestor, LandingFile

    fmt, path, rows = params["fmt"], Path(params["path"]), int(params["rows"])
    paths = LakePaths(Path(params["lake"]))
    landing_file = LandingFile(
        path=path,
        rel_path=path.relative_to(paths.root).as_posix(),
        source=SOURCE,
        name=path.name,
        sha256=params["sha256"],
        size=path.stat().st_size,
        landed_at=LANDED_AT,
        metadata={"source": SOURCE},
    )
    cls = _timed_ingestor(Ingestor) if params.get("profile") else Ingestor
    ingestor = cls(paths, [_dataset(fmt)])
    started = time.perf_counter()
    summary = ingestor.run([landing_file])
    seconds = time.perf_counter() - started
    if len(summary.files) != 1 or summary.files[0].status != "ingested":
        raise SystemExit(f"ingest of {path.name} did not ingest: {summary.to_dict()}")
    outcome = summary.files[0]
    raw_files = sorted(paths.raw.rglob("*.parquet"))
    raw_rows = sum(pq.ParquetFile(f).metadata.num_rows for f in raw_files)
    if outcome.rows_raw != rows or raw_rows != rows or outcome.rows_rejected:
        raise SystemExit(
            f"ingest of {path.name}: generated {rows} rows, but rows_raw={outcome.rows_raw}, "
            f"rows in raw Parquet={raw_rows}, rejected={outcome.rows_rejected}"
        )
    result: dict[str, Any] = {
        "seconds": seconds,
        "rows": raw_rows,
        "output_bytes": sum(f.stat().st_size for f in raw_files),
    }
    if params.get("profile"):
        result["statements"] = cls.statements
    return result


def worker_duckdb(params: dict[str, Any]) -> dict[str, Any]:
    import duckdb

    fmt, path, out = params["fmt"], Path(params["path"]), Path(params["out"])
    out.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    started = time.perf_counter()
    copied = con.execute(
        f"copy (select * from {READERS[fmt]}({_literal(str(path))})) "
        f"to {_literal(str(out))} (format parquet)"
    ).fetchone()
    seconds = time.perf_counter() - started
    rows = int(copied[0]) if copied else -1
    if rows != int(params["rows"]):
        raise SystemExit(f"duckdb copy of {path.name}: {rows} rows, expected {params['rows']}")
    return {"seconds": seconds, "rows": rows, "output_bytes": out.stat().st_size}


WORKERS = {"generate": worker_generate, "ingest": worker_ingest, "duckdb": worker_duckdb}


def main(kind: str, params: str) -> int:
    result = WORKERS[kind](json.loads(params))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
