"""extract/distrokid.py end to end against the sandbox (which asks for a second factor on every
login, as DistroKid does): the three files land unchanged with the configured account and
ingest with zero rejects; the whole bank-details history lands again on the next run; the code
comes from the environment or the OTP file; a renamed download link, a stalled download and a
session that ends between two pages each end the way they should. One Chromium serves the
module."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from extract import distrokid
from extract._base import ExtractContext
from extract._browser import BrowserOptions, BrowserPool
from extract.distrokid import EXTRACTOR
from extract.runner import Runner, RunReport
from lake.config import LakePaths
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.auth import SandboxConfig, sandbox_otp
from lake.sandbox.cli import env_lines
from lake.sandbox.platforms.distrokid import bank_details_tsv, stats_charts
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World
from tests.extract.conftest import Stopwatch

pytestmark = pytest.mark.xdist_group("distrokid")  # one Chromium and one sandbox
TODAY = date(2026, 11, 23)
ACCOUNT = "lanternlane"
OPTIONS = BrowserOptions.from_env(
    {}, action_timeout=6, navigation_timeout=20, download_timeout=20, second_factor_timeout=5
)
ASKS_CODE = SandboxConfig(two_factor=frozenset({"distrokid"}))


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
    return World(today=TODAY)  # one world for the module: its figures are computed once


@pytest.fixture
def sandbox(world: World) -> Iterator[Sandbox]:
    with running_sandbox(world, config=ASKS_CODE) as running:
        yield running


def sandbox_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    env = dict(line.split("=", 1) for line in env_lines(sandbox.url))
    return {k: v for k, v in env.items() if k.startswith("LAKE_DISTROKID_")} | extra


def run(aio, pool, paths: LakePaths, sandbox: Sandbox, today: date = TODAY, **kw) -> RunReport:
    env = kw.pop("env", None) or sandbox_env(sandbox)
    extractors = {"distrokid": kw.pop("extractor", EXTRACTOR)}
    runner = Runner(paths, env=env, today=today, browser_pool=pool, **kw)
    return aio.run(runner.run(extractors))


def landed(paths: LakePaths, report: RunReport) -> dict[str, bytes]:
    (account,) = report.sources[0].accounts
    return {f["name"]: (paths.root / f["path"]).read_bytes() for f in account.files}


def kind_of(name: str) -> str:
    for prefix in ("dk_bank_details_", "streams_stats_", "applemusic_stats_"):
        if name.startswith(prefix):
            return prefix.rstrip("_")
    raise AssertionError(name)


def requests(sandbox: Sandbox) -> list[tuple[str, str, int]]:
    return [(r["method"], r["path"], r["status"]) for r in sandbox.admin.requests("distrokid")]


def test_first_run_lands_the_three_files_unchanged_and_ingest_reads_them(
    aio, pool, paths, sandbox, world
):
    browser_before = aio.run(pool.browser())
    report = run(aio, pool, paths, sandbox)
    (source,) = report.sources
    assert source.status == "ok", source.accounts[0].error
    files = landed(paths, report)
    assert sorted(map(kind_of, files)) == ["applemusic_stats", "dk_bank_details", "streams_stats"]
    names = "\n".join(files)
    assert re.search(r"^dk_bank_details_\d{8}_\d{6}\.tsv$", names, re.M)
    assert re.search(r"^streams_stats_\d{8}_\d{6}\.html$", names, re.M)
    assert re.search(r"^applemusic_stats_\d{8}_\d{6}\.html$", names, re.M)
    tsv = next(v for k, v in files.items() if k.endswith(".tsv"))
    assert tsv == bank_details_tsv(world.distrokid_earnings())  # the 16-column default, as sent
    page = next(v for k, v in files.items() if k.startswith("streams_stats_")).decode()
    assert "AmCharts.makeChart(" in page and "<pre" not in page  # the page as served
    # the second factor came from LAKE_DISTROKID_OTP
    assert ("POST", "/distrokid/login/verify", 303) in requests(sandbox)
    store = SyncLandingStore(paths)
    try:
        entries = [store.retrieve_by_path(f["path"]) for f in report.sources[0].accounts[0].files]
        files_in = landing_files(store)
    finally:
        store.close()
    assert {e.metadata["account"] for e in entries} == {ACCOUNT}
    assert {e.metadata["source"] for e in entries} == {"distrokid"}
    assert all(e.metadata["url"].startswith(sandbox.base_url("distrokid")) for e in entries)
    assert sandbox_otp("distrokid") not in str([e.metadata for e in entries])
    summary = Ingestor(paths).run(files_in)
    assert summary.to_dict()["quarantined"] == 0
    assert sum(o.rows_rejected for o in summary.files) == 0
    rows: Counter[str] = Counter()
    for outcome in summary.files:
        for out in outcome.outputs:
            rows[out.dataset] += out.rows_raw
    assert rows["bank_details"] == len(world.distrokid_earnings())
    assert rows["streams_daily"] == sum(len(p) for p in stats_charts(world).values())
    assert rows["apple_music_daily"] == 365
    assert aio.run(pool.browser()) is browser_before  # the caller's Chromium stayed open


def test_next_run_reuses_the_session_and_lands_the_whole_history_again(
    aio, pool, paths, sandbox, world
):
    first = run(aio, pool, paths, sandbox)
    assert first.ok
    sandbox.admin.clear_requests()
    later = date.fromisoformat(sandbox.admin.advance(40))
    second = run(aio, pool, paths, sandbox, today=later)
    assert second.ok, second.sources[0].accounts[0].error
    assert not [r for r in requests(sandbox) if r[1].startswith("/distrokid/login")]
    tsv = next(v for k, v in landed(paths, second).items() if k.endswith(".tsv"))
    lines = tsv.split(b"\r")[1:-1]
    before = len(world.distrokid_earnings())
    assert len(lines) == len(sandbox.world.distrokid_earnings()) > before  # whole, and grown
    assert tsv.startswith(bank_details_tsv(world.distrokid_earnings()[:1])[:100])


def test_the_second_factor_code_is_read_from_the_otp_file(aio, pool, paths, sandbox, tmp_path):
    code_file = tmp_path / "distrokid.otp"
    env = {k: v for k, v in sandbox_env(sandbox).items() if k != "LAKE_DISTROKID_OTP"}
    env["LAKE_DISTROKID_OTP_FILE"] = str(code_file)
    writer = threading.Timer(1.0, code_file.write_text, args=(sandbox_otp("distrokid") + "\n",))
    writer.start()
    try:
        with Stopwatch() as watch:
            report = run(aio, pool, paths, sandbox, env=env)
    finally:
        writer.cancel()
    assert report.ok, report.sources[0].accounts[0].error
    assert watch.elapsed >= 1.0 and not code_file.exists()  # waited for it, then used it up
    assert len(landed(paths, report)) == 3


def test_a_renamed_download_link_fails_with_evidence_and_lands_nothing(aio, pool, paths, sandbox):
    sandbox.admin.set_fault("distrokid", "layout_change", times=None)  # until cleared
    report = run(aio, pool, paths, sandbox)
    (account,) = report.sources[0].accounts
    error = account.error
    assert report.sources[0].status == "failed" and error.type == "LayoutChangedError"
    assert "the bank-details 'Download TSV' link (#download-bank-details)" in error.message
    assert "/distrokid/bank/details/" in error.message and "extract/distrokid.py" in error.hint
    assert Path(error.screenshot).is_file() and Path(error.screenshot).suffix == ".png"
    html = Path(error.html).read_text()
    assert 'id="export-earnings"' in html  # the page as it was when the run gave up
    assert account.files == [] and not list(paths.landing.rglob("*.*"))
    assert not (paths.state / "extract" / "distrokid.json").exists()


def test_a_stalled_download_times_out_and_nothing_half_lands(aio, pool, paths, sandbox):
    sandbox.admin.set_fault("distrokid", "stall_download", stall=60)
    env = sandbox_env(sandbox, LAKE_DISTROKID_DOWNLOAD_TIMEOUT="3")
    with Stopwatch() as watch:
        report = run(aio, pool, paths, sandbox, env=env)
    error = report.sources[0].accounts[0].error
    assert error.type == "ExtractTimeoutError" and "did not finish within 3 s" in error.message
    assert watch.elapsed < 40  # not the 60 s stall, let alone a hang
    assert not list(paths.landing.rglob("*.tsv")) and not list(paths.landing.rglob("*.html"))


def test_a_bad_download_timeout_setting_is_a_config_error(aio, pool, paths, sandbox):
    env = sandbox_env(sandbox, LAKE_DISTROKID_DOWNLOAD_TIMEOUT="soon")
    error = run(aio, pool, paths, sandbox, env=env).sources[0].accounts[0].error
    assert error.type == "ConfigError" and "'soon'" in error.message


def test_a_session_ending_between_pages_logs_in_again_and_completes(aio, pool, paths, sandbox):
    async def expire_between_pages(ctx: ExtractContext) -> None:
        await distrokid.bank_details(ctx)
        await asyncio.to_thread(sandbox.admin.set_fault, "distrokid", "expire_session")
        await distrokid.stats_page(ctx, distrokid.STATS_PATH, "streams_stats")
        await distrokid.stats_page(ctx, distrokid.APPLE_PATH, "applemusic_stats")

    extractor = dataclasses.replace(EXTRACTOR, run=expire_between_pages)
    report = run(aio, pool, paths, sandbox, extractor=extractor)
    assert report.ok, report.sources[0].accounts[0].error
    assert sorted(map(kind_of, landed(paths, report))) == [
        "applemusic_stats",
        "dk_bank_details",
        "streams_stats",
    ]
    log = requests(sandbox)
    logins = [i for i, r in enumerate(log) if r[:2] == ("POST", "/distrokid/login")]
    download = next(i for i, r in enumerate(log) if r[1] == "/distrokid/bank/details/download/")
    assert len(logins) == 2 and logins[0] < download < logins[1]  # logged in again mid-run
    assert ("GET", "/distrokid/stats/", 302) in log  # the lapsed session was sent to log in
    for name, content in landed(paths, report).items():
        if name.endswith(".html"):
            assert b"<h1>DistroKid</h1>" not in content  # a stats page, not the login form
