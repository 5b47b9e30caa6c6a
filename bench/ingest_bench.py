"""Benchmark of `lake ingest` throughput against DuckDB's own copy to Parquet.

For each input format (CSV, NDJSON, Parquet) the script generates a file of at least
`--size-mb` megabytes (default 1024, on disk, Parquet included) with DuckDB from `range(N)`:
ids, timestamps, ISRC- and UPC-like codes, decimals with 8 places, free text with commas and
quotes, and an MD5 checksum (poorly compressible, so the Parquet input is big on disk too).

Then, per format and repetition, two measurements, each in a fresh subprocess:

* ingest: the real engine, `Ingestor(paths, [dataset]).run([landing_file])`, with a `Dataset`
  contract for the file (Csv / Ndjson / Parquet format, a Layout with the real column names,
  `types` bigint / integer / decimal(18,8) / timestamp:%Y-%m-%d %H:%M:%S, so typed validation
  runs as in production) and the engine's default settings. The raw row count must equal the
  generated row count, with zero rejects, or the run fails.
* duckdb: DuckDB's own `COPY (select * from read_csv|read_json|read_parquet('f')) TO
  'out.parquet' (format parquet)` with default settings (auto-detected types).

Seconds are wall time of `Ingestor.run()` / of the COPY (imports and connection setup not
counted). Peak memory is the subprocess's max RSS, read from the rusage of that child when it
is reaped (`os.wait4`: the same figure `getrusage(RUSAGE_CHILDREN)` gives for a single child).
The parent never imports DuckDB, so no child starts out with a large inherited RSS. Inputs are
read warm (just written, in the page cache) by both sides.

    .venv/bin/python bench/ingest_bench.py [--size-mb 1024] [--formats csv,ndjson,parquet]
        [--repeat 1] [--workdir DIR] [--keep] [--profile]

`--profile` adds one more ingest per format with every SQL statement the engine runs timed,
and prints where the time goes. `--workdir DIR --keep` keeps the generated inputs, which a
later run with the same `--workdir` and size reuses. The last line printed is a JSON object
with every figure.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ingest_workers import BENCH_DIR, FORMATS, GENERATOR_VERSION, MB, PROJECT_DIR, SOURCE


def _busy_cpu_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (Linux), or None."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    # user nice system idle iowait irq softirq steal ...: everything but idle and iowait
    ticks = [int(value) for value in fields[:8]]
    busy = sum(ticks) - ticks[3] - ticks[4]
    return busy / os.sysconf("SC_CLK_TCK")


def run_worker(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; add its peak RSS, its CPU seconds, and how
    many cores other processes kept busy meanwhile (a noisy machine shows up there)."""
    workers = Path(__file__).resolve().with_name("ingest_workers.py")
    command = [sys.executable, str(workers), kind, json.dumps(params)]
    if hasattr(os, "sync"):
        os.sync()  # write back the last step's files now, not during this measurement
    busy_before, started = _busy_cpu_seconds(), time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=PROJECT_DIR)
    assert proc.stdout is not None
    output = proc.stdout.read().decode()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall, busy_after = time.perf_counter() - started, _busy_cpu_seconds()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} worker failed (exit {proc.returncode}) for {params}")
    result = json.loads(output.strip().splitlines()[-1])
    result["max_rss_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    if busy_before is not None and busy_after is not None:
        others = busy_after - busy_before - result["cpu_seconds"]
        result["other_cores"] = max(0.0, others / wall)
    return result


# ---------------------------------------------------------------------------- the bench


def _input_path(workdir: Path, fmt: str) -> Path:
    # the file lives in the bench lake's landing zone, where `lake land` would put it
    return workdir / "lake" / "landing" / SOURCE / "2026-11-23T120000Z" / f"plays.{fmt}"


def generate(workdir: Path, fmt: str, size_mb: int) -> dict[str, Any]:
    path = _input_path(workdir, fmt)
    manifest = path.with_name(path.name + ".json")
    wanted = {"version": GENERATOR_VERSION, "size_mb": size_mb}
    if manifest.exists() and path.exists():
        known = json.loads(manifest.read_text())
        if {k: known.get(k) for k in wanted} == wanted and known["bytes"] == path.stat().st_size:
            return {**known, "reused": True}
    params = {"fmt": fmt, "path": str(path), "size_bytes": size_mb * MB}
    result = {**run_worker("generate", params), **wanted, "path": str(path)}
    manifest.write_text(json.dumps(result))
    return {**result, "reused": False}


def _reset_lake(lake: Path) -> None:
    for zone in ("raw", "quarantine", "_state", "_tmp", "warehouse", "archive"):
        shutil.rmtree(lake / zone, ignore_errors=True)


def measure(workdir: Path, fmt: str, generated: dict[str, Any], repeat: int) -> dict[str, Any]:
    lake = workdir / "lake"
    common = {"fmt": fmt, "path": generated["path"], "rows": generated["rows"]}
    ingests: list[dict[str, Any]] = []
    baselines: list[dict[str, Any]] = []
    for _ in range(repeat):
        _reset_lake(lake)
        ingests.append(
            run_worker("ingest", {**common, "lake": str(lake), "sha256": generated["sha256"]})
        )
        _reset_lake(lake)
        out = workdir / "duckdb" / f"out-{fmt}.parquet"
        baselines.append(run_worker("duckdb", {**common, "out": str(out)}))
        out.unlink(missing_ok=True)
    mb = generated["bytes"] / MB
    rows = generated["rows"]

    def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
        seconds = statistics.median(r["seconds"] for r in runs)
        return {
            "seconds": seconds,
            "seconds_all": [r["seconds"] for r in runs],
            "mb_per_s": mb / seconds,
            "rows_per_s": rows / seconds,
            "max_rss_mb": max(r["max_rss_mb"] for r in runs),
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
            "output_mb": runs[-1]["output_bytes"] / MB,
            "other_cores": max((r.get("other_cores", 0.0) for r in runs), default=0.0),
        }

    ingest, duck = summarise(ingests), summarise(baselines)
    return {
        "format": fmt,
        "input_mb": mb,
        "rows": rows,
        "generate_seconds": generated["seconds"],
        "ingest": ingest,
        "duckdb": duck,
        "ratio": duck["seconds"] / ingest["seconds"],
    }


def profile(workdir: Path, fmt: str, generated: dict[str, Any]) -> dict[str, Any]:
    lake = workdir / "lake"
    _reset_lake(lake)
    params = {
        "fmt": fmt,
        "path": generated["path"],
        "rows": generated["rows"],
        "lake": str(lake),
        "sha256": generated["sha256"],
        "profile": True,
    }
    result = run_worker("ingest", params)
    _reset_lake(lake)
    return result


def _short_sql(sql: str) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= 110 else text[:107] + "..."


def _console() -> Any:
    from rich.console import Console

    # wide enough for the table when the output goes to a file or a pipe (make, CI)
    return Console(width=max(Console().width, 170))


def print_profile(fmt: str, result: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"ingest profile: {fmt} ({result['seconds']:.1f} s in Ingestor.run)")
    table.add_column("seconds", justify="right")
    table.add_column("share", justify="right")
    table.add_column("statement")
    total = result["seconds"]
    accounted = 0.0
    for sql, seconds in result["statements"]:
        accounted += seconds
        if seconds >= 0.05:
            table.add_row(f"{seconds:.2f}", f"{seconds / total:.0%}", _short_sql(sql))
    rest = total - accounted
    table.add_row(f"{rest:.2f}", f"{rest / total:.0%}", "(outside SQL: Python, ledger, publish)")
    _console().print(table)


def print_table(results: list[dict[str, Any]], size_mb: int, repeat: int) -> None:
    from rich.table import Table

    table = Table(
        title=f"lake ingest vs DuckDB COPY to Parquet (>= {size_mb} MB inputs, "
        f"median of {repeat}, {os.cpu_count()} cores)"
    )
    for name in (
        "format",
        "input MB",
        "rows",
        "ingest s",
        "ingest MB/s",
        "ingest rows/s",
        "ingest peak RSS MB",
        "duckdb s",
        "duckdb MB/s",
        "duckdb peak RSS MB",
        "ratio",
        "bg cores",
    ):
        table.add_column(name, justify="left" if name == "format" else "right")
    for r in results:
        ok = r["ratio"] >= 0.5
        table.add_row(
            r["format"],
            f"{r['input_mb']:.0f}",
            f"{r['rows']:,}",
            f"{r['ingest']['seconds']:.1f}",
            f"{r['ingest']['mb_per_s']:.1f}",
            f"{r['ingest']['rows_per_s']:,.0f}",
            f"{r['ingest']['max_rss_mb']:.0f}",
            f"{r['duckdb']['seconds']:.1f}",
            f"{r['duckdb']['mb_per_s']:.1f}",
            f"{r['duckdb']['max_rss_mb']:.0f}",
            f"[{'green' if ok else 'red'}]{r['ratio']:.2f}[/]",
            f"{max(r['ingest']['other_cores'], r['duckdb']['other_cores']):.2f}",
        )
    console = _console()
    console.print(table)
    console.print(
        "ratio = ingest speed / DuckDB speed (target >= 0.5). Ingest: Ingestor defaults "
        "(memory_limit 3GB, all cores), typed validation of id, event_time, quantity, amount, "
        "raw Parquet with lineage columns (zstd). DuckDB: default connection, auto-detected "
        "types, Parquet (snappy). Bg cores: CPU other processes (and the kernel) "
        "used during the measurements, worst run; much above 0.1 means the figures are noisy."
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="minimum size of each input")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated")
    parser.add_argument("--workdir", type=Path, help="default: a temp dir under build/bench")
    parser.add_argument("--keep", action="store_true", help="keep the workdir (and inputs)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement")
    parser.add_argument("--profile", action="store_true", help="time each engine statement")
    args = parser.parse_args(argv)
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in args.formats if f not in FORMATS]
    if unknown or not args.formats:
        parser.error(f"--formats: unknown {unknown}; choose from {', '.join(FORMATS)}")
    if args.size_mb < 1 or args.repeat < 1:
        parser.error("--size-mb and --repeat must be at least 1")
    return args


def _check_disk(workdir: Path, size_mb: int, formats: list[str]) -> None:
    # inputs, plus for the largest one: raw output, DuckDB spill and the baseline's output
    needed = size_mb * MB * (len(formats) + 4)
    free = shutil.disk_usage(workdir).free
    if free < needed:
        raise SystemExit(
            f"{workdir}: {free / MB:,.0f} MB free, the bench needs about {needed / MB:,.0f} MB; "
            "lower --size-mb or point --workdir elsewhere"
        )


def _lock_workdir(workdir: Path) -> Any:
    """Two runs sharing a --workdir would reset each other's lake mid-measurement."""
    handle = (workdir / ".bench.lock").open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(
            f"{workdir} is in use by another ingest_bench run; wait for it to finish "
            "(and a concurrent run would skew both runs' figures anyway)"
        ) from None
    return handle


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if args.workdir:
        workdir = args.workdir.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        created = [workdir / "lake", workdir / "duckdb"]
    else:
        workdir = Path(tempfile.mkdtemp(prefix="ingest-", dir=BENCH_DIR))
        created = [workdir]
    lock = _lock_workdir(workdir)
    results: list[dict[str, Any]] = []
    profiles: dict[str, Any] = {}
    try:
        _check_disk(workdir, args.size_mb, args.formats)
        for fmt in args.formats:
            generated = generate(workdir, fmt, args.size_mb)
            how = "reused" if generated["reused"] else f"generated in {generated['seconds']:.0f} s"
            print(
                f"{fmt}: {generated['bytes'] / MB:,.0f} MB, {generated['rows']:,} rows ({how})",
                file=sys.stderr,
            )
            results.append(measure(workdir, fmt, generated, args.repeat))
            last = results[-1]
            print(
                f"{fmt}: ingest {last['ingest']['seconds']:.1f} s, "
                f"duckdb {last['duckdb']['seconds']:.1f} s",
                file=sys.stderr,
            )
            if args.profile:
                profiles[fmt] = profile(workdir, fmt, generated)
            if not args.keep:
                Path(generated["path"]).unlink(missing_ok=True)
    finally:
        if not args.keep:
            for path in created:
                shutil.rmtree(path, ignore_errors=True)
            (workdir / ".bench.lock").unlink(missing_ok=True)
        lock.close()
    print_table(results, args.size_mb, args.repeat)
    for fmt, result in profiles.items():
        print_profile(fmt, result)
    figures = {
        "bench": "ingest",
        "size_mb": args.size_mb,
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "results": results,
        "profiles": {
            fmt: {"seconds": p["seconds"], "statements": p["statements"]}
            for fmt, p in profiles.items()
        },
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
