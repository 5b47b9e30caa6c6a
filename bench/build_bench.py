"""Benchmark of `lake build` split into dbt parse / models / tests, and of `lake publish`.

Two lakes under build/bench/:

* `demo-lake`: the demo's lake, from the offline sandbox (`lake sandbox exec --today
  2026-11-20 -- lake extract`, then `lake ingest`), as `make demo` builds it. Created once and
  reused by later runs (`--fresh` recreates it).
* `scaled-lake`: the demo's raw zone with Spotify songs added until `fct_streams_daily` holds
  `--scale-rows` rows (default 10,000,000; see bench/scale_streams.py). Recreated when the
  demo lake or the row count changed.

Per lake, and per run (`cold`: the lake's warehouse, dbt target and partial-parse cache removed
first, so dbt parses the whole project; `warm`: built again right after, the parse cache and
the published version's snapshots in place), two subprocesses, each timed as a whole:
`lake build --root R --json` (its own `timings` give parse / models / tests; `other` is
preparing the build database, source freshness and counting rows) and `lake publish --root R
--json` (atomic swap, curated Parquet export, archive). A build that is not `ok` (a model or an
error-severity test failed) stops the bench.

    .venv/bin/python bench/build_bench.py [--scale-rows 10000000] [--only demo|scaled]
        [--runs cold,warm] [--scaled-runs cold] [--fresh]

The scaled lake gets a cold run only by default: its tests dominate and a warm build runs them
all again. Each run's figures are printed as one JSON line as soon as it is measured. The
table shows the background load next to each run: the 1-minute load average before it and
`bg cores`, the CPU other processes used meanwhile (the machine's busy time minus the bench's
children, per second of wall time). The last line printed is one JSON object with every
figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_DIR / "build" / "bench"
DEMO_LAKE = BENCH_DIR / "demo-lake"
SCALED_LAKE = BENCH_DIR / "scaled-lake"
DEMO_MARKER = ".bench-demo.json"
SCALED_MARKER = ".bench-scaled.json"
SANDBOX_TODAY = "2026-11-20"
SCALER_VERSION = 1
STREAM_FACT = "fct_streams_daily"
RUNS = ("cold", "warm")
MB = 1 << 20


class BenchError(RuntimeError):
    """A step of the bench failed; the message says which and where to look."""


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _run(command: list[str], what: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run(
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise BenchError(f"{what} failed (exit {proc.returncode}): {' '.join(command)}\n{tail}")
    return proc


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


# ---------------------------------------------------------------------------- the lakes


def ensure_demo_lake(fresh: bool) -> Path:
    """The sandbox's demo lake: extract every source, ingest (reused unless `fresh`)."""
    marker = DEMO_LAKE / DEMO_MARKER
    if not fresh and _read_json(marker).get("today") == SANDBOX_TODAY:
        return DEMO_LAKE
    shutil.rmtree(DEMO_LAKE, ignore_errors=True)
    print(f"creating the demo lake in {DEMO_LAKE} (sandbox extract + ingest)", flush=True)
    lake, root = _bin("lake"), str(DEMO_LAKE)
    extract = [lake, "sandbox", "exec", "--today", SANDBOX_TODAY, "--", lake, "extract"]
    for command, what in (
        ([*extract, "--root", root], "sandbox extract"),
        ([lake, "ingest", "--root", root], "ingest"),
    ):
        proc = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
            raise BenchError(f"{what} of the demo lake failed (exit {proc.returncode}):\n{tail}")
    marker.write_text(json.dumps({"today": SANDBOX_TODAY, "created": time.time()}))
    return DEMO_LAKE


def demo_stream_rows(demo: Path) -> int:
    """The demo's `fct_streams_daily` rows, from its last build (built now if it has none)."""
    verdict = demo / "warehouse" / "build.json"
    rows = _read_json(verdict).get("rows", {}).get(STREAM_FACT)
    if rows is None:
        print("building the demo lake once to count its stream rows", flush=True)
        run_build(demo)
        rows = _read_json(verdict).get("rows", {}).get(STREAM_FACT)
    if rows is None:
        raise BenchError(f"{verdict} has no {STREAM_FACT} row count")
    return int(rows)


def ensure_scaled_lake(demo: Path, stream_rows: int, fresh: bool) -> dict[str, Any]:
    """The demo scaled to `stream_rows` stream rows (reused when nothing changed)."""
    wanted = {
        "scaler_version": SCALER_VERSION,
        "stream_rows": stream_rows,
        "base_rows": demo_stream_rows(demo),
        "demo_created": _read_json(demo / DEMO_MARKER).get("created"),
    }
    marker = SCALED_LAKE / SCALED_MARKER
    recorded = _read_json(marker)
    if not fresh and all(recorded.get(key) == value for key, value in wanted.items()):
        return recorded
    print(f"scaling the demo to {stream_rows:,} stream rows in {SCALED_LAKE}", flush=True)
    command = [
        sys.executable,
        str(PROJECT_DIR / "bench" / "scale_streams.py"),
        str(demo),
        str(SCALED_LAKE),
        "--stream-rows",
        str(stream_rows),
        "--base-rows",
        str(wanted["base_rows"]),
    ]
    proc = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchError(f"scaling failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
    recorded = {**wanted, "scale": json.loads(proc.stdout.strip().splitlines()[-1])}
    marker.write_text(json.dumps(recorded))
    return recorded


def reset_warehouse(root: Path) -> None:
    """Back to a lake that was never built: no warehouse, published files or dbt cache."""
    for name in ("warehouse", "curated", "archive", "runs", "docs", "_state/dbt"):
        shutil.rmtree(root / name, ignore_errors=True)


# ---------------------------------------------------------------------------- measuring


def _busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (Linux /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(value) for value in fields[:8]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _children_cpu_seconds() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def _load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def run_build(root: Path) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    proc = _run([_bin("lake"), "build", "--root", str(root), "--json"], f"lake build of {root}")
    wall = time.perf_counter() - started
    verdict = json.loads(proc.stdout)
    if not verdict.get("ok"):
        failed = ", ".join(node["name"] for node in verdict.get("failed", [])) or verdict["error"]
        raise BenchError(f"lake build of {root} is not ok: {failed}; see {root}/warehouse")
    return wall, verdict


def run_publish(root: Path) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    proc = _run([_bin("lake"), "publish", "--root", str(root), "--json"], f"publish of {root}")
    return time.perf_counter() - started, json.loads(proc.stdout)


def measure(lake: str, root: Path, run: str) -> dict[str, Any]:
    if run == "cold":
        reset_warehouse(root)
    os.sync()  # write back the last step's files now, not during the measurement
    load_before = _load1()
    busy_before, children_before = _busy_cpu_seconds(), _children_cpu_seconds()
    started = time.perf_counter()
    build_wall, verdict = run_build(root)
    publish_wall, published = run_publish(root)
    wall = time.perf_counter() - started
    ours = _children_cpu_seconds() - children_before
    others = _busy_cpu_seconds() - busy_before - ours
    timings = verdict["timings"]
    published_db = root / "warehouse" / "lake.duckdb"
    return {
        "lake": lake,
        "run": run,
        "stream_rows": verdict["rows"].get(STREAM_FACT),
        "parse": timings.get("parse", 0.0),
        "models": timings.get("models", 0.0),
        "tests": timings.get("tests", 0.0),
        "other": round(sum(timings.get(k, 0.0) for k in ("prepare", "freshness", "rows")), 3),
        "build_wall": round(build_wall, 3),
        "publish": round(publish_wall, 3),
        "total_wall": round(wall, 3),
        "db_bytes": published_db.stat().st_size,
        "version": published.get("version"),
        "models_built": verdict["models"]["built"],
        "tests_passed": verdict["tests"]["passed"],
        "tests_warned": verdict["tests"]["warned"],
        "load1_before": load_before,
        "bg_cores": round(max(0.0, others / wall), 2),
        "cpu_seconds": round(ours, 1),
    }


def print_table(results: list[dict[str, Any]]) -> None:
    header = (
        f"{'lake':<7} {'run':<5} {'stream rows':>12} {'parse':>7} {'models':>8} {'tests':>8} "
        f"{'other':>7} {'publish':>8} {'total':>8} {'db MB':>8} {'tests ok':>9} "
        f"{'load1':>6} {'bg cores':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['lake']:<7} {r['run']:<5} {r['stream_rows']:>12,} {r['parse']:>6.1f}s "
            f"{r['models']:>7.1f}s {r['tests']:>7.1f}s {r['other']:>6.1f}s {r['publish']:>7.1f}s "
            f"{r['total_wall']:>7.1f}s {r['db_bytes'] / MB:>8.1f} {r['tests_passed']:>9} "
            f"{r['load1_before']:>6.2f} {r['bg_cores']:>9.2f}"
        )
    print(
        "seconds are wall time; total = the `lake build` process + the `lake publish` process; "
        "other = prepare + source freshness + row counts; load1 = 1-minute load average "
        f"before the run; bg cores = CPU other processes used meanwhile ({os.cpu_count()} cores)"
    )


def _runs(parser: argparse.ArgumentParser, value: str) -> list[str]:
    runs = [run.strip() for run in value.split(",") if run.strip()]
    if not runs or any(run not in RUNS for run in runs):
        parser.error(f"runs are {' and/or '.join(RUNS)}, comma-separated, not {value!r}")
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale-rows", type=int, default=10_000_000)
    parser.add_argument("--only", choices=("demo", "scaled"))
    parser.add_argument("--runs", default=",".join(RUNS), help="demo runs: cold, warm or both")
    parser.add_argument(
        "--scaled-runs", default="cold", help="scaled runs (a warm one costs as much as a cold one)"
    )
    parser.add_argument("--fresh", action="store_true", help="recreate the demo and scaled lakes")
    args = parser.parse_args(argv)
    runs, scaled_runs = _runs(parser, args.runs), _runs(parser, args.scaled_runs)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    scaled: dict[str, Any] = {}

    def record(lake: str, root: Path, run: str) -> None:
        results.append(measure(lake, root, run))
        print(json.dumps(results[-1]), flush=True)  # a run's figures survive an interruption

    try:
        demo = ensure_demo_lake(args.fresh)
        for run in runs if args.only != "scaled" else []:
            record("demo", demo, run)
        if args.only != "demo":
            scaled = ensure_scaled_lake(demo, args.scale_rows, args.fresh)
            for run in scaled_runs:
                record("scaled", SCALED_LAKE, run)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print()
    print_table(results)
    print(json.dumps({"results": results, "scaled": scaled.get("scale", {})}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
