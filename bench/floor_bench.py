"""The build's models stage against the floor for the same SQL: the models' compiled SQL run
directly in one DuckDB session, without dbt.

1. `lake build --full-refresh --json` on the lake (the demo, or the demo scaled to
   `--scale-rows` stream rows, see bench/build_bench.py): its `models` timing (dbt building the
   seeds, every model and the snapshots) and its `tests` timing.
2. The floor: the manifest dbt wrote for that build (`$LAKE_ROOT/_state/dbt/target/
   manifest.json`, `compiled_code` of every node) gives each enabled model's compiled SELECT; in
   dependency order (the manifest's `depends_on`), each runs as `create or replace table|view
   "build"."<schema>"."<name>" as (...)` (incremental models as tables: a full refresh builds
   them whole) in ONE DuckDB session over a scratch `build.duckdb` (so the catalog name matches
   the compiled relations), with the profile's settings (2 threads, UTC,
   `preserve_insertion_order`).
   * The scratch database starts like the full-refresh build did, minus what dbt writes itself:
     the seeds are copied from the build's database before the clock starts (dbt loads them
     from the CSVs inside its models stage: 3 small files), and the published history schemas
     (`snapshots`, `lake_ops`) are not copied.
   * Snapshots are excluded from the floor (dbt's stage includes its 4 snapshots: small
     dimension histories); so is what dbt adds around each model (persist_docs comments,
     renames of the `__dbt_tmp` relations, the adapter's metadata queries).
3. Printed: models seconds, floor seconds, the ratio (target <= 1.3) and the tests stage beside
   it; the floor's slowest statements.

    .venv/bin/python bench/floor_bench.py [--lake demo|scaled] [--scale-rows 10000000]
        [--fresh]

Results: `build/bench/floor-<lake>.json` (and the last line printed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import (
    BENCH_DIR,
    SCALED_LAKE,
    BenchError,
    _busy_cpu_seconds,
    _children_cpu_seconds,
    _load1,
    _run,
    ensure_demo_lake,
    ensure_scaled_lake,
)

TARGET = 1.3
SETTINGS = {"TimeZone": "UTC", "threads": 2, "preserve_insertion_order": True}


def full_refresh_build(root: Path) -> dict[str, Any]:
    """`lake build --full-refresh --json`: its verdict, wall time and the machine's load."""
    os.sync()
    load = _load1()
    busy, children = _busy_cpu_seconds(), _children_cpu_seconds()
    started = time.perf_counter()
    lake = str(Path(sys.executable).parent / "lake")
    proc = _run([lake, "build", "--full-refresh", "--root", str(root), "--json"], "lake build")
    wall = time.perf_counter() - started
    verdict = json.loads(proc.stdout)
    if not verdict.get("ok"):
        failed = ", ".join(n["name"] for n in verdict.get("failed", [])) or verdict.get("error")
        raise BenchError(f"the full-refresh build of {root} is not ok: {failed}")
    ours = _children_cpu_seconds() - children
    others = _busy_cpu_seconds() - busy - ours
    return {
        "verdict": verdict,
        "wall": round(wall, 3),
        "load1_before": load,
        "bg_cores": round(max(0.0, others / wall), 2),
    }


def statements(manifest: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(unique id, kind, SQL) of every enabled model, parents first."""
    nodes = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["config"].get("enabled", True)
    }
    graph = {
        uid: [dep for dep in node["depends_on"]["nodes"] if dep in nodes]
        for uid, node in nodes.items()
    }
    ordered = []
    for uid in TopologicalSorter(graph).static_order():
        node = nodes[uid]
        code = node.get("compiled_code")
        if not code:
            raise BenchError(f"{uid} has no compiled code in the manifest: was it built?")
        kind = "view" if node["config"]["materialized"] == "view" else "table"
        if node["config"]["materialized"] == "ephemeral":
            continue  # inlined into its children's compiled code
        relation = node["relation_name"]
        ordered.append((uid, kind, f"create or replace {kind} {relation} as (\n{code}\n)"))
    return ordered


def floor(root: Path, manifest: dict[str, Any], scratch: Path) -> dict[str, Any]:
    """Run the compiled models in one session over a scratch copy of the build's start."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    database = scratch / "build.duckdb"  # the catalog name the compiled relations use
    todo = statements(manifest)
    schemas = sorted({node["schema"] for node in manifest["nodes"].values()})
    con = duckdb.connect(str(database))
    try:
        for name, value in SETTINGS.items():
            con.execute(f"set {name} = '{value}'")
        for schema in schemas:
            con.execute(f'create schema if not exists "{schema}"')
        build_db = root / "warehouse" / "build.duckdb"
        con.execute(f"attach '{build_db}' as built (read_only)")
        seeds = [
            n["relation_name"]
            for n in manifest["nodes"].values()
            if n["resource_type"] == "seed" and n["config"].get("enabled", True)
        ]
        for relation in seeds:
            copied = relation.replace('"build".', "built.", 1)
            con.execute(f"create or replace table {relation} as select * from {copied}")
        con.execute("detach built")
        con.execute("checkpoint")
        os.sync()
        timings = []
        started = time.perf_counter()
        for uid, kind, sql in todo:
            one = time.perf_counter()
            con.execute(sql)
            timings.append((uid, kind, time.perf_counter() - one))
        con.execute("checkpoint")  # dbt's stage ends with its writes committed too
        seconds = time.perf_counter() - started
    finally:
        con.close()
    timings.sort(key=lambda t: -t[2])
    return {
        "seconds": round(seconds, 3),
        "statements": len(todo),
        "tables": sum(kind == "table" for _, kind, _ in todo),
        "views": sum(kind == "view" for _, kind, _ in todo),
        "seeds_copied": len(seeds),
        "slowest": [{"node": u, "kind": k, "seconds": round(s, 3)} for u, k, s in timings[:8]],
        "db_bytes": database.stat().st_size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lake", choices=("demo", "scaled"), default="scaled")
    parser.add_argument("--scale-rows", type=int, default=10_000_000)
    parser.add_argument("--fresh", action="store_true", help="recreate the bench lakes")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    try:
        root = ensure_demo_lake(args.fresh)
        if args.lake == "scaled":
            ensure_scaled_lake(root, args.scale_rows, args.fresh)
            root = SCALED_LAKE
        print(f"full-refresh build of {root}", flush=True)
        build = full_refresh_build(root)
        manifest_path = root / "_state" / "dbt" / "target" / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        print("running the compiled models in one DuckDB session", flush=True)
        busy = _busy_cpu_seconds()
        cpu = time.process_time()
        scratch = BENCH_DIR / f"floor-{args.lake}"
        measured = floor(root, manifest, scratch)
        others = _busy_cpu_seconds() - busy - (time.process_time() - cpu)
        measured["bg_cores"] = round(max(0.0, others / measured["seconds"]), 2)
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    timings = build["verdict"]["timings"]
    models, tests = timings.get("models", 0.0), timings.get("tests", 0.0)
    ratio = models / measured["seconds"] if measured["seconds"] else float("inf")
    result = {
        "lake": args.lake,
        "stream_rows": build["verdict"]["rows"].get("fct_streams_daily"),
        "models_seconds": round(models, 3),
        "floor_seconds": measured["seconds"],
        "ratio": round(ratio, 2),
        "target": TARGET,
        "tests_seconds": round(tests, 3),
        "build_timings": timings,
        "build_wall": build["wall"],
        "build_start": build["verdict"].get("start"),
        "models_built": build["verdict"]["models"],
        "tests_counts": build["verdict"]["tests"],
        "floor": measured,
        "load1_before_build": build["load1_before"],
        "bg_cores_build": build["bg_cores"],
        "bg_cores_floor": measured["bg_cores"],
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    header = (
        f"{'lake':<7} {'stream rows':>12} {'models':>8} {'floor':>8} {'ratio':>6} "
        f"{'target':>7} {'tests':>8} {'bg build':>9} {'bg floor':>9}"
    )
    print()
    print(header)
    print("-" * len(header))
    print(
        f"{args.lake:<7} {result['stream_rows'] or 0:>12,} {models:>7.1f}s "
        f"{measured['seconds']:>7.1f}s {ratio:>6.2f} {'<=' + str(TARGET):>7} {tests:>7.1f}s "
        f"{build['bg_cores']:>9.2f} {measured['bg_cores']:>9.2f}"
    )
    print(
        f"models = the build's seeds + {measured['statements']} models + snapshots (dbt); floor = "
        f"the same {measured['statements']} models' compiled SQL ({measured['tables']} tables, "
        f"{measured['views']} views), one DuckDB session, seeds copied beforehand, snapshots "
        "excluded; ratio = models / floor; tests = the build's tests stage; bg = CPU other "
        f"processes used meanwhile ({os.cpu_count()} cores)"
    )
    print("floor's slowest statements:")
    for item in measured["slowest"]:
        print(f"  {item['seconds']:>7.2f}s  {item['kind']:<5} {item['node']}")
    out = BENCH_DIR / f"floor-{args.lake}.json"
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
