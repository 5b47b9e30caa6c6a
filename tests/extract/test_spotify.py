"""extract/spotify.py end to end against the sandbox's Spotify for Artists: the audience, songs
and per-song timeline downloads of every artist landed unchanged (songs with their track id
and title in the metadata) and ingested with zero rejects, the smallest timeline window on an
incremental run, a slow site, and a session that expires between the downloads."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from extract._browser import BrowserOptions, BrowserPool
from extract.runner import Runner, RunReport
from extract.spotify import EXTRACTOR, OVERLAP_DAYS, timeline_window
from lake.config import LakePaths
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.cli import env_lines
from lake.sandbox.entities import Artist, Track
from lake.sandbox.platforms.spotify import (
    released_songs,
    song_timeline_csv,
    songs_csv,
    timeline_csv,
)
from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World
from tests.extract.conftest import Stopwatch

TODAY = date(2026, 11, 23)
OPTIONS = BrowserOptions.from_env(
    {}, action_timeout=5, navigation_timeout=10, download_timeout=10, second_factor_timeout=2
)

pytestmark = pytest.mark.xdist_group("spotify")


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


def sandbox_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    env = dict(line.split("=", 1) for line in env_lines(sandbox.url))
    return {k: v for k, v in env.items() if k.startswith("LAKE_SPOTIFY_")} | extra


def run(
    aio: asyncio.Runner,
    pool: BrowserPool,
    paths: LakePaths,
    sandbox: Sandbox,
    today: date = TODAY,
    **kwargs: Any,
) -> RunReport:
    env = kwargs.pop("env", None) or sandbox_env(sandbox)
    runner = Runner(paths, env=env, today=today, browser_pool=pool, **kwargs)
    return aio.run(runner.run({"spotify": EXTRACTOR}))


def landed(paths: LakePaths, report: RunReport) -> dict[tuple[str, str], bytes]:
    """(account, file name) -> the bytes on disk."""
    return {
        (account.account, f["name"]): (paths.root / f["path"]).read_bytes()
        for account in report.sources[0].accounts
        for f in account.files
    }


def song_file(artist: Artist, track: Track) -> str:
    return f"{artist.name}-song-{track.spotify_id}-timeline.csv"


def logins(sandbox: Sandbox) -> int:
    return sum(
        1
        for r in sandbox.admin.requests("spotify")
        if r["method"] == "POST" and r["path"] == "/spotify/login"
    )


def test_every_artist_lands_all_downloads_unchanged_and_ingest_reads_them(
    aio, pool, paths, sandbox
):
    report = run(aio, pool, paths, sandbox)
    (source,) = report.sources
    assert source.status == "ok", [a.error for a in source.accounts]
    world = sandbox.world
    files = landed(paths, report)
    expected = {}
    for artist in world.artists:
        expected[(artist.name, f"{artist.name}-audience-timeline.csv")] = timeline_csv(
            world, artist, "all"
        )
        expected[(artist.name, f"{artist.name}-songs-all.csv")] = songs_csv(world, artist)
        for track in released_songs(world, artist):
            expected[(artist.name, song_file(artist, track))] = song_timeline_csv(
                world, track, "all"
            )
    assert files == expected  # byte for byte what the site serves, under Spotify's names
    released = [t for t in world.tracks if t.release_date < world.today]
    assert len(released) == 40 and len(files) == 3 * 2 + 40
    store = SyncLandingStore(paths)
    by_track = {t.spotify_id: t for t in released}
    songs_landed = {}
    for account in source.accounts:
        for f in account.files:
            meta = store.retrieve_by_path(f["path"]).metadata
            assert meta["account"] == account.account and meta["source"] == "spotify"
            assert meta["dataset"] in ("audience_timeline", "songs", "song_timeline")
            assert "sandbox" not in json.dumps(meta)  # the password never lands
            if meta["dataset"] == "song_timeline":
                track = by_track[meta["spotify_track_id"]]
                assert f["name"] == song_file(track.artist, track)
                assert track.artist.name == account.account
                assert meta["song_title"] == world.title_on(track, "spotify")
                assert meta["timeline_window"] == "all"
                songs_landed[track.spotify_id] = meta["song_title"]
    assert set(songs_landed) == set(by_track)  # every song, each once
    radio_edit = world.title_on(world.renamed_track, "spotify")
    assert radio_edit.endswith("(Radio Edit)")
    assert songs_landed[world.renamed_track.spotify_id] == radio_edit  # the title on the page
    timeline_meta = store.retrieve_by_path(source.accounts[0].files[0]["path"]).metadata
    assert timeline_meta["timeline_window"] == "all"
    summary = Ingestor(paths).run(landing_files(store)).to_dict()
    assert summary["quarantined"] == 0 and summary["rows_rejected"] == 0
    days = len(world.days())
    assert summary["rows_raw"] == len(world.artists) * days + len(released) + len(released) * days
    assert f'"{radio_edit}"'.encode() in files[("Blue Frog", "Blue Frog-songs-all.csv")]
    # the song pages were reached through the Songs page's links, not guessed
    trail = [r["path"] for r in sandbox.admin.requests("spotify") if r["method"] == "GET"]
    for track in released:
        song = f"/spotify/artist/{track.artist.spotify_id}/song/{track.spotify_id}"
        assert trail.index(f"{song}/stats") < trail.index(f"{song}/timeline.csv")


def test_an_incremental_run_downloads_the_smallest_window_that_covers_it(aio, pool, paths, sandbox):
    env = sandbox_env(sandbox, LAKE_SPOTIFY_ACCOUNTS="Nova Reyes")
    first = run(aio, pool, paths, sandbox, env=env)
    assert first.ok, first.sources[0].accounts[0].error
    later = date.fromisoformat(sandbox.admin.advance(2))
    sandbox.admin.clear_requests()
    second = run(aio, pool, paths, sandbox, today=later, env=env)
    assert second.ok, second.sources[0].accounts[0].error
    (account,) = second.sources[0].accounts
    assert account.window["start"] == (TODAY - timedelta(days=1 + OVERLAP_DAYS)).isoformat()
    world = sandbox.world
    artist = world.artist("Nova Reyes")
    songs = released_songs(world, artist)
    downloads = [r for r in sandbox.admin.requests("spotify") if r["path"].endswith(".csv")]
    assert [r["query"] for r in downloads] == [
        {"range": "7day"},
        {"time-filter": "all"},
        *[{"range": "7day"}] * len(songs),
    ]
    files = landed(paths, second)
    text = files[("Nova Reyes", "Nova Reyes-audience-timeline.csv")].decode()
    days = [line.split(",")[0] for line in text.lstrip("\ufeff").splitlines()[1:]]
    last_day = later - timedelta(days=1)
    assert days == [(last_day - timedelta(days=6 - i)).isoformat() for i in range(7)]
    assert days[0] <= account.window["start"]  # the overlap is inside the download
    # the two provisional days of the first run now carry their final figures
    row = world.spotify_artist_day(artist, TODAY - timedelta(days=1))
    assert f"{(TODAY - timedelta(days=1)).isoformat()},{row.listeners},{row.streams}," in text
    for track in songs:
        assert files[("Nova Reyes", song_file(artist, track))] == song_timeline_csv(
            world, track, "7day"
        )
    final = world.streams(songs[0], TODAY - timedelta(days=1))
    provisional = World(today=TODAY).streams(songs[0], TODAY - timedelta(days=1))
    assert provisional < final  # the re-fetched overlap corrects the song's last days too
    # ingest: every file of both runs, zero rejects; the second run's songs are 7 days each
    store = SyncLandingStore(paths)
    summary = Ingestor(paths).run(landing_files(store))
    assert sum(o.rows_rejected for o in summary.files) == 0
    assert {o.status for o in summary.files} == {"ingested"}
    second_songs = {f["path"] for f in account.files if "-song-" in f["name"]}
    assert len(second_songs) == len(songs)
    song_rows = [o.rows_raw for o in summary.files if o.landing_path in second_songs]
    assert sum(song_rows) == len(songs) * 7


def test_the_window_choice():
    class Ctx:
        def __init__(self, days: int) -> None:
            from extract._windows import Window

            self.window = Window(TODAY - timedelta(days=days - 1), TODAY, "incremental")

    assert [timeline_window(Ctx(n)) for n in (1, 7, 8, 28, 29, 365, 366, 3650)] == [
        "7day", "7day", "28day", "28day", "12months", "12months", "all", "all",
    ]  # fmt: skip


def test_a_slow_site_still_lands_within_the_timeouts(aio, pool, paths, sandbox):
    sandbox.admin.set_fault("spotify", "slow", times=3, delay=1.0)
    env = sandbox_env(sandbox, LAKE_SPOTIFY_ACCOUNTS="The Quiet Hours")
    with Stopwatch() as watch:
        report = run(aio, pool, paths, sandbox, env=env)
    assert report.ok, report.sources[0].accounts[0].error
    songs = released_songs(sandbox.world, sandbox.world.artist("The Quiet Hours"))
    assert len(report.sources[0].accounts[0].files) == 2 + len(songs)
    assert watch.elapsed >= 3.0  # three requests were held 1 s each
    assert sandbox.admin.state()["faults"] == []


def test_a_session_that_expires_between_the_downloads_logs_in_again(aio, pool, paths, sandbox):
    env = sandbox_env(sandbox, LAKE_SPOTIFY_ACCOUNTS="Blue Frog")
    warm = run(aio, pool, paths, sandbox, env=env)  # a saved session exists from now on
    assert warm.ok and logins(sandbox) == 1
    sandbox.admin.clear_requests()
    expired: list[str] = []

    def expire_after_first_file(source: str, account: str | None, event: str, fields) -> None:
        if event == "landed" and not expired:
            expired.append(fields["name"])
            httpx.post(
                f"{sandbox.url}/_admin/faults",
                json={"platform": "spotify", "kind": "expire_session"},
                timeout=5,
            ).raise_for_status()

    report = run(
        aio, pool, paths, sandbox, env=env, since=TODAY - timedelta(days=5),
        listener=expire_after_first_file,
    )  # fmt: skip
    assert report.ok, report.sources[0].accounts[0].error
    assert expired == ["Blue Frog-audience-timeline.csv"]
    artist = sandbox.world.artist("Blue Frog")
    assert [f["name"] for f in report.sources[0].accounts[0].files] == [
        "Blue Frog-audience-timeline.csv",
        "Blue Frog-songs-all.csv",
        *[song_file(artist, t) for t in released_songs(sandbox.world, artist)],
    ]
    trail = [(r["method"], r["path"], r["status"]) for r in sandbox.admin.requests("spotify")]
    assert trail[0][2] == 200  # the saved session opened the picker without a login
    songs_page = f"/spotify/artist/{sandbox.world.artist('Blue Frog').spotify_id}/music/songs"
    redirected = trail.index(("GET", songs_page, 302))  # the session ended here...
    assert ("POST", "/spotify/login", 303) in trail[redirected:]  # ...so it logged in again
    songs_csv_at = trail.index(("GET", songs_page.replace("songs", "songs.csv"), 200))
    assert songs_csv_at > redirected
    assert trail[-1][1].endswith("/timeline.csv") and trail[-1][2] == 200
    assert logins(sandbox) == 1
