"""Benchmark of landing search over a large store.

Builds a lake with N entries (default 100,000) from several sources with realistic names,
metadata and small text contents, then times a few hundred varied queries through the real
`LandingStore.search()` and prints the median and p95 in milliseconds.

The entries are bulk-written (data file + sidecar record, no fsync per file) and the index is
then built by the real `rebuild_index()`: that is the "build" time reported. A few real
`store()` calls and `all_versions()` / `list()` are timed as well.

    .venv/bin/python bench/search_bench.py --entries 100000 [--root DIR] [--queries 400]

The last line printed is a JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lake.config import LakePaths
from lake.landing import Entry, LandingStore
from lake.landing.layout import record_path, stamp

ARTISTS = [
    "Blue Frog", "Night Owls", "Mara Lind", "The Copper Keys", "Juno Vale", "Static Bloom",
    "Ola Berg", "Paper Lanterns", "Rue Marlowe", "Sable & Finch", "Kite Theory", "Low Tide",
]  # fmt: skip
TRACKS = [
    "Midnight Drive", "Glass Harbor", "Paper Moon", "Salt and Ember", "Northern Line",
    "Quiet Riot Girl", "Orange Grove", "Tidal", "Heatwave", "Letters Home", "Zero Gravity",
]  # fmt: skip
COUNTRIES = ["SE", "NO", "DE", "US", "GB", "FR", "BR", "JP", "NL", "ES"]
PRODUCTS = [
    "linen shirt", "wool beanie", "canvas tote", "leather wallet", "ceramic mug",
    "vinyl record", "enamel pin", "poster print", "denim jacket", "silk scarf",
]  # fmt: skip
SITES = ["shopzone.a0", "priceparrot.io", "dealhound.com", "bargainbin.net"]
ACCOUNTS = ["label_main", "label_backup", "juno.vale.official", "bluefrog_music"]
WORDS = [
    "streams", "revenue", "payout", "royalty", "impressions", "clicks", "spend", "reach",
    "followers", "views", "likes", "shares", "saves", "subscribers", "opens", "bounces",
    "refunds", "order", "basket", "checkout", "session", "agent", "prompt", "tool", "latency",
    "tokens", "price", "discount", "stock",
]  # fmt: skip


def _date(rng: random.Random) -> str:
    return (datetime(2026, 1, 1) + timedelta(days=rng.randrange(330))).strftime("%Y-%m-%d")


def _csv(rng: random.Random, header: str, rows: int) -> str:
    lines = [header]
    for _ in range(rows):
        lines.append(
            f"{_date(rng)},{rng.choice(ARTISTS)},{rng.choice(TRACKS)},"
            f"{rng.choice(COUNTRIES)},{rng.randrange(10_000)}"
        )
    return "\n".join(lines) + "\n"


def _json_lines(rng: random.Random, rows: int) -> str:
    return "".join(
        json.dumps(
            {
                "date": _date(rng),
                "product": rng.choice(PRODUCTS),
                "metric": rng.choice(WORDS),
                "value": rng.randrange(1000),
            }
        )
        + "\n"
        for _ in range(rows)
    )


Synthetic = tuple[str, str, str, dict[str, object], str]
"""(source, name, data_type, metadata, text) of one synthetic landing file."""


def make_file(rng: random.Random, serial: int) -> Synthetic:
    """One synthetic landing file; nine kinds from seven sources, in turn."""
    kind = serial % 9
    day = _date(rng)
    artist = rng.choice(ARTISTS)
    account = rng.choice(ACCOUNTS)
    if kind == 0:
        table = _csv(rng, "date,artist,track,country,earnings", 4).replace(",", "\t")
        return "distrokid", f"dk_bank_details_{account}_{serial}.tsv", "tsv", {}, table
    if kind == 1:
        table = _csv(rng, "date,artist,track,country,streams", 6)
        return "distrokid", f"streams_{day}_{serial}.tsv", "tsv", {"report": "streams"}, table
    if kind == 2:
        name = f"tiktok_{account}_{day}_videos_{serial}.json"
        videos = [{"video": rng.choice(TRACKS), "views": rng.randrange(10**6)}]
        meta = {"account": account, "artist": artist}
        return "tiktok", name, "json", meta, json.dumps(videos)
    if kind == 3:
        name = f"spotify_{artist.lower().replace(' ', '_')}_{day}_{serial}.csv"
        meta = {"artist": artist, "country": rng.choice(COUNTRIES)}
        return "spotify", name, "csv", meta, _csv(rng, "date,artist,track,country,streams", 5)
    if kind == 4:
        campaign = f"cmp{rng.randrange(500):04d}"
        meta = {"campaign_id": campaign, "objective": rng.choice(["reach", "conversions"])}
        table = _csv(rng, "date,artist,track,country,spend", 4)
        return "meta_ads", f"meta_ads_{campaign}_{day}_{serial}.csv", "csv", meta, table
    if kind == 5:
        meta = {"list": rng.choice(["fans", "press", "shop"])}
        name = f"mailchimp_campaign_{serial}.ndjson"
        return "mailchimp", name, "ndjson", meta, _json_lines(rng, 4)
    if kind == 6:
        name = f"orders_{day}_{serial}.ndjson"
        return "shop", name, "ndjson", {"store": "eu"}, _json_lines(rng, 6)
    if kind == 7:
        site, product = rng.choice(SITES), rng.choice(PRODUCTS)
        page = f"<html><body><h1>{product}</h1><p>price {rng.randrange(5, 90)} EUR</p></body>"
        meta = {"site": site, "product": product}
        return "competitors", f"prices_{site}_{day}_{serial}.html", "html", meta, page
    meta = {"agent": rng.choice(["support", "pricing"]), "model": "small-llm"}
    name = f"agent_session_{serial}.ndjson"
    return "agent_logs", name, "ndjson", meta, _json_lines(rng, 3)


def bulk_write(paths: LakePaths, count: int, seed: int) -> None:
    """Write data files and their records directly (the bulk path: no fsync per file)."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for serial in range(count):
        source, name, data_type, metadata, text = make_file(rng, serial)
        moment = start + timedelta(minutes=serial // 25)
        relative = f"landing/{source}/{stamp(moment)}/{name}"
        data = text.encode("utf-8")
        entry = Entry(
            id=hashlib.sha256(f"bench-{seed}-{serial}".encode()).hexdigest()[:32],
            version=1,
            name=name,
            data_type=data_type,
            source=source,
            metadata={**metadata, "source": source},
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            created_at=moment.isoformat(),
            updated_at=moment.isoformat(),
            path=relative,
        )
        target = paths.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        record_path(target).write_text(json.dumps(entry.to_record()), encoding="utf-8")


def make_queries(count: int, seed: int) -> list[dict[str, object]]:
    """A varied mix: words, phrases, punctuation, filters, prefixes, misses."""
    rng = random.Random(seed)
    makers: list[Callable[[], dict[str, object]]] = [
        lambda: {"query": rng.choice(ARTISTS)},
        lambda: {"query": rng.choice(TRACKS).lower()},
        lambda: {"query": rng.choice(PRODUCTS)},
        lambda: {"query": "dk_bank_details " + rng.choice(ACCOUNTS)},
        lambda: {"query": rng.choice(SITES)},
        lambda: {"query": rng.choice(WORDS)},
        lambda: {"query": f"{rng.choice(WORDS)} {rng.choice(COUNTRIES)}"},
        lambda: {"query": _date(rng)},
        lambda: {"query": f"cmp{rng.randrange(500):04d}"},
        lambda: {"query": rng.choice(["distro", "mailch", "compet", "spot"])},
        lambda: {"query": rng.choice(['"Blue Frog"', "zone.a0", "(price", "a:b", "NOT *"])},
        lambda: {"query": "nosuchword" + str(rng.randrange(1000))},
        lambda: {"query": rng.choice(ARTISTS), "data_type": "csv"},
        lambda: {"query": rng.choice(WORDS), "subpath": rng.choice(["shop", "tiktok"])},
        lambda: {"query": "streams", "subpath": "distrokid"},
    ]
    return [rng.choice(makers)() for _ in range(count)]


async def time_searches(store: LandingStore, queries: list[dict[str, object]]) -> list[float]:
    timings = []
    for spec in queries:
        began = time.perf_counter()
        await store.search(**spec)  # type: ignore[arg-type]
        timings.append((time.perf_counter() - began) * 1000)
    return timings


async def time_stores(store: LandingStore, count: int) -> list[float]:
    timings = []
    for serial in range(count):
        began = time.perf_counter()
        await store.store(f"bench_{serial}.csv", f"a,b\n{serial},x\n", "csv", source="bench")
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run(args: argparse.Namespace, root: Path) -> dict[str, object]:
    paths = LakePaths(root)
    figures: dict[str, object] = {"entries": args.entries, "queries": args.queries}
    fresh = not (paths.landing.exists() and any(paths.landing.iterdir()))
    if fresh:
        began = time.perf_counter()
        bulk_write(paths, args.entries, args.seed)
        figures["write_files_s"] = round(time.perf_counter() - began, 2)
    async with LandingStore(paths) as store:
        began = time.perf_counter()
        report = await store.rebuild_index()
        figures["build_index_s"] = round(time.perf_counter() - began, 2)
        figures["indexed_versions"] = report.versions
        queries = make_queries(args.queries, args.seed)
        await time_searches(store, queries[:20])  # warm the page cache
        timings = await time_searches(store, queries)
        hits = [len(await store.search(**spec)) for spec in queries[:50]]  # type: ignore[arg-type]
        figures["search_median_ms"] = round(statistics.median(timings), 2)
        figures["search_p95_ms"] = round(percentile(timings, 0.95), 2)
        figures["search_max_ms"] = round(max(timings), 2)
        figures["search_mean_ms"] = round(statistics.fmean(timings), 2)
        figures["queries_with_hits_of_50"] = sum(1 for count in hits if count)
        began = time.perf_counter()
        figures["all_versions_count"] = len(store.all_versions())
        figures["all_versions_s"] = round(time.perf_counter() - began, 3)
        began = time.perf_counter()
        figures["list_count"] = len(await store.list())
        figures["list_s"] = round(time.perf_counter() - began, 3)
        store_timings = await time_stores(store, 50)
        figures["store_median_ms"] = round(statistics.median(store_timings), 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--root", type=Path, default=None, help="lake root (default: temp)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    root = args.root.resolve() if args.root else Path(tempfile.mkdtemp(prefix="landing-bench-"))
    try:
        figures = asyncio.run(run(args, root))
    finally:
        if args.root is None:
            shutil.rmtree(root, ignore_errors=True)
    if "write_files_s" in figures:
        print(f"wrote {args.entries} landing files in {figures['write_files_s']} s")
    print(
        f"built the index ({figures['indexed_versions']} versions) in {figures['build_index_s']} s"
    )
    print(
        f"search over {args.queries} queries: median {figures['search_median_ms']} ms, "
        f"p95 {figures['search_p95_ms']} ms, max {figures['search_max_ms']} ms"
    )
    print(
        f"all_versions(): {figures['all_versions_s']} s; list(): {figures['list_s']} s; "
        f"store(): median {figures['store_median_ms']} ms"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
