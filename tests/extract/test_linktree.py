"""extract/linktree.py end to end against the sandbox's Linktree: the analytics page's GraphQL
answers captured and landed unchanged, ingested with zero rejects; an incremental run captures
the 7-day range; a page that stops querying GraphQL fails; Linktree down while Spotify and
TikTok land through `lake extract`."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from extract import linktree
from extract._browser import BrowserOptions, BrowserPool
from extract.runner import Runner, RunReport
from lake.cli import app
from lake.config import LakePaths
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.cli import env_lines
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World

TODAY = date(2026, 11, 23)
OPTIONS = BrowserOptions.from_env(
    {}, action_timeout=3, navigation_timeout=10, download_timeout=10, second_factor_timeout=2
)
NAME = re.compile(r"graphql_\d{8}_\d{6}_\d{6}\.json")

pytestmark = pytest.mark.xdist_group("linktree")


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
def server() -> Iterator[Sandbox]:
    with running_sandbox(World(today=TODAY)) as running:
        yield running


@pytest.fixture
def sandbox(server: Sandbox) -> Sandbox:
    server.admin.reset()
    return server


def sandbox_env(sandbox: Sandbox, *sources: str, **extra: str) -> dict[str, str]:
    env = dict(line.split("=", 1) for line in env_lines(sandbox.url))
    prefixes = tuple(f"LAKE_{s.upper()}_" for s in sources or ("linktree",))
    return {k: v for k, v in env.items() if k.startswith(prefixes)} | extra


def run(aio, pool, paths: LakePaths, sandbox: Sandbox, **kwargs: Any) -> RunReport:
    env = kwargs.pop("env", None) or sandbox_env(sandbox)
    today = kwargs.pop("today", TODAY)
    runner = Runner(paths, env=env, today=today, browser_pool=pool, **kwargs)
    return aio.run(runner.run({"linktree": linktree.EXTRACTOR}))


def bodies(paths: LakePaths, report: RunReport, account: str) -> dict[str, dict]:
    """The landed responses of `account`, by the key that tells the query apart."""
    (found,) = [a for a in report.sources[0].accounts if a.account == account]
    out = {}
    for f in found.files:
        assert NAME.fullmatch(f["name"]), f["name"]
        data = json.loads((paths.root / f["path"]).read_bytes())["data"]
        analytics = data.get("getAccountAnalytics")
        key = "+".join(sorted(analytics)) if analytics else "linkDetails"
        out[key] = data
    return out


def test_every_profile_lands_its_graphql_answers_and_ingest_reads_them(aio, pool, paths, sandbox):
    report = run(aio, pool, paths, sandbox)
    (source,) = report.sources
    assert source.status == "ok", [a.error for a in source.accounts]
    world = sandbox.world
    assert [a.account for a in source.accounts] == [p.username for p in world.linktree_profiles]
    store = SyncLandingStore(paths)
    for profile in world.linktree_profiles:
        got = bodies(paths, report, profile.username)
        assert sorted(got) == sorted([
            "__typename+overview", "__typename+subscribers",
            "__typename+links+products+socials",
            "__typename+devices+lifetime+locations+referrers", "linkDetails",
        ])  # fmt: skip
        series = got["__typename+overview"]["getAccountAnalytics"]["overview"]["timeseries"]
        days = [TODAY - timedelta(days=364 - i) for i in range(365)]
        assert [row["date"] for row in series] == [d.isoformat() for d in days]
        assert [row["totalViews"] for row in series] == [
            world.linktree_profile_day(profile, d).views for d in days
        ]
        titles = {v["id"]: v["title"] for v in got["linkDetails"].values()}
        assert titles == {int(x.id): x.title for x in world.linktree_links(profile.username)}
    for account in source.accounts:
        for f in account.files:
            meta = store.retrieve_by_path(f["path"]).metadata
            assert meta["account"] == account.account and meta["range_days"] == 365
            assert meta["graphql_operation"] in linktree.EXPECTED
    summary = Ingestor(paths).run(landing_files(store)).to_dict()
    assert summary["quarantined"] == 0 and summary["rows_rejected"] == 0
    profiles, links = len(world.linktree_profiles), len(world.linktree_links())
    raw = paths.raw / "_source=linktree"
    count = lambda name: duckdb.sql(  # noqa: E731
        f"select count(*) from read_parquet('{raw}/_dataset={name}/*/*.parquet')"
    ).fetchone()[0]
    assert count("overview_daily") == profiles * 365
    # the world has no subscribers: the three profiles' answers are the same bytes, but
    # they belong to three accounts, so they are three facts (ingest keys on bytes + account)
    assert summary["duplicates"] == 0
    assert count("subscribers_daily") == profiles * 365 * 3
    assert count("links") == count("link_titles") == links
    assert count("socials_daily") == profiles * 365 * 2
    assert count("lifetime") == profiles


def test_an_incremental_run_captures_the_seven_day_range(aio, pool, paths, sandbox):
    env = sandbox_env(sandbox, LAKE_LINKTREE_ACCOUNTS="novareyes")
    assert run(aio, pool, paths, sandbox, env=env, since=TODAY - timedelta(days=20)).ok
    later = date.fromisoformat(sandbox.admin.advance(2))
    sandbox.admin.clear_requests()
    second = run(aio, pool, paths, sandbox, env=env, today=later)
    assert second.ok, second.sources[0].accounts[0].error
    pages = [r for r in sandbox.admin.requests("linktree") if r["path"].endswith("/analytics")]
    assert [p["query"]["range"] for p in pages] == ["7"]
    got = bodies(paths, second, "novareyes")
    series = got["__typename+overview"]["getAccountAnalytics"]["overview"]["timeseries"]
    assert [row["date"] for row in series] == [
        (later - timedelta(days=6 - i)).isoformat() for i in range(7)
    ]
    window = second.sources[0].accounts[0].window
    assert series[0]["date"] <= window["start"]  # the overlap is inside the range
    profile = sandbox.world.linktree_profiles[1]
    corrected = TODAY - timedelta(days=1)  # provisional in the first run, final now
    row = next(r for r in series if r["date"] == corrected.isoformat())
    assert row["totalViews"] == sandbox.world.linktree_profile_day(profile, corrected).views


def test_a_page_that_sends_no_graphql_fails_and_lands_nothing(aio, pool, paths, sandbox):
    env = sandbox_env(sandbox, LAKE_LINKTREE_ACCOUNTS="bluefrog", LAKE_LINKTREE_CAPTURE_TIMEOUT="3")
    # a saved session from here on (a short first run: the 7-day range)
    assert run(aio, pool, paths, sandbox, env=env, since=TODAY - timedelta(days=3)).ok
    sandbox.admin.set_fault("linktree", "layout_change", times=None)
    report = run(aio, pool, paths, sandbox, env=env)
    (account,) = report.sources[0].accounts
    assert (report.ok, account.files) == (False, [])
    assert account.error.type == "LayoutChangedError"
    assert "made no GraphQL request for getAccountAnalyticsOverview" in account.error.message
    assert "within 3 s" in account.error.message
    assert "captured: none" in account.error.message
    assert Path(account.error.html).exists() and Path(account.error.screenshot).exists()
    rest = [
        r for r in sandbox.admin.requests("linktree") if r["path"].endswith("/api/v2/analytics")
    ]
    assert len(rest) == 5  # the page fetched its figures, just not through GraphQL


def test_linktree_down_while_spotify_and_tiktok_land(tmp_path, server, monkeypatch):
    server.admin.reset()
    server.admin.set_fault("linktree", "down", times=None, retry_after=30)
    root = tmp_path / "lake"
    LakePaths(root).ensure()
    env = sandbox_env(
        server, "linktree", "spotify", "tiktok",
        LAKE_SPOTIFY_ACCOUNTS="The Quiet Hours", LAKE_TIKTOK_ACCOUNTS="novareyes.sounds",
        LAKE_TIKTOK_VIDEO_REFRESH_DAYS="0",  # the export, and videos of the last days only
        LAKE_EXTRACT_TODAY=TODAY.isoformat(), LAKE_ROOT=str(root),
        LAKE_BROWSER_PATH=OPTIONS.executable or "",
    )  # fmt: skip
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(
        app, ["extract", "linktree", "spotify", "tiktok", "--since", "2026-11-20", "--json"]
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout[result.stdout.index("{") :])
    status = {s["source"]: s["status"] for s in report["sources"]}
    assert status == {"linktree": "failed", "spotify": "ok", "tiktok": "ok"}
    (failed,) = [s for s in report["sources"] if s["source"] == "linktree"]
    error = failed["accounts"][0]["error"]
    assert error["type"] == "SourceUnavailableError" and "503" in error["message"]
    assert "come back in 30 s" in error["message"]
    assert len(failed["accounts"]) == 3 and all(a["files"] == [] for a in failed["accounts"])
    landed = {s["source"]: s["files"] for s in report["sources"]}
    # Spotify: the audience and songs downloads, and one timeline per released song
    quiet_hours = server.world.artist("The Quiet Hours")
    songs = [t for t in server.world.tracks_of(quiet_hours) if t.release_date < TODAY]
    assert landed["spotify"] == 2 + len(songs) and landed["tiktok"] >= 1
    assert not list((root / "landing").glob("linktree/**/*.json"))
