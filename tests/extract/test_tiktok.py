"""extract/tiktok.py end to end against the sandbox's TikTok Studio: each account's export and
video stats land unchanged and ingest with zero rejects; the two accounts' sessions are
separate (login, data, re-login); a renamed export button fails with evidence."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from extract._browser import BrowserOptions, BrowserPool
from extract.runner import Runner, RunReport
from extract.tiktok import EXTRACTOR, VIDEO_REFRESH_DAYS
from lake.config import LakePaths
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.cli import env_lines
from lake.sandbox.platforms.tiktok import overview_csv
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World

TODAY = date(2026, 11, 23)
OPTIONS = BrowserOptions.from_env(
    {}, action_timeout=3, navigation_timeout=10, download_timeout=10, second_factor_timeout=2
)
BLUE, NOVA = "bluefrog.music", "novareyes.sounds"

pytestmark = pytest.mark.xdist_group("tiktok")


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
    # 400 days of history: the 365-day export and fewer videos to land (a quicker suite)
    with running_sandbox(World(today=TODAY, origin=TODAY - timedelta(days=400))) as running:
        yield running


@pytest.fixture
def sandbox(server: Sandbox) -> Sandbox:
    server.admin.reset()
    return server


def sandbox_env(sandbox: Sandbox, accounts: str = f"{BLUE},{NOVA}") -> dict[str, str]:
    env = dict(line.split("=", 1) for line in env_lines(sandbox.url))
    tiktok = {k: v for k, v in env.items() if k.startswith("LAKE_TIKTOK_")}
    return tiktok | {"LAKE_TIKTOK_ACCOUNTS": accounts, "LAKE_TIKTOK_PAGE_SIZE": "100"}


def run(aio, pool, paths: LakePaths, sandbox: Sandbox, accounts: str, **kwargs: Any) -> RunReport:
    runner = Runner(
        paths, env=sandbox_env(sandbox, accounts), today=TODAY, browser_pool=pool, **kwargs
    )
    return aio.run(runner.run({"tiktok": EXTRACTOR}))


class Events:
    """(account, event) pairs the runner reported, for asserting who logged in."""

    def __init__(self) -> None:
        self.seen: list[tuple[str | None, str]] = []
        self.report: RunReport | None = None

    def __call__(self, source: str, account: str | None, event: str, fields: dict) -> None:
        self.seen.append((account, event))

    def accounts(self, event: str) -> list[str | None]:
        return [a for a, e in self.seen if e == event]


def test_each_account_lands_its_own_export_and_videos_and_ingest_reads_them(
    aio, pool, paths, sandbox
):
    since = TODAY - timedelta(days=30)  # videos posted since 150 days ago: a quicker ingest
    report = run(aio, pool, paths, sandbox, f"{BLUE},{NOVA}", since=since)
    (source,) = report.sources
    assert source.status == "ok", [a.error for a in source.accounts]
    world = sandbox.world
    cutoff = since - timedelta(days=VIDEO_REFRESH_DAYS)
    store = SyncLandingStore(paths)
    for account in source.accounts:
        handle = account.account
        (export,) = [f for f in account.files if f["name"].startswith("Overview_")]
        start = (TODAY - timedelta(days=364)).isoformat()
        assert export["name"].startswith(f"Overview_{start}_")
        assert export["name"].endswith(f"_{handle}.zip")  # the site's name: its own account
        with zipfile.ZipFile(io.BytesIO((paths.root / export["path"]).read_bytes())) as z:
            assert z.namelist() == ["Overview.csv"]
            assert z.read("Overview.csv") == overview_csv(world, world.tiktok_account(handle))
        videos = sorted(f["name"] for f in account.files if f["name"].startswith("video_"))
        young = [v for v in world.tiktok_videos(handle) if v.create_time.date() >= cutoff]
        assert videos == sorted(f"video_{v.id}.json" for v in young) and len(young) >= 10
        for f in account.files:
            meta = store.retrieve_by_path(f["path"]).metadata
            assert meta["account"] == handle and f"/{handle}/" in f["path"]
        sample = json.loads((paths.root / account.files[-1]["path"]).read_bytes())
        assert isinstance(sample["id"], str) and len(sample["id"]) == 19
    summary = Ingestor(paths).run(landing_files(store)).to_dict()
    assert summary["quarantined"] == 0 and summary["rows_rejected"] == 0
    young = [v for v in world.tiktok_videos() if v.create_time.date() >= cutoff]
    assert summary["rows_raw"] == 2 * 365 + len(young)


def test_the_accounts_sessions_are_separate(aio, pool, paths, sandbox):
    first = Events()
    first.report = run(aio, pool, paths, sandbox, BLUE, listener=first)
    assert first.report.ok
    assert first.accounts("login_ok") == [BLUE]
    (blue,) = first.report.sources[0].accounts
    every = {f"video_{v.id}.json" for v in sandbox.world.tiktok_videos(BLUE)}
    assert {f["name"] for f in blue.files} - every == {blue.files[0]["name"]}  # + the export
    assert every <= {f["name"] for f in blue.files}  # the first run lands every video
    profiles = paths.state / "browser" / "tiktok"
    assert (profiles / BLUE / "storage_state.json").exists()
    assert not (profiles / NOVA).exists()  # logging into one did not log in the other

    both = Events()
    report = run(aio, pool, paths, sandbox, f"{BLUE},{NOVA}", listener=both)
    assert report.ok, [a.error for a in report.sources[0].accounts]
    assert both.accounts("session_valid") == [BLUE] and both.accounts("login_ok") == [NOVA]

    # Blue Frog's session lapses on the site; Nova Reyes' stays valid
    state_file = profiles / BLUE / "storage_state.json"
    state = json.loads(state_file.read_text())
    for cookie in state["cookies"]:
        if cookie["name"] == "sandbox_tiktok_session":
            cookie["value"] = "lapsed"
    state_file.write_text(json.dumps(state))
    again = Events()
    report = run(aio, pool, paths, sandbox, f"{BLUE},{NOVA}", listener=again)
    assert report.ok, [a.error for a in report.sources[0].accounts]
    assert again.accounts("login_ok") == [BLUE]  # only the lapsed account logged in again
    assert again.accounts("session_valid") == [NOVA]
    for account in report.sources[0].accounts:
        names = [f["name"] for f in account.files if f["name"].startswith("Overview_")]
        assert len(names) == 1 and names[0].endswith(f"_{account.account}.zip")


def test_a_renamed_export_button_fails_with_evidence(aio, pool, paths, sandbox):
    warm = run(aio, pool, paths, sandbox, NOVA, since=TODAY - timedelta(days=2))
    assert warm.ok  # a saved session: the studio opens without a login
    sandbox.admin.set_fault("tiktok", "layout_change", times=None)
    report = run(aio, pool, paths, sandbox, NOVA)
    (account,) = report.sources[0].accounts
    assert (report.ok, account.status, account.files) == (False, "failed", [])
    error = account.error
    assert error.type == "LayoutChangedError"
    assert "the export button (a#export-data-button)" in error.message
    assert "extract/tiktok.py" in error.hint
    assert Path(error.screenshot).stat().st_size > 0
    html = Path(error.html).read_text()
    assert 'id="download-analytics-btn"' in html and "export-data-button" not in html
    state = json.loads((paths.state / "extract" / "tiktok.json").read_text())
    assert state["accounts"][NOVA]["run_id"] == warm.run_id  # the failed run saved nothing
