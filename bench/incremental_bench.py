"""`lake run` incremental against a full refresh, on the demo or the demo scaled to `--scale-rows`
stream rows (bench/build_bench.py, bench/scale_streams.py), and a check that both give the same
tables.

1. The lake is copied to `build/bench/incremental-<lake>` (raw zone, landing zone and the
   ingest ledger; no warehouse), then `lake run --from ingest --no-docs --json --full-refresh`
   builds and publishes it whole: the command's wall time, and each stage's seconds and the
   build's timings from its JSON record.
2. About 1% new data lands, as the Spotify extractor lands it (`SyncLandingStore.store`, the
   extractor's metadata: account, dataset, spotify_track_id, song_title, timeline_window, url,
   run_id, window, ...; subfolder per account), one CSV per song (UTF-8 BOM, LF, `date,streams,
   listeners,saves`, named `<Artist>-song-<22-char id>-timeline.csv`):
   * every song but the corrected ones: a 7-day download (`timeline_window` 7day) restating its
     last 2 days (provisional figures corrected) and adding 5 new days;
   * `--corrections` songs (default 20): the whole history re-exported (`all`), with changed
     figures for 30 days ~5 months back, plus the same 5 new days.
   Landing is timed apart (it is the extractor's job, not the run's).
3. `lake run --from ingest --no-docs --json` (incremental: the build starts from the
   published version) is timed the same way. Ratio = incremental / full refresh (target <= 20%).
4. Correctness: the lake after step 3 is copied again and built with `lake build
   --full-refresh`; every table and view of schemas `music` and `staging` of the incremental
   published database is compared with the full refresh's (row counts and `except all` both
   ways). Printed: "identical", or the differing relations.
5. Whether the tests covered everything: the incremental build's test counts against the
   manifest's enabled tests.

    .venv/bin/python bench/incremental_bench.py [--lake demo|scaled] [--scale-rows 10000000]
        [--corrections 20] [--fresh]

Results: `build/bench/incremental-<lake>.json` (and the last line printed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
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
from scale_streams import read_raw

from lake.config import LakePaths
from lake.landing import SyncLandingStore

TARGET = 0.20
NEW_DAYS = 5
RESTATED_DAYS = 2
CORRECTED_DAYS = 30
CORRECTED_BACK = 150  # days before the newest day: the first corrected day
COMPARED = ("music", "staging")
NOT_COPIED = ("warehouse", "curated", "archive", "runs", "docs", "_state/dbt", "_tmp")


def copy_lake(source: Path, target: Path) -> None:
    """The lake without its warehouse, published files, runs or dbt state."""
    shutil.rmtree(target, ignore_errors=True)
    skip = {source / name for name in NOT_COPIED}
    shutil.copytree(
        source, target, ignore=lambda d, names: [n for n in names if Path(d, n) in skip]
    )


def lake_command(args: list[str], what: str) -> dict[str, Any]:
    """Run `lake ...`: wall seconds, its JSON, and the machine's load meanwhile."""
    os.sync()
    load = _load1()
    busy, children = _busy_cpu_seconds(), _children_cpu_seconds()
    started = time.perf_counter()
    proc = _run([str(Path(sys.executable).parent / "lake"), *args], what)
    wall = time.perf_counter() - started
    ours = _children_cpu_seconds() - children
    others = _busy_cpu_seconds() - busy - ours
    return {
        "json": json.loads(proc.stdout),
        "wall": round(wall, 3),
        "load1_before": load,
        "bg_cores": round(max(0.0, others / wall), 2),
        "cpu_seconds": round(ours, 1),
    }


def run_figures(measured: dict[str, Any]) -> dict[str, Any]:
    """Per-stage seconds and the build's timings from a `lake run --json` record."""
    record = measured["json"]
    stages = {s["name"]: s for s in record.get("stages", [])}
    build = stages.get("build", {}).get("detail", {})
    if record.get("status") != "ok":
        failing = [t.get("name") for t in record.get("failing_tests", [])]
        raise BenchError(f"lake run is {record.get('status')}: {failing or stages}")
    return {
        "total": measured["wall"],
        "stages": {name: s.get("seconds") for name, s in stages.items()},
        "build_timings": build.get("timings", {}),
        "tests": build.get("tests", {}),
        "models": build.get("models", {}),
        "files": record.get("files", {}),
        "published_version": record.get("published_version"),
        "load1_before": measured["load1_before"],
        "bg_cores": measured["bg_cores"],
    }


# ---------------------------------------------------------------------------- new data


def new_files(root: Path, corrections: int) -> list[tuple[str, str, bytes, dict[str, Any]]]:
    """(account, file name, content, metadata) of every new download, from DuckDB."""
    con = duckdb.connect(config={"memory_limit": "2GB"})
    timeline = read_raw(root, "spotify", "song_timeline")
    con.execute(
        f"""
        create temp table songs as
        select
            json_extract_string(_landing_metadata, '$.account') as account,
            json_extract_string(_landing_metadata, '$.spotify_track_id') as track_id,
            arg_max(_landing_metadata, _landed_at) as metadata,
            regexp_extract(arg_max(_source_file, _landed_at), '[^/]+$') as file_name,
            max(strptime(date, '%Y-%m-%d')::date) as last_day
        from {timeline}
        where _landing_metadata is not null
        group by all
        """
    )
    con.execute(
        f"""
        create temp table picked as
        select *, row_number() over (order by hash(track_id)) <= {corrections} as corrected
        from songs
        """
    )
    # newest figures per song and day: the base of the corrected full-history re-exports
    con.execute(
        f"""
        create temp table history as
        select r.account, r.track_id, r.day, r.streams, r.listeners, r.saves
        from (
            select
                json_extract_string(_landing_metadata, '$.account') as account,
                json_extract_string(_landing_metadata, '$.spotify_track_id') as track_id,
                strptime(date, '%Y-%m-%d')::date as day,
                streams::bigint as streams, listeners::bigint as listeners,
                saves::bigint as saves, _landed_at, _source_file
            from {timeline}
            where _landing_metadata is not null
        ) r
        semi join picked p on p.track_id = r.track_id and p.account = r.account and p.corrected
        qualify row_number() over (
            partition by r.account, r.track_id, r.day order by _landed_at desc, _source_file desc
        ) = 1
        """
    )
    rows = con.execute(
        f"""
        with fresh as (
            -- the 2 provisional days restated and 5 new days, for every song
            select
                p.account, p.track_id, p.last_day - {RESTATED_DAYS - 1} + d.i::int as day,
                5 + (hash(p.track_id, d.i, 'new') % 400)::bigint as streams
            from picked p
            cross join range({RESTATED_DAYS + NEW_DAYS}) d(i)
        ),
        lines as (
            select account, track_id, day,
                streams, streams * 7 // 10 as listeners, streams // 20 as saves
            from fresh
            semi join picked using (account, track_id)
            where not (select corrected from picked q
                       where q.account = fresh.account and q.track_id = fresh.track_id)
               or day > (select last_day from picked q
                         where q.account = fresh.account and q.track_id = fresh.track_id)
            union all
            -- the corrected songs: whole history, 30 old days with other figures
            select h.account, h.track_id, h.day,
                case when h.day between p.last_day - {CORRECTED_BACK}
                     and p.last_day - {CORRECTED_BACK - CORRECTED_DAYS + 1}
                     then h.streams + 1 + hash(h.track_id, h.day) % 50 else h.streams end,
                h.listeners, h.saves
            from history h
            join picked p using (account, track_id)
        )
        select
            p.account,
            p.file_name,
            p.metadata,
            p.corrected,
            '\ufeffdate,streams,listeners,saves' || chr(10) || string_agg(
                strftime(l.day, '%Y-%m-%d') || ',' || l.streams || ',' || l.listeners || ','
                    || l.saves || chr(10), '' order by l.day
            ) as content,
            count(*) as n_rows
        from lines l
        join picked p using (account, track_id)
        group by all
        """
    ).fetchall()
    con.close()
    run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-bench"
    files = []
    for account, name, metadata, corrected, content, _ in rows:
        meta = json.loads(metadata)
        window = "all" if corrected else "7day"
        meta.update(
            extracted_at=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            run_id=run_id,
            timeline_window=window,
            url=str(meta.get("url", "")).replace("range=all", f"range={window}"),
        )
        files.append((account, name, content.encode("utf-8"), meta))
    return files


def land(root: Path, files: list[tuple[str, str, bytes, dict[str, Any]]]) -> float:
    """Land each file as the extractor does: `landing/spotify/<minute>/<account slug>/`."""
    from extract._browser import slug

    started = time.perf_counter()
    with SyncLandingStore(LakePaths(root=root)) as store:
        for account, name, content, metadata in files:
            store.store(name, content, "csv", metadata=metadata, subpath=slug(account))
    return round(time.perf_counter() - started, 3)


# ---------------------------------------------------------------------------- comparing


def relations(con: duckdb.DuckDBPyConnection, catalog: str) -> set[tuple[str, str]]:
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_catalog = '{catalog}' and table_schema in {COMPARED!r}"
    ).fetchall()
    return {(str(s), str(t)) for s, t in rows}


def compare(incremental_db: Path, full_db: Path) -> dict[str, Any]:
    con = duckdb.connect()
    con.execute(f"attach '{incremental_db}' as inc (read_only)")
    con.execute(f"attach '{full_db}' as full_ (read_only)")
    left, right = relations(con, "inc"), relations(con, "full_")
    differing: list[dict[str, Any]] = []
    rows_compared = 0
    for schema, name in sorted(left & right):
        a, b = f'inc."{schema}"."{name}"', f'full_."{schema}"."{name}"'
        counts = con.execute(
            f"select (select count(*) from {a}), (select count(*) from {b}), "
            f"(select count(*) from (select * from {a} except all select * from {b})), "
            f"(select count(*) from (select * from {b} except all select * from {a}))"
        ).fetchone()
        assert counts is not None
        rows_compared += int(counts[0])
        if counts[0] != counts[1] or counts[2] or counts[3]:
            differing.append(
                {
                    "relation": f"{schema}.{name}",
                    "rows_incremental": counts[0],
                    "rows_full": counts[1],
                    "only_incremental": counts[2],
                    "only_full": counts[3],
                }
            )
    con.close()
    return {
        "relations_compared": len(left & right),
        "rows_compared": rows_compared,
        "only_in_incremental": sorted(f"{s}.{t}" for s, t in left - right),
        "only_in_full": sorted(f"{s}.{t}" for s, t in right - left),
        "differing": differing,
        "identical": not differing and left == right,
    }


def test_coverage(root: Path, tests: dict[str, int]) -> dict[str, Any]:
    manifest = json.loads((root / "_state/dbt/target/manifest.json").read_text(encoding="utf-8"))
    enabled = [
        n
        for n in list(manifest["nodes"].values()) + list(manifest.get("unit_tests", {}).values())
        if n["resource_type"] in ("test", "unit_test") and n["config"].get("enabled", True)
    ]
    ran = sum(tests.get(k, 0) for k in ("passed", "warned", "failed"))
    return {"enabled": len(enabled), "ran": ran, "skipped": tests.get("skipped", 0)}


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lake", choices=("demo", "scaled"), default="scaled")
    parser.add_argument("--scale-rows", type=int, default=10_000_000)
    parser.add_argument("--corrections", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="recreate the bench lakes")
    parser.add_argument("--keep", action="store_true", help="keep the two lakes afterwards")
    args = parser.parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    root = BENCH_DIR / f"incremental-{args.lake}"
    check_root = BENCH_DIR / f"incremental-{args.lake}-full"
    try:
        source = ensure_demo_lake(args.fresh)
        if args.lake == "scaled":
            ensure_scaled_lake(source, args.scale_rows, args.fresh)
            source = SCALED_LAKE
        copy_lake(source, root)
        where = ["--root", str(root), "--json"]
        print(f"full refresh: lake run --from ingest --full-refresh on {root}", flush=True)
        run = ["run", "--from", "ingest", "--no-docs", *where]
        full = run_figures(lake_command([*run, "--full-refresh"], "lake run --full-refresh"))
        print(json.dumps(full), flush=True)
        files = new_files(root, args.corrections)
        new_rows = sum(content.count(b"\n") - 1 for _, _, content, _ in files)
        landing_seconds = land(root, files)
        print(f"landed {len(files)} files, {new_rows:,} rows in {landing_seconds} s", flush=True)
        incremental = run_figures(lake_command(run, "lake run (incremental)"))
        print(json.dumps(incremental), flush=True)
        print("checking: a full-refresh build of a copy of the lake", flush=True)
        copy_lake(root, check_root)
        check = lake_command(["build", "--full-refresh", "--root", str(check_root), "--json"], "")
        if not check["json"].get("ok"):
            raise BenchError(
                f"the check's full-refresh build failed: {check['json'].get('failed')}"
            )
        compared = compare(root / "warehouse/lake.duckdb", check_root / "warehouse/build.duckdb")
        coverage = test_coverage(root, incremental["tests"])
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    ratio = incremental["total"] / full["total"]
    stream_rows = json.loads((root / "warehouse/build.json").read_text())["rows"].get(
        "fct_streams_daily"
    )
    result = {
        "lake": args.lake,
        "stream_rows_after": stream_rows,
        "new_files": len(files),
        "new_rows": new_rows,
        "corrected_songs": args.corrections,
        "landing_seconds": landing_seconds,
        "full_refresh": full,
        "incremental": incremental,
        "ratio": round(ratio, 3),
        "target": TARGET,
        "check_build_wall": check["wall"],
        "compare": compared,
        "tests": coverage,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    print_report(result)
    (BENCH_DIR / f"incremental-{args.lake}.json").write_text(json.dumps(result, indent=1))
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(check_root, ignore_errors=True)
    print(json.dumps(result))
    return 0 if compared["identical"] else 1


def print_report(r: dict[str, Any]) -> None:
    full, inc = r["full_refresh"], r["incremental"]
    names = ["ingest", "build", "publish"]
    timings = ["prepare", "parse", "models", "tests", "freshness", "rows"]
    header = f"{'run':<13} {'total':>8} " + " ".join(f"{n:>8}" for n in names + timings)
    print()
    print(
        f"{r['lake']} lake: {r['new_files']} files, {r['new_rows']:,} new rows landed "
        f"({r['corrected_songs']} songs re-exported with corrected old days), "
        f"{r['stream_rows_after']:,} stream rows after"
    )
    print(header + f" {'load1':>6} {'bg cores':>9}")
    print("-" * (len(header) + 17))
    for label, fig in (("full refresh", full), ("incremental", inc)):
        cells = [fig["stages"].get(n) or 0.0 for n in names]
        cells += [fig["build_timings"].get(t, 0.0) for t in timings]
        print(
            f"{label:<13} {fig['total']:>7.1f}s "
            + " ".join(f"{c:>7.1f}s" for c in cells)
            + f" {fig['load1_before']:>6.2f} {fig['bg_cores']:>9.2f}"
        )
    verdict = "met" if r["ratio"] <= r["target"] else "MISSED"
    print(f"ratio incremental / full refresh: {r['ratio']:.1%} (target <= 20%: {verdict})")
    c = r["compare"]
    if c["identical"]:
        print(
            f"identical: {c['relations_compared']} relations of music and staging, "
            f"{c['rows_compared']:,} rows, except all both ways"
        )
    else:
        print(f"NOT identical ({c['relations_compared']} relations compared):")
        for d in c["differing"]:
            print(f"  {d}")
        for key in ("only_in_incremental", "only_in_full"):
            if c[key]:
                print(f"  {key}: {c[key]}")
    t = r["tests"]
    covered = t["ran"] == t["enabled"] and not t["skipped"]
    print(
        f"tests: the incremental build ran {t['ran']} of the {t['enabled']} enabled tests "
        f"({t['skipped']} skipped): {'all covered' if covered else 'NOT all covered'}"
    )


if __name__ == "__main__":
    sys.exit(main())
