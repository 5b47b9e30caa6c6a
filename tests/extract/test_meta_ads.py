"""extract/meta_ads.py end to end against the sandbox's Marketing API: every page landed as
served and ingested with zero rejects, cursor paging, an incremental second run, 429, 500s and
the breaker, an expired token."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest

from extract._base import ExtractContext, Extractor
from extract._http import RetryPolicy
from extract.meta_ads import EXTRACTOR
from extract.runner import Runner, RunReport
from lake.config import LakePaths
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.cli import env_lines
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World
from tests.extract.conftest import Stopwatch

TODAY = date(2026, 11, 23)
FAST = RetryPolicy(attempts=5, base_delay=0.01, max_delay=0.05, max_retry_after=5)
DATASETS = ("ad_account", "campaigns", "adsets", "ads", "insights", "ad_insights_daily")


@pytest.fixture(scope="module")
def server() -> Iterator[Sandbox]:
    with running_sandbox(World(today=TODAY)) as running:
        yield running


@pytest.fixture
def sandbox(server: Sandbox) -> Sandbox:
    server.admin.reset()
    return server


def sandbox_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    env = dict(line.split("=", 1) for line in env_lines(sandbox.url))
    return {k: v for k, v in env.items() if k.startswith("LAKE_META_ADS_")} | extra


def run(paths: LakePaths, sandbox: Sandbox, today: date = TODAY, **kwargs) -> RunReport:
    extractors = kwargs.pop("extractors", {"meta_ads": EXTRACTOR})
    env = kwargs.pop("env", None) or sandbox_env(sandbox)
    runner = Runner(paths, env=env, today=today, retry=kwargs.pop("retry", FAST), **kwargs)
    return asyncio.run(runner.run(extractors))


def expected_daily(world: World, start: date, end: date) -> set[tuple[str, str]]:
    return {
        (ad.id, day.isoformat())
        for ad in world.meta_ads()
        for day in world.days(start, end)
        if world.meta_ad_day(ad, day) is not None
    }


def landed(paths: LakePaths, report: RunReport, prefix: str) -> list[dict]:
    """The records of every landed page whose name starts with `prefix`_p."""
    found = []
    for account in report.sources[0].accounts:
        for file in account.files:
            if file["name"].startswith(f"{prefix}_p"):
                found += json.loads((paths.root / file["path"]).read_bytes())["data"]
    return found


def test_first_run_lands_every_page_unchanged_and_ingest_reads_it(paths, sandbox):
    report = run(paths, sandbox)
    (source,) = report.sources
    assert source.status == "ok", source.accounts[0].error
    (account,) = source.accounts
    world = sandbox.world
    assert account.account == world.meta_account.id
    daily_rows = expected_daily(world, world.origin, world.last_day)
    pages = -(-len(daily_rows) // 100)  # 24 ads x ~25 days of delivery, 100 rows a page
    assert pages >= 3
    assert [f["name"] for f in account.files] == [
        "ad_account.json",
        "campaigns_p1.json",
        "adsets_p1.json",
        "ads_p1.json",
        "insights_p1.json",
        *(f"ad_insights_daily_p{n}.json" for n in range(1, pages + 1)),
    ]
    window = account.window
    assert (window["start"], window["end"]) == (
        (TODAY - timedelta(days=730)).isoformat(),
        (TODAY - timedelta(days=1)).isoformat(),
    )
    store = SyncLandingStore(paths)
    try:
        for file in account.files:
            entry = store.retrieve_by_path(file["path"])
            assert entry.metadata["account"] == world.meta_account.id
            assert entry.metadata["source"] == "meta_ads"
            assert entry.metadata["dataset"] in DATASETS
            assert "sandbox-meta_ads-token" not in json.dumps(entry.metadata)
        # byte for byte what the API serves for the same request
        daily = account.files[6]
        direct = httpx.get(daily["url"], headers={"Authorization": "Bearer sandbox-meta_ads-token"})
        assert (paths.root / daily["path"]).read_bytes() == direct.content
        files = landing_files(store)
    finally:
        store.close()
    summary = Ingestor(paths).run(files)
    totals = summary.to_dict()
    assert (totals["quarantined"], totals["rows_rejected"]) == (0, 0)
    rows = {
        d: sum(o.rows_raw for f in summary.files for o in f.outputs if o.dataset == d)
        for d in DATASETS
    }
    assert rows == {
        "ad_account": 1,
        "campaigns": len(world.meta_campaigns),
        "adsets": len(world.meta_adsets()),
        "ads": len(world.meta_ads()),
        "insights": len(world.meta_adsets()),
        "ad_insights_daily": len(daily_rows),
    }
    got = {(r["ad_id"], r["date_start"]) for r in landed(paths, report, "ad_insights_daily")}
    assert got == daily_rows


def test_cursor_paging_with_a_small_limit_lands_each_page(paths, sandbox):
    env = sandbox_env(sandbox, LAKE_META_ADS_PAGE_SIZE="5")
    report = run(paths, sandbox, env=env, since=TODAY - timedelta(days=20))
    assert report.ok, report.sources[0].accounts[0].error
    world = sandbox.world
    names = [f["name"] for f in report.sources[0].accounts[0].files]
    ads_pages = -(-len(world.meta_ads()) // 5)
    assert [n for n in names if n.startswith("ads_p")] == [
        f"ads_p{n}.json" for n in range(1, ads_pages + 1)
    ]
    assert [a["id"] for a in landed(paths, report, "ads")] == [a.id for a in world.meta_ads()]
    assert len(landed(paths, report, "campaigns")) == len(world.meta_campaigns)
    ads_requests = [r for r in sandbox.admin.requests("meta_ads") if r["path"].endswith("/ads")]
    assert len(ads_requests) == ads_pages
    assert "after" not in ads_requests[0]["query"]
    assert all(r["query"]["limit"] == "5" and "after" in r["query"] for r in ads_requests[1:])


def test_incremental_second_run_asks_only_for_the_new_days(paths, sandbox):
    first = run(paths, sandbox)
    assert first.ok, first.sources[0].accounts[0].error
    sandbox.admin.clear_requests()
    later = date.fromisoformat(sandbox.admin.advance(6))
    second = run(paths, sandbox, today=later)
    assert second.ok, second.sources[0].accounts[0].error
    start = TODAY - timedelta(days=1 + EXTRACTOR.overlap_days)
    end = later - timedelta(days=1)
    requests = sandbox.admin.requests("meta_ads")
    daily = [r for r in requests if r["query"].get("time_increment") == "1"]
    assert daily and {json.loads(r["query"]["time_range"])["since"] for r in daily} == {
        start.isoformat()
    }
    assert {json.loads(r["query"]["time_range"])["until"] for r in daily} == {end.isoformat()}
    # the entity lists and the lifetime insights are asked again, whole
    edges = {r["path"].rsplit("/", 1)[-1] for r in requests}
    assert {"campaigns", "adsets", "ads", "insights"} <= edges
    world = sandbox.world
    got = {(r["ad_id"], r["date_start"]) for r in landed(paths, second, "ad_insights_daily")}
    assert got == expected_daily(world, start, end)
    assert len(got) < len(landed(paths, first, "ad_insights_daily")) / 5  # not the history
    # the overlap re-fetches the provisional days with their final values
    provisional = (TODAY - timedelta(days=1)).isoformat()
    old = {r["ad_id"]: r["spend"] for r in landed(paths, first, "ad_insights_daily")
           if r["date_start"] == provisional}  # fmt: skip
    new = {r["ad_id"]: r["spend"] for r in landed(paths, second, "ad_insights_daily")
           if r["date_start"] == provisional}  # fmt: skip
    assert old and old.keys() == new.keys() and old != new
    state = json.loads((paths.state / "extract" / "meta_ads.json").read_text())
    assert state["accounts"][world.meta_account.id]["last_fetched"] == end.isoformat()


def test_429_then_success_honours_retry_after(paths, sandbox):
    sandbox.admin.set_fault("meta_ads", "rate_limit", times=1, retry_after=1)
    with Stopwatch() as watch:
        report = run(paths, sandbox)
    assert report.ok, report.sources[0].accounts[0].error
    statuses = [r["status"] for r in sandbox.admin.requests("meta_ads")]
    assert statuses[:2] == [429, 200] and set(statuses[2:]) == {200}
    assert watch.elapsed >= 1.0
    assert [f["name"] for f in report.sources[0].accounts[0].files][:2] == [
        "ad_account.json",
        "campaigns_p1.json",
    ]


def test_repeated_500s_open_the_breaker_and_other_sources_carry_on(paths, sandbox):
    async def other(ctx: ExtractContext) -> None:
        await ctx.land("ok.json", b"{}", "json", url="https://other.example/ok")

    sandbox.admin.set_fault("meta_ads", "server_error", times=None)
    account = sandbox.world.meta_account.id
    env = sandbox_env(sandbox, LAKE_META_ADS_ACCOUNTS=f"{account},act_100200300")
    extractors = {
        "meta_ads": EXTRACTOR,
        "other": Extractor("other", "http", "1", other, "https://other.example"),
    }
    report = run(paths, sandbox, env=env, extractors=extractors)
    meta, fine = report.sources
    first, second = meta.accounts
    assert first.error.type == "SourceUnavailableError" and "answered 500" in first.error.message
    assert second.error.type == "CircuitOpenError"
    assert (meta.status, fine.status, report.ok) == ("failed", "ok", False)
    assert len(sandbox.admin.requests("meta_ads")) == FAST.attempts  # act_100200300: none
    assert not list(paths.landing.glob("meta_ads/**/*.json"))
    assert not (paths.state / "extract" / "meta_ads.json").exists()


def test_an_expired_token_says_to_renew_it_and_nothing_is_reported_as_success(paths, sandbox):
    sandbox.admin.set_fault("meta_ads", "expire_session")
    report = run(paths, sandbox)
    (source,) = report.sources
    error = source.accounts[0].error
    assert (source.status, report.ok) == ("failed", False)
    assert error.type == "LoginExpiredError" and "190" in error.message
    assert "long-lived access token" in error.hint and "LAKE_META_ADS_TOKEN" in error.hint
    assert len(sandbox.admin.requests("meta_ads")) == 1  # never retried
    assert not source.accounts[0].files
    assert not (paths.state / "extract" / "meta_ads.json").exists()


def test_an_account_that_is_not_an_ad_account_id_is_a_config_error(paths, sandbox):
    report = run(paths, sandbox, env=sandbox_env(sandbox, LAKE_META_ADS_ACCOUNTS="Blue Frog"))
    error = report.sources[0].accounts[0].error
    assert error.type == "ConfigError" and "act_" in error.hint
    assert sandbox.admin.requests("meta_ads") == []
