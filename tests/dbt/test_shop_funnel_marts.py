"""The funnel and LLM usage marts from real landings: the sandbox shop's database and LLM
gateway files extracted, events sent through the collector, ingested and built; then new
events (a late login that stitches an earlier anonymous session, a late event that joins
two sessions) and a gateway file rewritten with a late call, and an incremental build, whose
marts equal a full refresh's, row for row."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from extract.runner import Runner, load_extractor
from lake.config import LakePaths
from lake.sandbox.shop.database import ShopDatabase
from lake.sandbox.shop.drops import ShopDrops
from lake.sandbox.world import World
from tests.dbt.harness import run_dbt
from tests.dbt.staging_support import StagingBuild, ingest
from tests.events.conftest import AUTH, make_client

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

WORLD = World(today=date(2026, 11, 20), origin=date(2024, 11, 20))
MARTS = (
    "fct_events",
    "dim_visitors",
    "int_events_sessionised",
    "fct_sessions",
    "fct_funnel_daily",
    "fct_llm_calls",
    "fct_llm_usage_daily",
)
SCHEMA = {"int_events_sessionised": "intermediate"}
FIRST = sorted(WORLD.shop.table("orders"), key=lambda o: o["order_id"])[0]


def _extract(lake_root: Path, drops: ShopDrops, database: ShopDatabase) -> None:
    env = {**drops.env(), "LAKE_SHOP_DB_URL": database.url}
    runner = Runner(LakePaths(lake_root).ensure(), env=env, today=WORLD.today)
    names = ("llm_calls", "shop_db")
    report = asyncio.run(runner.run({name: load_extractor(name) for name in names}))
    assert report.ok, report.to_dict()


def _send(paths: LakePaths, batch: list[dict]) -> None:
    sent_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    with make_client(paths) as client:
        response = client.post("/v1/batch", json={"batch": batch, "sentAt": sent_at}, auth=AUTH)
    assert response.status_code == 200, response.text


def _call(message_id: str, at: str, call_type: str = "track", **fields: object) -> dict:
    return {"type": call_type, "messageId": message_id, "timestamp": at, **fields}


def _build(lake_root: Path, work: Path, *flags: str) -> StagingBuild:
    # and the customers a visitor is stitched to (a relationships test)
    selectors = [*(f"+{name}" for name in MARTS), "stg_shop_db__customers"]
    # cautious: tests of the staging models built here that need other staging models stay out
    args = ["build", "--select", *selectors, "--indirect-selection", "cautious", *flags]
    result = run_dbt(args, lake_root=lake_root, work_dir=work)
    return StagingBuild(result, lake_root)


def _errors(build: StagingBuild) -> list[str]:
    """Problems other than warnings (`not_empty` of call types nobody sent, ...)."""
    return [p for p in build.problems() if not p.startswith("warn ")]


def _tables(build: StagingBuild) -> dict[str, list[tuple]]:
    return {
        name: build.query(
            f"select * exclude (_ingested_at) from {SCHEMA.get(name, 'shop')}.{name} order by all"
        )
        if name in ("fct_events", "fct_llm_calls")
        else build.query(f"select * from {SCHEMA.get(name, 'shop')}.{name} order by all")
        for name in MARTS
    }


SESSIONS = (
    "select visitor_id, channel, events, customer_id, reached_product_added "
    "from shop.fct_sessions order by 1, 3"
)
FUNNEL = (
    "select sum(orders_placed), sum(orders_completed_events), sum(orders_completed_matched), "
    "sum(orders_without_events) from shop.fct_funnel_daily"
)
LLM = (
    "select (select count(*) from shop.fct_llm_calls), "
    "(select count(*) from staging.stg_llm_calls__calls), "
    "(select count(*) from shop.fct_llm_calls where request_id = 'req_late_0001')"
)


def _state(build: StagingBuild) -> dict:
    """What a build gave, read right after it (the next build rewrites the database)."""
    return {
        "errors": _errors(build),
        "sessions": build.query(SESSIONS),
        "funnel": build.one(FUNNEL),
        "llm": build.one(LLM),
        "tables": _tables(build),
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    work = tmp_path_factory.mktemp("shop_funnel")
    lake_root = work / "lake"
    paths = LakePaths(lake_root).ensure()
    drops = ShopDrops(work / "drops")
    drops.write(WORLD.shop, origin=WORLD.origin)
    database = ShopDatabase(work / "shop.sqlite")
    database.write(WORLD.shop)
    web = {"context": {"library": {"name": "analytics.js"}}}
    # visitor a-1 browses anonymously at 10:00; a-2 buys the world's first order on the app
    _send(
        paths,
        [
            _call("m1", "2026-11-18T10:00:00Z", "page", anonymousId="a-1", name="Home", **web),
            _call("m2", "2026-11-18T10:01:00Z", anonymousId="a-1", event="Products Searched",
                  **web),
            _call("m3", "2026-11-18T10:50:00Z", anonymousId="a-1", event="Product Viewed",
                  properties={"product_id": "p-1"}, **web),
            _call("n1", "2026-11-18T12:00:00Z", "screen", anonymousId="a-2", name="Product"),
            _call("n2", "2026-11-18T12:01:00Z", anonymousId="a-2", userId=FIRST["customer_id"],
                  event="Order Completed", properties={"order_id": FIRST["order_id"]},
                  context={"library": {"name": "analytics-ios"}}),
        ],
    )  # fmt: skip
    _extract(lake_root, drops, database)
    ingest(lake_root)
    first = _state(_build(lake_root, work))
    # later: a-1 logs in, and an event of 10:25 that arrived late joins its two sessions
    _send(
        paths,
        [
            _call("m4", "2026-11-18T10:25:00Z", anonymousId="a-1", event="Product Added", **web),
            _call("m5", "2026-11-19T09:00:00Z", "identify", anonymousId="a-1", userId="c-late"),
        ],
    )
    # the gateway appends a late call to a finished day: the file lands again
    day = WORLD.today - timedelta(days=3)
    path = drops.llm_calls_dir / f"llm_calls_{day}.jsonl"
    late = {**json.loads(path.read_text().splitlines()[0]), "request_id": "req_late_0001"}
    modified = path.stat().st_mtime
    path.write_bytes(path.read_bytes() + (json.dumps(late) + "\n").encode())
    os.utime(path, (modified, modified))
    _extract(lake_root, drops, database)
    ingest(lake_root)
    incremental = _state(_build(lake_root, work))
    full = _state(_build(lake_root, work, "--full-refresh"))
    return {"first": first, "incremental": incremental, "full": full}


def test_every_build_passes_its_tests(builds) -> None:
    assert builds["first"]["errors"] == []
    assert builds["incremental"]["errors"] == []
    assert builds["full"]["errors"] == []


def test_first_build_sessions_and_funnel(builds) -> None:
    first = builds["first"]
    assert first["sessions"] == [
        ("a-1", "web", 1, None, False),  # 10:50, after a 49-minute gap: a session of its own
        ("a-1", "web", 2, None, False),
        ("a-2", "app", 2, FIRST["customer_id"], False),
    ]
    placed = len(WORLD.shop.table("orders"))
    assert first["funnel"] == (placed, 1, 1, placed - 1)


def test_late_login_and_late_event_restitch_and_rejoin(builds) -> None:
    incremental = builds["incremental"]
    assert incremental["sessions"] == [
        ("a-1", "web", 4, "c-late", True),  # one session now, stitched to the later login
        ("a-2", "app", 2, FIRST["customer_id"], False),
    ]
    calls, staged, late = incremental["llm"]
    assert calls == staged > builds["first"]["llm"][0]
    assert late == 1


def test_incremental_build_equals_full_refresh(builds) -> None:
    for name in MARTS:
        incremental = builds["incremental"]["tables"][name]
        assert incremental == builds["full"]["tables"][name], name
        assert incremental, name  # not trivially equal: every mart has rows
