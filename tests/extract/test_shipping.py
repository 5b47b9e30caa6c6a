"""extract/shipping.py against the sandbox's EasyPost-shaped carrier API: trackers listed and
landed unchanged, then only the trackers not yet final polled on the next run."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from extract._http import RetryPolicy, Timeouts
from extract.runner import Runner, RunReport
from extract.shipping import EXTRACTOR, FINAL_STATUSES
from lake.config import LakePaths
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.carrier import Carrier
from lake.sandbox.cli import env_lines
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World
from tests.extract.conftest import Stopwatch

TODAY = date(2026, 11, 23)
FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, max_retry_after=5)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox(World(today=TODAY)) as running:
        yield running


def carrier(world: World) -> Carrier:
    shop = world.shop
    names = ("orders", "order_items", "sellers", "customers")
    return Carrier(world.seed, world.today, *(shop.table(n) for n in names))


def run(paths: LakePaths, sandbox: Sandbox, today: date = TODAY, **extra: str) -> RunReport:
    env = dict(line.split("=", 1) for line in env_lines(sandbox.url))
    env = {k: v for k, v in env.items() if k.startswith("LAKE_SHIPPING_")} | extra
    return asyncio.run(Runner(paths, env=env, today=today, retry=FAST).run({"shipping": EXTRACTOR}))


def trackers_landed(paths: LakePaths, report: RunReport) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for item in report.sources[0].accounts[0].files:
        doc = json.loads((paths.root / item["path"]).read_bytes())
        for tracker in doc.get("trackers", [doc]):
            found[tracker["id"]] = tracker
    return found


def test_first_run_lands_every_tracker_and_ingest_reads_them(paths, sandbox):
    report = run(paths, sandbox)
    assert report.ok, report.sources[0].accounts[0].error
    expected = carrier(sandbox.world)
    got = trackers_landed(paths, report)
    assert set(got) == {t.id for t in expected.trackers}
    statuses = {t["status"] for t in got.values()}
    assert {"delivered", "in_transit", "failure", "return_to_sender"} <= statuses
    assert all(t["reference"] and t["tracking_details"] for t in got.values())
    summary = Ingestor(paths).run(landing_files(SyncLandingStore(paths))).to_dict()
    assert summary["quarantined"] == 0 and summary["rows_raw"] == len(got)


def test_next_run_polls_only_trackers_not_yet_final(paths, sandbox):
    first = trackers_landed(paths, run(paths, sandbox))
    still_open = {i for i, t in first.items() if t["status"] not in FINAL_STATUSES}
    assert 0 < len(still_open) < len(first) / 5
    sandbox.admin.clear_requests()
    later = date.fromisoformat(sandbox.admin.advance(5))
    second = run(paths, sandbox, today=later)
    assert second.ok, second.sources[0].accounts[0].error
    polled = {
        r["path"].rsplit("/", 1)[1]
        for r in sandbox.admin.requests("shipping")
        if r["path"].startswith("/shipping/v2/trackers/")
    }
    listed = {
        t["id"]
        for f in second.sources[0].accounts[0].files
        if f["name"].startswith("trackers_p")
        for t in json.loads((paths.root / f["path"]).read_bytes())["trackers"]
    }
    assert polled == still_open - listed and polled  # every open one, nothing final
    state = json.loads((paths.state / "extract" / "shipping.json").read_text())
    now_open = set(state["accounts"]["shop"]["cursor"]["open_trackers"])
    landed = trackers_landed(paths, second)
    finals = {i for i, t in landed.items() if t["status"] in FINAL_STATUSES}
    assert now_open and not now_open & finals  # final trackers are never polled again
    assert now_open <= {i for i, t in landed.items() if t["status"] not in FINAL_STATUSES}
    # some that were on their way have arrived since, and are no longer open
    assert any(landed[i]["status"] == "delivered" for i in polled)


def test_a_tracker_without_updates_for_the_give_up_days_is_dropped(paths, sandbox):
    first = trackers_landed(paths, run(paths, sandbox))
    later = date.fromisoformat(sandbox.admin.advance(2))
    stale = {
        i
        for i, t in first.items()
        if t["status"] not in FINAL_STATUSES
        and t["updated_at"] < (later - timedelta(days=30)).isoformat()
    }
    assert stale  # the stuck ones
    env = {"LAKE_SHIPPING_GIVE_UP_DAYS": "30"}
    assert run(paths, sandbox, today=later, **env).ok
    state = json.loads((paths.state / "extract" / "shipping.json").read_text())
    assert not stale & set(state["accounts"]["shop"]["cursor"]["open_trackers"])
    sandbox.admin.clear_requests()
    assert run(paths, sandbox, today=later + timedelta(days=1), **env).ok
    polled = {r["path"].rsplit("/", 1)[1] for r in sandbox.admin.requests("shipping")}
    assert not stale & polled  # never asked for again


def test_a_stalled_page_times_out_and_is_fetched_again(paths, sandbox):
    """A tracker page cut short and then silent hits the read timeout, is retried and lands
    whole: every tracker is there, and no half page was landed."""
    sandbox.admin.set_fault("shipping", "stall_download", stall=120)
    impatient = dataclasses.replace(EXTRACTOR, timeouts=Timeouts(read=2.0))
    env = dict(line.split("=", 1) for line in env_lines(sandbox.url))
    env = {k: v for k, v in env.items() if k.startswith("LAKE_SHIPPING_")}
    runner = Runner(paths, env=env, today=TODAY, retry=FAST)
    with Stopwatch() as watch:
        report = asyncio.run(runner.run({"shipping": impatient}))
    assert watch.elapsed < 60  # the stall alone would take 120 s
    assert report.ok, report.sources[0].accounts[0].error
    first, second = sandbox.admin.requests("shipping")[:2]
    assert first["path"] == second["path"]
    assert len(trackers_landed(paths, report)) == len(carrier(sandbox.world).trackers)
