"""extract/youtube.py end to end against the sandbox: the four Analytics reports and Studio's
Table data.csv landed unchanged and ingested with zero rejects, an incremental second run, an
expired OAuth token, 500s retried, a stalled Studio download that times out instead of
hanging."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from extract._browser import BrowserOptions
from extract._http import RetryPolicy
from extract.runner import Runner, RunReport
from extract.youtube import EXTRACTOR, month_span
from lake.config import LakePaths
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.cli import env_lines
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World
from tests.extract.conftest import Stopwatch

TODAY = date(2026, 11, 23)
FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, max_retry_after=5)
BROWSER = BrowserOptions.from_env(
    {}, action_timeout=5, navigation_timeout=5, download_timeout=3, second_factor_timeout=3
)
REPORTS = ["channel_daily.json", "video_totals.json", "country_totals.json",
           "channel_monthly.json"]  # fmt: skip


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
    return {k: v for k, v in env.items() if k.startswith("LAKE_YOUTUBE_")} | extra


def run(paths: LakePaths, sandbox: Sandbox, today: date = TODAY, **kwargs) -> RunReport:
    env = kwargs.pop("env", None) or sandbox_env(sandbox)
    runner = Runner(
        paths, env=env, today=today, retry=FAST, browser_options=BROWSER, **kwargs
    )  # fmt: skip
    return asyncio.run(runner.run({"youtube": EXTRACTOR}))


def file_named(paths: LakePaths, report: RunReport, name: str) -> bytes:
    (found,) = [f for f in report.sources[0].accounts[0].files if f["name"] == name]
    return (paths.root / found["path"]).read_bytes()


def test_first_run_lands_reports_and_the_studio_table_and_ingest_reads_them(paths, sandbox):
    report = run(paths, sandbox)
    (source,) = report.sources
    assert source.status == "ok", source.accounts[0].error
    (account,) = source.accounts
    world = sandbox.world
    assert account.account == world.youtube_channel.id
    assert [f["name"] for f in account.files] == [*REPORTS, "Table data.csv"]
    start = TODAY - timedelta(days=EXTRACTOR.first_run_days)
    end = TODAY - timedelta(days=1)
    assert (account.window["start"], account.window["end"]) == (start.isoformat(), end.isoformat())
    daily = json.loads(file_named(paths, report, "channel_daily.json"))
    days = world.days(start, end)
    assert [r[0] for r in daily["rows"]] == [d.isoformat() for d in days]
    views = sum(world.youtube_video_day(v, d).views for v in world.youtube_videos for d in days)
    assert sum(r[1] for r in daily["rows"]) == views
    table = list(csv.reader(io.StringIO(file_named(paths, report, "Table data.csv").decode())))
    assert table[1][0] == "Total" and int(table[1][3]) == views
    monthly = json.loads(file_named(paths, report, "channel_monthly.json"))
    first, last = month_span(start, end)
    assert monthly["rows"][0][0] == first.strftime("%Y-%m")
    assert monthly["rows"][-1][0] == last.strftime("%Y-%m")
    store = SyncLandingStore(paths)
    try:
        for file in account.files:
            entry = store.retrieve_by_path(file["path"])
            assert entry.metadata["account"] == world.youtube_channel.id
            assert entry.metadata["dataset"] in ("analytics_report", "table_data")
            assert "sandbox-youtube-token" not in json.dumps(entry.metadata)
        files = landing_files(store)
    finally:
        store.close()
    summary = Ingestor(paths).run(files)
    totals = summary.to_dict()
    assert (totals["quarantined"], totals["rows_rejected"]) == (0, 0)
    rows = {f.landing_path.rsplit("/", 1)[-1]: f.rows_raw for f in summary.files}
    videos = json.loads(file_named(paths, report, "video_totals.json"))["rows"]
    countries = json.loads(file_named(paths, report, "country_totals.json"))["rows"]
    assert rows == {
        "channel_daily.json": len(days),
        "video_totals.json": len(videos),
        "country_totals.json": len(countries),
        "channel_monthly.json": len(monthly["rows"]),
        "Table data.csv": len(table) - 1,  # the Total row stays in raw
    }
    assert len(table) - 2 == len(videos)  # Studio and the API list the same videos


def test_incremental_second_run_asks_only_for_the_new_days(paths, sandbox):
    first = run(paths, sandbox, env=sandbox_env(sandbox, LAKE_YOUTUBE_STUDIO="0"))
    assert first.ok, first.sources[0].accounts[0].error
    sandbox.admin.clear_requests()
    later = date.fromisoformat(sandbox.admin.advance(5))
    second = run(paths, sandbox, today=later)
    assert second.ok, second.sources[0].accounts[0].error
    start = TODAY - timedelta(days=1 + EXTRACTOR.overlap_days)
    end = later - timedelta(days=1)
    requests = sandbox.admin.requests("youtube")
    api = [r for r in requests if r["path"] == "/youtube/v2/reports"]
    assert len(api) == 4
    for request in api:
        if request["query"]["dimensions"] == "month":
            expected = month_span(start, end)
        else:
            expected = (start, end)
        got = (request["query"]["startDate"], request["query"]["endDate"])
        assert got == tuple(d.isoformat() for d in expected)
    export = [r for r in requests if r["path"].endswith("/export.csv")]
    assert [(r["query"]["start"], r["query"]["end"]) for r in export] == [
        (start.isoformat(), end.isoformat())
    ]
    daily = json.loads(file_named(paths, second, "channel_daily.json"))["rows"]
    assert [r[0] for r in daily] == [d.isoformat() for d in sandbox.world.days(start, end)]


def test_an_expired_oauth_token_is_a_login_expired_error_with_what_to_do(paths, sandbox):
    sandbox.admin.set_fault("youtube", "expire_session")
    report = run(paths, sandbox)
    (source,) = report.sources
    error = source.accounts[0].error
    assert (source.status, report.ok) == ("failed", False)
    assert error.type == "LoginExpiredError" and "UNAUTHENTICATED" in error.message
    assert "LAKE_YOUTUBE_TOKEN" in error.hint and "OAuth" in error.hint
    assert not source.accounts[0].files
    assert [r["status"] for r in sandbox.admin.requests("youtube")] == [401]  # not retried
    assert not (paths.state / "extract" / "youtube.json").exists()


def test_server_errors_twice_then_success_are_retried(paths, sandbox):
    sandbox.admin.set_fault("youtube", "server_error", times=2)
    report = run(paths, sandbox, env=sandbox_env(sandbox, LAKE_YOUTUBE_STUDIO="0"))
    assert report.ok, report.sources[0].accounts[0].error
    statuses = [r["status"] for r in sandbox.admin.requests("youtube")]
    assert statuses == [500, 500, 200, 200, 200, 200]
    assert [f["name"] for f in report.sources[0].accounts[0].files] == REPORTS


def test_a_stalled_studio_download_times_out_instead_of_hanging(paths, sandbox):
    sandbox.admin.set_fault("youtube", "stall_download", stall=120)
    with Stopwatch() as watch:
        report = run(paths, sandbox, since=TODAY - timedelta(days=7))
    assert watch.elapsed < 60  # the download timeout is 3 s; the stall would be 120
    (source,) = report.sources
    error = source.accounts[0].error
    assert source.status == "failed"
    assert error.type == "ExtractTimeoutError" and "Table data.csv" in error.message
    assert error.screenshot and Path(error.screenshot).is_file()
    assert Path(error.screenshot).is_relative_to(paths.state / "extract" / "failures" / "youtube")
    names = [f["name"] for f in source.accounts[0].files]
    assert names == REPORTS  # the API reports landed before; the table did not
    assert not list(paths.landing.glob("youtube/**/Table data*.csv"))
    assert not (paths.state / "extract" / "youtube.json").exists()
