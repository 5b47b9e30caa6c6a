"""The LLM calls and application logs from the sandbox's drop folders to staging: the shop
world's files (14 complete days and today's file still being written) extracted by
`extract/llm_calls.py` and `extract/app_logs.py`, ingested, built; then the gateway rewrites a
landed day with a late call, and the next (incremental) build holds every call once. Counts
and sums are checked against the generated files themselves."""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from extract.runner import Runner, load_extractor
from lake.config import LakePaths
from lake.sandbox.shop.database import ShopDatabase
from lake.sandbox.shop.drops import ShopDrops
from lake.sandbox.world import World
from tests.dbt.staging_support import StagingBuild, build_sources, ingest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

WORLD = World(today=date(2026, 11, 20), origin=date(2024, 11, 20))
CALLS = "staging.stg_llm_calls__calls"
ACCESS = "staging.stg_app_logs__access"
ERRORS = "staging.stg_app_logs__errors"


@dataclass(frozen=True)
class Built:
    first: StagingBuild
    second: StagingBuild
    drops: ShopDrops
    late_request_id: str
    first_calls: int  # calls in staging after the first build


def extract(lake_root: Path, drops: ShopDrops, **env: str) -> None:
    env = {**drops.env(), **env}
    names = ("llm_calls", "app_logs", "shop_db") if env.get("LAKE_SHOP_DB_URL") else ()
    extractors = {name: load_extractor(name) for name in names or ("llm_calls", "app_logs")}
    runner = Runner(LakePaths(lake_root).ensure(), env=env, today=WORLD.today)
    report = asyncio.run(runner.run(extractors))
    assert report.ok, report.to_dict()


def records(folder: Path, pattern: str) -> list[dict]:
    """The JSON records of the complete files (today's is still being written)."""
    found = []
    for path in sorted(folder.glob(pattern)):
        if str(WORLD.today) not in path.name:
            found += [json.loads(line) for line in path.read_text().splitlines()]
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    work = tmp_path_factory.mktemp("shop_files")
    lake_root = work / "lake"
    drops = ShopDrops(work / "drops")
    drops.write(WORLD.shop, origin=WORLD.origin)
    # the shop's database too: the calls' orders are its orders (a relationships test)
    database = ShopDatabase(work / "shop.sqlite")
    database.write(WORLD.shop)
    extract(lake_root, drops, LAKE_SHOP_DB_URL=database.url)
    ingest(lake_root)
    first = build_sources(lake_root, work, "llm_calls", "app_logs", "shop_db")
    (first_calls,) = first.one(f"select count(*) from {CALLS}")
    # the gateway appends a late call to a day it had finished: the file lands again
    day = WORLD.today - timedelta(days=3)
    path = drops.llm_calls_dir / f"llm_calls_{day}.jsonl"
    late = {**json.loads(path.read_text().splitlines()[0]), "request_id": "req_late_0001"}
    modified = path.stat().st_mtime
    path.write_bytes(path.read_bytes() + (json.dumps(late) + "\n").encode())
    os.utime(path, (modified, modified))  # written long ago: settled
    extract(lake_root, drops)
    ingest(lake_root)
    second = build_sources(lake_root, work, "llm_calls", "app_logs", "shop_db")
    return Built(first, second, drops, "req_late_0001", first_calls)


def test_both_builds_pass_every_test(built: Built) -> None:
    assert built.first.problems() == []
    assert built.second.problems() == []
    relationship = "relationships_stg_llm_calls__calls_order_id__order_id__ref_stg_shop_db__orders_"
    assert relationship in built.second.node_names()


def test_one_row_per_call_of_the_complete_files(built: Built) -> None:
    calls = records(built.drops.llm_calls_dir, "llm_calls_*.jsonl")
    ids = {c["request_id"] for c in calls}
    assert len(ids) == len(calls) > 200  # the late call included: nothing twice
    assert built.late_request_id in ids
    count, distinct = built.second.one(f"select count(*), count(distinct request_id) from {CALLS}")
    assert count == distinct == len(ids)
    # before the rewrite: every call but the late one
    assert built.first_calls == len(ids) - 1
    # every call has its searchable text entry, once
    texts = "staging.stg_llm_calls__call_texts"
    assert built.second.one(f"select count(distinct request_id), count(*) from {texts}") == (
        len(ids),
        len(ids),
    )
    # today's file, still being written, landed nothing
    today = WORLD.today.isoformat()
    assert built.second.one(f"select count(*) from {CALLS} where called_on = '{today}'") == (0,)


def test_tokens_cost_and_status_sum_to_the_files(built: Built) -> None:
    calls = records(built.drops.llm_calls_dir, "llm_calls_*.jsonl")
    usage = [c["response"]["usage"] for c in calls if c["response"]]
    expected = (
        sum(Decimal(c["cost_usd"]) for c in calls),
        sum(u["prompt_tokens"] for u in usage),
        sum(u["completion_tokens"] for u in usage),
        sum(u["prompt_tokens_details"]["cached_tokens"] for u in usage),
        sum(c["latency_ms"] for c in calls),
    )
    got = built.second.one(
        f"select sum(cost_usd), sum(prompt_tokens), sum(completion_tokens), "
        f"sum(cached_tokens), sum(latency_ms) from {CALLS}"
    )
    assert got == expected
    statuses = {}
    for c in calls:
        statuses[c["status"]] = statuses.get(c["status"], 0) + 1
    rows = built.second.query(f"select status, count(*) from {CALLS} group by 1")
    assert dict(rows) == statuses and set(statuses) == {"ok", "error", "timeout"}
    served = sum(1 for c in calls if c["order_id"])
    assert built.second.one(f"select count(order_id) from {CALLS}") == (served,)


def test_access_and_error_rows_match_the_log_lines(built: Built) -> None:
    folder = built.drops.app_logs_dir
    complete = [p for p in folder.glob("access-*.log") if str(WORLD.today) not in p.name]
    lines = sum(len(p.read_text().splitlines()) for p in complete)
    assert built.second.one(f"select count(*), count(distinct log_file) from {ACCESS}") == (
        lines,
        len(complete),
    )
    server_errors = sum(
        1 for p in complete for line in p.read_text().splitlines() if '" 50' in line
    )
    assert built.second.one(f"select count(*) from {ACCESS} where is_server_error") == (
        server_errors,
    )
    errors = records(folder, "error-*.jsonl")
    assert built.second.one(f"select count(*) from {ERRORS}") == (len(errors),)
    assert built.second.one(f"select count(*) from {ERRORS} where status_code = 502") == (
        sum(1 for e in errors if e["status"] == 502),
    )
