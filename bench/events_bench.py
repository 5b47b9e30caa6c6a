"""Load test of the event collector on loopback: batches, single calls, nothing lost.

Starts a real `lake serve events` (its own process, a fresh lake under build/bench/), then
drives it with a bounded asyncio generator (aiohttp, bodies serialized before the clock
starts):

1. batches: `--batches` requests of 100 track calls each from `--batch-clients` concurrent
   connections: sustained events/s, p50 and p99 latency per request;
2. singles: `--singles` requests of one call each (`/v1/track`) from `--single-clients`
   connections: requests/s, p50 and p99.

Every 200 counts its calls as acknowledged. Then SIGTERM (the collector drains and lands its
log), `lake ingest`, and every acknowledged messageId is looked up in raw: "lost" is the
number missing (must be 0), "doubled" the number found more than once (must be 0).

    .venv/bin/python bench/events_bench.py [--batches 1500] [--singles 10000]

Targets on 2 cores: >= 20,000 events/s in batches with p99 < 250 ms; >= 1,000 single-call
requests/s. The collector and the load generator share the machine's cores, and `bg cores`
says how busy the rest of the machine was. The last line printed is one JSON object with
every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import aiohttp
import duckdb
import orjson

ROOT = Path(__file__).resolve().parent.parent
LAKE = str(Path(sys.executable).with_name("lake"))
KEY = "bench-write-key"


def call(message_id: str, n: int) -> dict:
    return {
        "type": "track",
        "event": "Product Viewed",
        "messageId": message_id,
        "anonymousId": f"anon-{n % 5000}",
        "userId": f"customer-{n % 3000}" if n % 3 else None,
        "timestamp": "2026-11-20T10:00:00.000Z",
        "properties": {"product_id": f"p-{n % 480}", "price": 19.9, "category": "bed bath"},
        "context": {"library": {"name": "bench"}, "page": {"url": "https://shop.example/p"}},
    }


def start_collector(root: Path) -> tuple[subprocess.Popen, str]:
    ready = root.parent / "collector.url"
    ready.unlink(missing_ok=True)
    env = {**os.environ, "LAKE_EVENTS_WRITE_KEYS": KEY}
    process = subprocess.Popen(
        [LAKE, "serve", "events", "--port", "0", "--root", str(root), "--ready-file", str(ready)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the collector did not start")
        time.sleep(0.05)
    return process, ready.read_text().strip()


async def drive(url: str, path: str, bodies: list[bytes], clients: int) -> dict:
    """Post every body from `clients` connections; latencies and acknowledged indexes."""
    auth = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    headers = {"Authorization": auth, "Content-Type": "application/json"}
    latencies: list[float] = []
    acked: list[int] = []
    statuses: dict[int, int] = {}
    queue = iter(range(len(bodies)))

    async def worker(session: aiohttp.ClientSession) -> None:
        for index in queue:
            started = time.perf_counter()
            async with session.post(url + path, data=bodies[index], headers=headers) as answer:
                await answer.read()
                status = answer.status
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                acked.append(index)

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "seconds": elapsed,
        "requests": len(bodies),
        "acked": acked,
        "statuses": statuses,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


def cpu_seconds_of_others() -> float:
    """CPU time used by every process but this one and its children (from /proc/stat)."""
    with Path("/proc/stat").open() as stat:
        fields = [int(v) for v in stat.readline().split()[1:8]]
    busy = sum(fields) - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process has used, its threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raw_counts(root: Path) -> dict[str, int]:
    pattern = root / "raw" / "_source=events" / "*" / "*" / "*.parquet"
    with duckdb.connect() as con:
        rows = con.execute(
            f"select messageId, count(*) from read_parquet('{pattern}', union_by_name = true) "
            "where messageId is not null group by 1"
        ).fetchall()
    return dict(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=1500, help="requests of 100 calls")
    parser.add_argument("--singles", type=int, default=10000, help="single-call requests")
    parser.add_argument("--batch-clients", type=int, default=16)
    parser.add_argument("--single-clients", type=int, default=64)
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench" / "events")
    args = parser.parse_args()

    shutil.rmtree(args.workdir, ignore_errors=True)
    root = args.workdir / "lake"
    root.parent.mkdir(parents=True, exist_ok=True)
    run = uuid.uuid4().hex[:8]
    batch_ids = [[f"{run}-b{b}-{i}" for i in range(100)] for b in range(args.batches)]
    batch_bodies = [
        orjson.dumps({"batch": [call(m, b * 100 + i) for i, m in enumerate(ids)]})
        for b, ids in enumerate(batch_ids)
    ]
    single_ids = [f"{run}-s{n}" for n in range(args.singles)]
    single_bodies = [orjson.dumps(call(m, n)) for n, m in enumerate(single_ids)]

    process, url = start_collector(root)
    cores = os.cpu_count() or 1
    try:
        wall, before = time.perf_counter(), cpu_seconds_of_others()
        own_before = os.times()
        cpu0 = process_cpu(process.pid)
        batches = asyncio.run(drive(url, "/v1/batch", batch_bodies, args.batch_clients))
        cpu1 = process_cpu(process.pid)
        singles = asyncio.run(drive(url, "/v1/track", single_bodies, args.single_clients))
        cpu2 = process_cpu(process.pid)
        wall = time.perf_counter() - wall
        own = os.times()
        used = cpu_seconds_of_others() - before
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=300)
    subprocess.run([LAKE, "ingest", "--root", str(root)], check=True, capture_output=True)
    counts = raw_counts(root)
    acked = [m for b in batches["acked"] for m in batch_ids[b]]
    acked += [single_ids[n] for n in singles["acked"]]
    lost = sum(1 for m in acked if m not in counts)
    doubled = sum(1 for n in counts.values() if n > 1)
    bench_cpu = (own.user - own_before.user) + (own.system - own_before.system)
    figures = {
        "batch_events_per_s": round(len(batches["acked"]) * 100 / batches["seconds"]),
        "batch_p50_ms": round(batches["p50_ms"], 1),
        "batch_p99_ms": round(batches["p99_ms"], 1),
        "batch_statuses": batches["statuses"],
        "single_requests_per_s": round(len(singles["acked"]) / singles["seconds"]),
        "single_p50_ms": round(singles["p50_ms"], 1),
        "single_p99_ms": round(singles["p99_ms"], 1),
        "single_statuses": singles["statuses"],
        # what the collector itself spent: the rate one free core would sustain
        "batch_events_per_collector_cpu_s": round(len(batches["acked"]) * 100 / (cpu1 - cpu0)),
        "single_requests_per_collector_cpu_s": round(len(singles["acked"]) / (cpu2 - cpu1)),
        "acknowledged": len(acked),
        "lost": lost,
        "doubled": doubled,
        "collector_exit": exit_code,
        "cores": cores,
        # busy CPU of the whole machine minus the load generator's own (the collector's
        # included): how much of the cores was left for it
        "busy_cores_total": round(used / wall, 2),
        "load_generator_cores": round(bench_cpu / wall, 2),
    }
    print(
        f"batches of 100: {figures['batch_events_per_s']:,} events/s, "
        f"p50 {figures['batch_p50_ms']} ms, p99 {figures['batch_p99_ms']} ms "
        f"(target >= 20,000 events/s, p99 < 250 ms)\n"
        f"single calls:   {figures['single_requests_per_s']:,} requests/s, "
        f"p50 {figures['single_p50_ms']} ms, p99 {figures['single_p99_ms']} ms "
        f"(target >= 1,000 requests/s)\n"
        f"collector CPU: {figures['batch_events_per_collector_cpu_s']:,} batched events and "
        f"{figures['single_requests_per_collector_cpu_s']:,} single requests per CPU second\n"
        f"acknowledged {len(acked):,} events; lost {lost}, stored twice {doubled}; "
        f"machine busy {figures['busy_cores_total']} of {cores} cores "
        f"(the load generator {figures['load_generator_cores']})"
    )
    print(json.dumps(figures))
    shutil.rmtree(args.workdir, ignore_errors=True)
    if lost or doubled or exit_code:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
