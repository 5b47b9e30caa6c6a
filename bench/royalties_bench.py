"""A ~1 GB DistroKid bank-details export through the whole lake, up to the royalties mart
(`music.fct_royalties_monthly`), against a hand-written DuckDB script and pandas doing the
same aggregation.

The export is generated with DuckDB SQL (no Python loop over rows) in DistroKid's 16-column
layout (v2: `... Earnings (USD), Date Inserted, Source Type, Recoup (USD)`), tab-separated,
every line (header and last line included) ended by a CR alone, money with 8 decimals:
20,000 ISRCs of 500 artists, the sandbox's 16 stores, 40 countries, 44 sale months (2023-01 to
2026-08, inside the FX seed's months), ~1% of rows above 100 USD, ~0.3% negative corrections.

On a fresh lake holding only that file, each step is its own process, timed as a whole with
its peak RSS (`os.wait4`'s `ru_maxrss`: the process and the children it waited for):

    lake land FILE --source distrokid --account ...   (copy into landing, SHA-256)
    lake ingest                                       (contract checks, raw Parquet)
    lake build                                        (dbt: prepare / parse / models / tests / ...)
    lake publish                                      (stamp, atomic swap, curated Parquet)

Baselines, each a fresh process on the same file:

* `duckdb`: the hand-written script: `read_csv` the TSV (types as the contract says), write it
  as Parquet, aggregate the Parquet to the royalty grain (sale month, store, country, ISRC;
  sum of earnings, count of rows) and write that as Parquet;
* `pandas`: `read_csv` (C engine) and `groupby(...).sum()` on the same grain.

Targets: the lake's path (land + ingest + build + publish) <= 3x the DuckDB script's time, and
no step above 2 GB peak memory. The mart is checked against the script's aggregate: same
number of groups and the same earnings total, to the cent's 1e-8.

    .venv/bin/python bench/royalties_bench.py [--size-mb 1024] [--workdir build/bench/royalties]
        [--skip-pandas] [--keep-lake]

The generated TSV is kept in the workdir and reused by a later run of the same size. The last
line printed is one JSON object with every figure (also written to WORKDIR/results.json).
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
from build_bench import PROJECT_DIR, _busy_cpu_seconds, _load1

from lake.contracts.distrokid import bank_details

MB = 1 << 20
GB_TARGET = 2.0
RATIO_TARGET = 3.0
ACCOUNT = "bench-label"
FILE_NAME = "dk_bank_details_20261120_120000.tsv"
HEADER = bank_details.layout("v2_16_columns").required  # the contract's 16-column layout
STORES = (
    "Spotify", "Apple Music", "YouTube (Red)", "YouTube (Ads)", "YouTube (Audio)",
    "Amazon Unlimited (Streaming)", "Amazon Prime (Streaming)", "Deezer", "Tidal", "TikTok",
    "Facebook", "Pandora", "iTunes Songs", "iTunes Match", "NetEase", "Anghami",
)  # fmt: skip
COUNTRIES = (
    "US", "DE", "GB", "FR", "BR", "MX", "NL", "SE", "JP", "CA", "AU", "IT", "ES", "PL", "AR",
    "CL", "CO", "PE", "IN", "ID", "PH", "TH", "VN", "KR", "TW", "NZ", "IE", "BE", "AT", "CH",
    "DK", "NO", "FI", "PT", "CZ", "TR", "ZA", "NG", "EG", "OU",
)  # fmt: skip
WORDS = (
    "Amber", "Silver", "Hollow", "Velvet", "Distant", "Neon", "Winter", "Golden", "Harbor",
    "Lantern", "Echo", "River", "Signal", "Orchard", "Tide", "Avenue",
)  # fmt: skip
TRACKS = 20_000
ARTISTS = 500
MONTHS = 44  # 2023-01 .. 2026-08: every sale month has an FX rate in seeds/common


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _pick(values: tuple[str, ...], key: str) -> str:
    return f"{_list(values)}[1 + (hash(n, '{key}') % {len(values)})::int]"


def _money(units: str) -> str:
    """A BIGINT of 1e-8 USD as text with exactly 8 decimals (sign kept), as DistroKid writes."""
    return (
        f"(case when {units} < 0 then '-' else '' end) || (abs({units}) // 100000000)::varchar"
        f" || '.' || lpad((abs({units}) % 100000000)::varchar, 8, '0')"
    )


def rows_query(rows: int) -> str:
    """One VARCHAR column `line` per generated row (the 16 fields joined by tabs)."""
    words = _list(WORDS)
    return f"""
        with base as (
            select
                n,
                hash(n, 't') % {TRACKS} as track,
                (hash(n, 'm') % {MONTHS})::int as month_index,
                {_pick(STORES, "s")} as store,
                {_pick(COUNTRIES, "c")} as country,
                1 + (hash(n, 'q') % 4000)::bigint * (hash(n, 'q2') % 3)::bigint as quantity,
                hash(n, 'e') % 1000 as roll
            from range({rows}) t(n)
        ),
        valued as (
            select
                *,
                date '2023-01-01' + to_months(month_index) as sale_month,
                date '2023-01-01' + to_months(month_index + 2)
                    + to_days((hash(n, 'r') % 28)::int) as reporting_date,
                track % {ARTISTS} as artist,
                case
                    -- ~1% above 100 USD, ~0.3% corrections, the rest a per-unit rate
                    when roll < 10 then 10000000000 + (hash(n, 'big') % 5000000000000)::bigint
                    when roll < 13 then -(1 + (hash(n, 'neg') % 300000000)::bigint)
                    else quantity * (20000 + (hash(n, 'rate') % 600000)::bigint)
                end as earnings_units
            from base
        )
        select concat_ws(
            chr(9),
            strftime(reporting_date, '%Y-%m-%d'),
            strftime(sale_month, '%Y-%m'),
            store,
            {words}[1 + (artist % 16)::int] || ' ' || {words}[1 + (artist // 16 % 16)::int]
                || ' ' || artist::varchar,
            {words}[1 + (track % 16)::int] || ' ' || {words}[1 + (track // 7 % 16)::int]
                || ' No. ' || track::varchar,
            'QZ' || {_list(("DK1", "HN4", "TAW", "K77", "R3S"))}[1 + (track % 5)::int]
                || (20 + track % 5)::varchar || lpad(track::varchar, 5, '0'),
            '19' || lpad((track // 3)::varchar, 10, '0'),
            quantity::varchar,
            case when track % 10 = 0 then '50' else '100' end,
            case when roll = 999 then 'Album' else 'Song' end,
            country,
            case when store = 'iTunes Songs' then {_money("earnings_units // 10")} else '0' end,
            {_money("earnings_units")},
            strftime(reporting_date, '%Y-%m-%d'),
            case when store = 'iTunes Songs' then 'Download' else 'Streaming' end,
            '0'
        ) as line
        from valued
    """


def write_tsv(con: duckdb.DuckDBPyConnection, path: Path, rows: int) -> None:
    """The header is the single column's name; every line ends with a CR, the last too."""
    header = "\t".join(HEADER).replace('"', '""')
    tmp = path.with_name(path.name + ".tmp")
    con.execute(
        f"copy (select line as \"{header}\" from ({rows_query(rows)})) to '{tmp}' "
        "(format csv, header true, quote '', escape '', delimiter '\\x01', new_line '\\r')"
    )
    tmp.replace(path)


def generate(workdir: Path, size_mb: int) -> dict[str, Any]:
    """The TSV of about `size_mb` MB (reused when a previous run made the same size)."""
    path = workdir / FILE_NAME
    marker = workdir / "generated.json"
    try:
        made = json.loads(marker.read_text())
        if made["size_mb"] == size_mb and path.stat().st_size == made["bytes"]:
            return dict(made)
    except (OSError, ValueError, KeyError):
        pass
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    con = duckdb.connect(config={"memory_limit": "2GB", "preserve_insertion_order": False})
    sample = 200_000
    write_tsv(con, path, sample)
    per_row = path.stat().st_size / sample
    rows = int(size_mb * MB / per_row)
    write_tsv(con, path, rows)
    con.close()
    made = {
        "size_mb": size_mb,
        "rows": rows,
        "bytes": path.stat().st_size,
        "seconds": round(time.perf_counter() - started, 1),
    }
    marker.write_text(json.dumps(made))
    return made


# ---------------------------------------------------------------------------- measuring


def run_measured(command: list[str], what: str) -> dict[str, Any]:
    """Run `command` as its own process: wall and CPU seconds, peak RSS (`ru_maxrss` from
    `os.wait4`, so the rusage is the process's own), the other processes' CPU meanwhile."""
    env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"royalties-bench-{os.getpid()}.out"
    err_path = out_path.with_suffix(".err")
    busy_before = _busy_cpu_seconds()
    started = time.perf_counter()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        pid = _spawn(command, env, out.fileno(), err.fileno())
        _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    others = _busy_cpu_seconds() - busy_before - cpu
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return {
        "what": what,
        "seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 1),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
        "bg_cores": round(max(0.0, others / wall), 2),
        "exit": os.waitstatus_to_exitcode(status),
        "stdout": stdout,
        "stderr_tail": stderr[-15:],
    }


def _spawn(command: list[str], env: dict[str, str], out: int, err: int) -> int:
    return os.posix_spawn(
        command[0],
        command,
        env,
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, out, 1),
            (os.POSIX_SPAWN_DUP2, err, 2),
        ],
    )


# ---------------------------------------------------------------------------- the baselines

DUCKDB_SCRIPT = r"""
import sys, duckdb
tsv, parquet, grain = sys.argv[1:4]
con = duckdb.connect()
con.execute("set enable_progress_bar = false")
types = {
    "Reporting Date": "DATE", "Sale Month": "VARCHAR", "Quantity": "BIGINT", "UPC": "VARCHAR",
    "Team Percentage": "DECIMAL(9,4)", "Songwriter Royalties Withheld": "DECIMAL(18,8)",
    "Earnings (USD)": "DECIMAL(18,8)", "Date Inserted": "DATE", "Recoup (USD)": "DECIMAL(18,8)",
}
con.execute(
    f"copy (select * from read_csv('{tsv}', delim = '\\t', new_line = '\\r', header = true, "
    f"quote = '', escape = '', types = {types})) to '{parquet}' (format parquet, compression zstd)"
)
con.execute(
    "copy (select \"Sale Month\" as sale_month, \"Store\" as store, "
    "\"Country of Sale\" as country, \"ISRC\" as isrc, sum(\"Earnings (USD)\") as earnings, "
    f"count(*) as n_rows from read_parquet('{parquet}') group by all) to '{grain}' "
    "(format parquet)"
)
groups, total = con.execute(
    f"select count(*), sum(earnings)::varchar from read_parquet('{grain}')"
).fetchone()
print(groups, total)
"""

PANDAS_SCRIPT = r"""
import sys, pandas as pd
tsv = sys.argv[1]
frame = pd.read_csv(
    tsv, sep="\t", lineterminator="\r", engine="c",
    dtype={"Quantity": "int64", "Earnings (USD)": "float64", "UPC": "str", "ISRC": "str",
           "Sale Month": "str", "Store": "str", "Country of Sale": "str"},
    keep_default_na=False,
)
grain = frame.groupby(["Sale Month", "Store", "Country of Sale", "ISRC"], sort=False).agg(
    earnings=("Earnings (USD)", "sum"), n_rows=("Earnings (USD)", "size")
)
print(len(grain), f"{grain['earnings'].sum():.8f}")
"""


def baseline(kind: str, tsv: Path, workdir: Path) -> dict[str, Any]:
    script = DUCKDB_SCRIPT if kind == "duckdb" else PANDAS_SCRIPT
    parquet, grain = workdir / "script-rows.parquet", workdir / "script-grain.parquet"
    command = [sys.executable, "-c", script, str(tsv), str(parquet), str(grain)]
    result = run_measured(command, f"{kind} script")
    if result["exit"] != 0:
        raise BenchError(f"the {kind} baseline failed:\n" + "\n".join(result["stderr_tail"]))
    groups, total = result["stdout"].strip().splitlines()[-1].split()
    result.update(groups=int(groups), earnings_total=total)
    parquet.unlink(missing_ok=True)
    grain.unlink(missing_ok=True)
    return result


# ---------------------------------------------------------------------------- the lake's path


class BenchError(RuntimeError):
    """A step failed; the message says which and why."""


def lake_path(tsv: Path, root: Path) -> list[dict[str, Any]]:
    """land, ingest, build, publish on a fresh lake; stops at the first step that fails."""
    shutil.rmtree(root, ignore_errors=True)
    lake = str(Path(sys.executable).parent / "lake")
    where = ["--root", str(root), "--json"]
    steps = [
        ("land", [lake, "land", str(tsv), "--source", "distrokid", "--account", ACCOUNT, *where]),
        ("ingest", [lake, "ingest", *where]),
        ("build", [lake, "build", *where]),
        ("publish", [lake, "publish", *where]),
    ]
    results = []
    for name, command in steps:
        os.sync()  # the last step's writes go to disk now, not during this one
        result = run_measured(command, name)
        result["ok"] = result["exit"] == 0
        if name == "build":
            verdict = _json(result["stdout"])
            result["ok"] = bool(verdict.get("ok"))
            result["timings"] = verdict.get("timings", {})
            result["tests"] = verdict.get("tests", {})
            result["models_built"] = verdict.get("models", {})
            result["failed"] = [
                f"{n.get('name')}: {str(n.get('message', ''))[:200]}"
                for n in verdict.get("failed", [])
            ]
            result["error"] = verdict.get("error", "")
            result["rows"] = {k: v for k, v in verdict.get("rows", {}).items() if "royalt" in k}
        elif name == "ingest":
            summary = _json(result["stdout"])
            result["summary"] = {
                k: summary.get(k) for k in ("ingested", "quarantined", "duplicates")
            }
        results.append(result)
        if not result["ok"]:
            break
    return results


def _json(text: str) -> dict[str, Any]:
    try:
        return dict(json.loads(text))
    except ValueError:
        return {}


def check_mart(root: Path, script: dict[str, Any]) -> dict[str, Any]:
    """The published mart against the script's aggregate: groups and earnings total."""
    db = root / "warehouse" / "lake.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            "select count(*), sum(earnings)::varchar from music.fct_royalties_monthly "
            "where source = 'distrokid'"
        ).fetchone()
    groups, total = (int(row[0]), str(row[1])) if row else (0, "")
    same = groups == script["groups"] and total == script["earnings_total"]
    return {"mart_groups": groups, "mart_earnings_total": total, "matches_script": same}


# ---------------------------------------------------------------------------- report


def print_table(made: dict[str, Any], steps: list[dict[str, Any]], base: list[dict[str, Any]]):
    print(
        f"\ninput: {made['bytes'] / MB:,.0f} MB, {made['rows']:,} rows "
        f"(generated in {made['seconds']} s)"
    )
    header = f"{'step':<28} {'seconds':>8} {'cpu s':>7} {'peak MB':>9} {'bg cores':>9}  note"
    print(header)
    print("-" * len(header))
    for r in steps + base:
        note = "" if r.get("ok", True) else "FAILED"
        if r["what"] == "build":
            t = r.get("timings", {})
            note += " " + ", ".join(f"{k} {v:.1f}s" for k, v in t.items())
            note += f"; tests {r.get('tests')}"
        print(
            f"{r['what']:<28} {r['seconds']:>8.1f} {r['cpu_seconds']:>7.1f} "
            f"{r['peak_mb']:>9,.0f} {r['bg_cores']:>9.2f}  {note.strip()}"
        )


def summarise(steps: list[dict[str, Any]], base: list[dict[str, Any]]) -> dict[str, Any]:
    script = next((b for b in base if b["what"] == "duckdb script"), None)
    lake_seconds = sum(s["seconds"] for s in steps)
    lake_peak = max((s["peak_mb"] for s in steps), default=0.0)
    complete = len(steps) == 4 and all(s["ok"] for s in steps)
    summary: dict[str, Any] = {
        "lake_complete": complete,
        "lake_seconds": round(lake_seconds, 1),
        "lake_peak_mb": lake_peak,
        "peak_target_met": lake_peak <= GB_TARGET * 1024,
    }
    if script:
        summary["ratio_to_script"] = round(lake_seconds / script["seconds"], 2)
        summary["ratio_target_met"] = complete and summary["ratio_to_script"] <= RATIO_TARGET
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--workdir", type=Path, default=PROJECT_DIR / "build/bench/royalties")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--keep-lake", action="store_true", help="keep the lake afterwards")
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()
    load_before = _load1()
    made = generate(workdir, args.size_mb)
    print(f"input ready: {json.dumps(made)}", flush=True)
    tsv, root = workdir / FILE_NAME, workdir / "lake"
    base = [baseline("duckdb", tsv, workdir)]
    print(json.dumps({k: v for k, v in base[-1].items() if k != "stdout"}), flush=True)
    steps = lake_path(tsv, root)
    for step in steps:
        print(json.dumps({k: v for k, v in step.items() if k != "stdout"}), flush=True)
    check: dict[str, Any] = {}
    if steps and steps[-1]["what"] == "publish" and steps[-1]["ok"]:
        check = check_mart(root, base[0])
    if not args.skip_pandas:
        base.append(baseline("pandas", tsv, workdir))
        print(json.dumps({k: v for k, v in base[-1].items() if k != "stdout"}), flush=True)
    print_table(made, steps, base)
    summary = {**summarise(steps, base), **check, "load1_before": load_before}
    failed = next((s for s in steps if not s["ok"]), None)
    if failed:
        summary["failed_step"] = failed["what"]
        summary["failure"] = failed.get("failed") or failed.get("error") or failed["stderr_tail"]
        print(f"\nthe lake's path FAILED at `lake {failed['what']}`: {summary['failure']}")
    print(
        f"\nlake path {summary['lake_seconds']} s, peak {summary['lake_peak_mb']:,.0f} MB; "
        f"ratio to the DuckDB script {summary.get('ratio_to_script')} (target <= {RATIO_TARGET}); "
        f"peak target <= {GB_TARGET} GB {'met' if summary['peak_target_met'] else 'MISSED'}; "
        f"mart vs script: {check or 'not checked (no published mart)'}"
    )
    results = {
        "input": made,
        "steps": [{k: v for k, v in s.items() if k != "stdout"} for s in steps],
        "baselines": [{k: v for k, v in b.items() if k != "stdout"} for b in base],
        "summary": summary,
        "cores": os.cpu_count(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    (workdir / "results.json").write_text(json.dumps(results, indent=1))
    if not args.keep_lake:
        shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(results))
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
