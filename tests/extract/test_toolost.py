"""extract/toolost.py end to end against the sandbox portal: the analytics API responses the
pages fetch are captured and landed unchanged for the run's window only, the sales statements
land once each, everything ingests with zero rejects; a second run after `advance` asks only
for the new window; a lapsed portal token logs in again (or, without credentials, fails as an
expired login); slow pages still finish. One Chromium serves the module."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from extract._browser import BrowserOptions, BrowserPool
from extract.runner import Runner, RunReport
from extract.toolost import EXTRACTOR, OVERLAP_DAYS
from lake.config import LakePaths
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.cli import env_lines
from lake.sandbox.platforms.toolost import sales_csv, sales_rows, statement_months
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World
from tests.extract.conftest import Stopwatch

pytestmark = pytest.mark.xdist_group("toolost")  # one Chromium and one sandbox
TODAY = date(2026, 11, 23)
ACCOUNT = "lanternlane"
API = "/toolost/api/v1/analytics/"
RECENT = TODAY - timedelta(days=10)  # a short first window where the test is about the login
OPTIONS = BrowserOptions.from_env(
    {}, action_timeout=6, navigation_timeout=20, download_timeout=20, second_factor_timeout=3
)


@pytest.fixture(scope="module")
def aio() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as runner:
        yield runner


@pytest.fixture(scope="module")
def pool(aio: asyncio.Runner) -> Iterator[BrowserPool]:
    shared = BrowserPool(OPTIONS)
    yield shared
    aio.run(shared.aclose())


@pytest.fixture(scope="module")
def world() -> World:
    return World(today=TODAY)


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[Sandbox]:
    with running_sandbox(world) as running:
        yield running


@pytest.fixture
def sandbox(server: Sandbox) -> Sandbox:
    server.admin.reset()  # first today, no faults, sessions or log; statements stay cached
    return server


def sandbox_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    env = dict(line.split("=", 1) for line in env_lines(sandbox.url))
    return {k: v for k, v in env.items() if k.startswith("LAKE_TOOLOST_")} | extra


def recent_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    """For the login tests: only the latest statement on a first run."""
    return sandbox_env(sandbox, LAKE_TOOLOST_STATEMENTS_SINCE="2026-10", **extra)


def run(aio, pool, paths: LakePaths, sandbox: Sandbox, today: date = TODAY, **kw) -> RunReport:
    env = kw.pop("env", None) or sandbox_env(sandbox)
    runner = Runner(paths, env=env, today=today, browser_pool=pool, **kw)
    return aio.run(runner.run({"toolost": EXTRACTOR}))


def landed(paths: LakePaths, report: RunReport) -> dict[str, bytes]:
    (account,) = report.sources[0].accounts
    return {f["name"]: (paths.root / f["path"]).read_bytes() for f in account.files}


def one(files: dict[str, bytes], prefix: str) -> dict:
    (name,) = [n for n in files if n.startswith(prefix)]
    return json.loads(files[name])


def api_calls(sandbox: Sandbox) -> list[dict]:
    return [r for r in sandbox.admin.requests("toolost") if r["path"].startswith(API)]


def test_first_run_lands_the_captured_responses_and_every_statement(
    aio, pool, paths, sandbox, world
):
    report = run(aio, pool, paths, sandbox)
    (source,) = report.sources
    assert source.status == "ok", source.accounts[0].error
    files = landed(paths, report)
    start, end = TODAY - timedelta(days=730), TODAY - timedelta(days=1)
    calls = [(c["path"], c["query"], c["status"]) for c in api_calls(sandbox)]
    asked = {"startDate": start.isoformat(), "endDate": end.isoformat()}
    assert calls == [(API + "spotify", asked, 200), (API + "apple", asked, 200)]
    spotify, apple = one(files, "toolost_spotify_"), one(files, "toolost_apple_")
    days = world.days(start, end)
    assert {r["date"] for r in spotify["streams"]} == {
        d.isoformat() for d in days if world.toolost_day(d).spotify_streams
    }
    assert apple["streamTotal"] == sum(world.toolost_day(d).apple_streams for d in days)
    months = [m.strftime("%Y-%m") for m in statement_months(world)]
    sales = sorted(n for n in files if n.startswith("toolost_sales_"))
    assert sales == [f"toolost_sales_{m}.csv" for m in months] and len(sales) == 20
    assert files["toolost_sales_2026-10.csv"] == sales_csv(sales_rows(world, date(2026, 10, 1)))
    store = SyncLandingStore(paths)
    try:
        entries = [store.retrieve_by_path(f["path"]) for f in source.accounts[0].files]
        files_in = landing_files(store)
    finally:
        store.close()
    assert {e.metadata["account"] for e in entries} == {ACCOUNT}
    assert {e.metadata.get("dataset") for e in entries} == {None, "sales"}
    assert all(e.metadata["window"]["start"] == start.isoformat() for e in entries)
    summary = Ingestor(paths).run(files_in)
    assert summary.to_dict()["quarantined"] == 0
    assert sum(o.rows_rejected for o in summary.files) == 0
    rows: Counter[str] = Counter()
    for outcome in summary.files:
        for out in outcome.outputs:
            rows[out.dataset] += out.rows_raw
    assert rows["spotify_streams"] == len(spotify["streams"]) > 600
    assert rows["apple_streams"] == sum(1 for d in days if world.toolost_day(d).apple_streams)
    assert rows["apple_tracks"] == len(world.tracks_distributed_by("toolost"))
    lines = sum(content.count(b"\r\n") - 1 for name, content in files.items() if ".csv" in name)
    assert rows["sales"] == lines > 9_000


def test_second_run_asks_only_for_the_new_window_and_new_statements(
    aio, pool, paths, sandbox, world
):
    assert run(aio, pool, paths, sandbox).ok
    sandbox.admin.clear_requests()
    later = date.fromisoformat(sandbox.admin.advance(35))
    second = run(aio, pool, paths, sandbox, today=later)
    assert second.ok, second.sources[0].accounts[0].error
    start = TODAY - timedelta(days=1 + OVERLAP_DAYS)  # the overlap re-fetches provisional days
    end = later - timedelta(days=1)
    asked = {"startDate": start.isoformat(), "endDate": end.isoformat()}
    assert [(c["path"], c["query"]) for c in api_calls(sandbox)] == [
        (API + "spotify", asked),
        (API + "apple", asked),
    ]
    files = landed(paths, second)
    now = sandbox.world
    spotify = one(files, "toolost_spotify_")
    assert sorted(r["date"] for r in spotify["streams"]) == [
        d.isoformat() for d in now.days(start, end)
    ]
    fixed = (TODAY - timedelta(days=1)).isoformat()  # provisional on the first run, final now
    value = next(int(r["streams"]) for r in spotify["streams"] if r["date"] == fixed)
    assert value == now.toolost_day(TODAY - timedelta(days=1)).spotify_streams
    assert [d["date"] for d in spotify["discovery"]] == ["2026-11-01"]
    apple = one(files, "toolost_apple_")
    assert apple["streamTotal"] == sum(
        now.toolost_day(d).apple_streams for d in now.days(start, end)
    )
    assert sorted(n for n in files if n.startswith("toolost_sales_")) == [
        "toolost_sales_2026-11.csv"  # published on 2026-12-15: the only new statement
    ]
    state = json.loads((paths.state / "extract" / "toolost.json").read_text())
    assert state["accounts"][ACCOUNT]["cursor"]["last_statement"] == "2026-11"


def test_a_lapsed_portal_token_logs_in_again_and_succeeds(aio, pool, paths, sandbox):
    first = run(aio, pool, paths, sandbox, since=RECENT, env=recent_env(sandbox))
    assert first.ok  # saves the session and the portal token
    sandbox.admin.clear_requests()
    sandbox.admin.set_fault("toolost", "expire_session")  # the 7-day token and session lapse
    report = run(aio, pool, paths, sandbox, today=TODAY + timedelta(days=8))
    assert report.ok, report.sources[0].accounts[0].error
    log = [(r["method"], r["path"], r["status"]) for r in sandbox.admin.requests("toolost")]
    assert ("POST", "/toolost/login", 303) in log
    assert ("POST", "/toolost/api/auth/token", 200) in log  # a fresh portal token
    files = landed(paths, report)
    assert (
        one(files, "toolost_spotify_")["streams"] and one(files, "toolost_apple_")["totalStreams"]
    )


def test_a_lapsed_token_without_credentials_fails_as_an_expired_login(aio, pool, paths, sandbox):
    assert run(aio, pool, paths, sandbox, since=RECENT, env=recent_env(sandbox)).ok
    state = (paths.state / "extract" / "toolost.json").read_text()
    sandbox.admin.set_fault("toolost", "expire_session")
    env = {
        k: v
        for k, v in recent_env(sandbox).items()
        if k not in ("LAKE_TOOLOST_USERNAME", "LAKE_TOOLOST_PASSWORD")
    }
    report = run(aio, pool, paths, sandbox, env=env, today=TODAY + timedelta(days=8))
    (source,) = report.sources
    error = source.accounts[0].error
    assert (report.ok, source.status, error.type) == (False, "failed", "LoginExpiredError")
    assert "expired" in error.message and "'lanternlane'" in error.message
    assert "LAKE_TOOLOST_USERNAME" in error.hint and "LAKE_TOOLOST_PASSWORD" in error.hint
    assert source.accounts[0].files == []
    assert (paths.state / "extract" / "toolost.json").read_text() == state  # window kept


def test_slow_pages_still_finish_within_the_timeouts(aio, pool, paths, sandbox):
    sandbox.admin.set_fault("toolost", "slow", times=4, delay=1.5)
    with Stopwatch() as watch:
        report = run(
            aio, pool, paths, sandbox, since=TODAY - timedelta(days=30), env=recent_env(sandbox)
        )
    assert report.ok, report.sources[0].accounts[0].error
    assert watch.elapsed >= 4 * 1.5
    spotify = one(landed(paths, report), "toolost_spotify_")
    assert len(spotify["streams"]) == 30
    assert [n for n in landed(paths, report) if n.endswith(".csv")] == ["toolost_sales_2026-10.csv"]


def test_statements_since_must_be_a_month(aio, pool, paths, sandbox):
    report = run(
        aio, pool, paths, sandbox, env=sandbox_env(sandbox, LAKE_TOOLOST_STATEMENTS_SINCE="2026")
    )
    error = report.sources[0].accounts[0].error
    assert error.type == "ConfigError" and "'2026' is not a month" in error.message
    assert "YYYY-MM" in error.hint
