"""extract/payments.py against the sandbox's Stripe-shaped gateway, read through the official
`stripe` client: every page landed unchanged and ingested, paging by `starting_after`, a 429
whose Retry-After is honoured, an expired key failing clearly, an incremental re-run."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import httpx
import pytest

from extract._http import RetryPolicy, Timeouts
from extract.payments import EXTRACTOR, RESOURCES
from extract.runner import Runner, RunReport
from lake.config import LakePaths
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.cli import env_lines
from lake.sandbox.gateway import Gateway
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World
from tests.extract.conftest import Stopwatch

TODAY = date(2026, 11, 23)
FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, max_retry_after=5)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox(World(today=TODAY)) as running:
        yield running


def gateway(world: World) -> Gateway:
    shop = world.shop
    tables = (shop.table("orders"), shop.table("payments"), shop.table("customers"))
    return Gateway(world.seed, world.today, *tables)


def sandbox_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    env = dict(line.split("=", 1) for line in env_lines(sandbox.url))
    return {k: v for k, v in env.items() if k.startswith("LAKE_PAYMENTS_")} | extra


def run(paths: LakePaths, sandbox: Sandbox, today: date = TODAY, **env: str) -> RunReport:
    runner = Runner(paths, env=sandbox_env(sandbox, **env), today=today, retry=FAST)
    return asyncio.run(runner.run({"payments": EXTRACTOR}))


def landed(paths: LakePaths, report: RunReport, prefix: str) -> list[dict]:
    """The objects of every landed list page of one resource."""
    found = []
    for item in report.sources[0].accounts[0].files:
        if item["name"].startswith(f"{prefix}_p"):
            found += json.loads((paths.root / item["path"]).read_bytes())["data"]
    return found


def test_first_run_lands_every_object_of_every_resource_and_ingest_reads_them(paths, sandbox):
    report = run(paths, sandbox)
    assert report.ok, report.sources[0].accounts[0].error
    gw = gateway(sandbox.world)
    start = int(datetime.combine(TODAY - timedelta(days=730), time(), UTC).timestamp())
    charges = landed(paths, report, "charges")
    assert sorted(c["id"] for c in charges) == sorted(
        c.id for c in gw.charges if c.created >= start
    )
    assert sum(c["amount"] for c in charges) == sum(
        c.amount for c in gw.charges if c.created >= start
    )
    assert {r["id"] for r in landed(paths, report, "refunds")} == {
        r.id for r in gw.refunds if r.created >= start
    }
    assert len(landed(paths, report, "disputes")) == len(
        [d for d in gw.disputes if d.created >= start]
    )
    assert len(landed(paths, report, "events")) == len(gw.events()) > 0
    assert all(c["metadata"]["order_id"] for c in charges)
    # paging: 100 per page with starting_after = the last id of the page before
    requests = [r for r in sandbox.admin.requests("payments") if r["path"].endswith("/v1/charges")]
    assert len(requests) == -(-len(charges) // 100) > 1
    assert requests[1]["query"]["starting_after"] == charges[99]["id"]
    # byte for byte what the gateway serves
    first = report.sources[0].accounts[0].files[0]
    direct = httpx.get(
        f"{sandbox.base_url('payments')}/v1/charges",
        params={
            "limit": 100,
            "created[gte]": start,
            "created[lt]": requests[0]["query"]["created[lt]"],
        },
        headers={"Authorization": f"Bearer {sandbox_env(sandbox)['LAKE_PAYMENTS_TOKEN']}"},
    )
    assert (paths.root / first["path"]).read_bytes() == direct.content
    summary = Ingestor(paths).run(landing_files(SyncLandingStore(paths))).to_dict()
    assert summary["quarantined"] == 0
    total = sum(len(landed(paths, report, r)) for r in RESOURCES)
    assert summary["rows_raw"] == total


def test_429_is_retried_after_the_retry_after_it_asked_for(paths, sandbox):
    sandbox.admin.set_fault("payments", "rate_limit", times=1, retry_after=2)
    with Stopwatch() as watch:
        report = run(paths, sandbox)
    assert report.ok, report.sources[0].accounts[0].error
    statuses = [r["status"] for r in sandbox.admin.requests("payments")]
    assert statuses[:2] == [429, 200]
    assert watch.elapsed >= 2.0


def test_an_expired_key_fails_at_once_saying_to_set_a_new_one(paths, sandbox):
    sandbox.admin.set_fault("payments", "expire_session")
    report = run(paths, sandbox)
    account = report.sources[0].accounts[0]
    assert account.status == "failed" and account.files == []
    assert account.error is not None and account.error.type == "LoginExpiredError"
    assert "Expired API Key" in account.error.message
    assert "LAKE_PAYMENTS_TOKEN" in account.error.hint
    # one request, refused (401), never retried
    assert [r["status"] for r in sandbox.admin.requests("payments")] == [401]
    assert not (paths.state / "extract" / "payments.json").exists()  # the window is kept


def test_500s_beyond_the_retries_fail_as_unavailable(paths, sandbox):
    sandbox.admin.set_fault("payments", "server_error", times=10)
    report = run(paths, sandbox)
    error = report.sources[0].accounts[0].error
    assert error is not None and error.type == "SourceUnavailableError"
    assert len(sandbox.admin.requests("payments")) == FAST.attempts


def test_incremental_rerun_lands_only_the_overlap_and_what_is_new(paths, sandbox):
    first = run(paths, sandbox)
    assert first.ok
    before = {c["id"] for c in landed(paths, first, "charges")}
    later = date.fromisoformat(sandbox.admin.advance(10))
    second = run(paths, sandbox, today=later)
    assert second.ok, second.sources[0].accounts[0].error
    window = second.sources[0].accounts[0].window
    assert window["start"] == (TODAY - timedelta(days=1 + 3)).isoformat()
    start = int(datetime.combine(date.fromisoformat(window["start"]), time(), UTC).timestamp())
    gw = gateway(sandbox.world)
    got = {c["id"] for c in landed(paths, second, "charges")}
    assert got == {c.id for c in gw.charges if c.created >= start}
    assert got - before  # new charges since the first run
    assert len(got) < len(before) / 10  # not the whole history again
    # charges created before the window that an event changed are fetched by id
    refetched = [
        f["name"] for f in second.sources[0].accounts[0].files if f["name"].startswith("charge_")
    ]
    changed = {r.charge.id for r in gw.refunds if r.created >= start and r.charge.created < start}
    assert {n.removeprefix("charge_").removesuffix(".json") for n in refetched} >= changed


def test_the_real_gateway_is_the_stripe_clients_own_base_unless_configured() -> None:
    from extract._config import SourceConfig

    real = SourceConfig.from_env("payments", {"LAKE_PAYMENTS_TOKEN": "rk_live_x"})
    assert EXTRACTOR.base_url(real, real.credentials("default")) == "https://api.stripe.com"
    local = SourceConfig.from_env("payments", {"LAKE_PAYMENTS_BASE_URL": "http://h:1/payments/"})
    assert EXTRACTOR.base_url(local, local.credentials("default")) == "http://h:1/payments"


def test_a_stalled_page_times_out_and_is_fetched_again(paths, sandbox):
    """A page cut short and then silent (the `stall_download` fault) hits the read timeout,
    is retried, and lands whole: the run neither hangs nor lands half a page."""
    sandbox.admin.set_fault("payments", "stall_download", stall=120)
    impatient = dataclasses.replace(EXTRACTOR, timeouts=Timeouts(read=2.0))
    runner = Runner(paths, env=sandbox_env(sandbox), today=TODAY, retry=FAST)
    with Stopwatch() as watch:
        report = asyncio.run(runner.run({"payments": impatient}))
    assert watch.elapsed < 60  # the stall alone would take 120 s
    assert report.ok, report.sources[0].accounts[0].error
    first, second = sandbox.admin.requests("payments")[:2]
    assert first["path"] == second["path"]  # the stalled page, asked for again
    for item in report.sources[0].accounts[0].files:
        json.loads((paths.root / item["path"]).read_bytes())  # every landed page is whole
    start = int(datetime.combine(TODAY - timedelta(days=730), time(), UTC).timestamp())
    expected = {c.id for c in gateway(sandbox.world).charges if c.created >= start}
    assert {c["id"] for c in landed(paths, report, "charges")} == expected
