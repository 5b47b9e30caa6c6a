"""The Spotify for Artists stand-in serves its downloads in the real files' format (the
fixtures in tests/fixtures/platforms/spotify/; the song timeline, which has no real sample, in
the real downloads' conventions and the contract's sandbox layout), its Songs page links every
song to its page, and the downloads ingest with zero rejects."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.contracts.spotify import song_timeline
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.entities import Track
from lake.sandbox.platforms.spotify import released_songs
from lake.sandbox.server import Sandbox
from lake.sandbox.world import World

from .conftest import login

FIXTURES = Path(__file__).parents[1] / "fixtures" / "platforms" / "spotify"
BOM = b"\xef\xbb\xbf"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def download(http: httpx.Client, world: World, artist: str, what: str) -> httpx.Response:
    login(http, "spotify")
    spotify_id = world.artist(artist).spotify_id
    path = {
        "timeline": f"audience/timeline.csv?range={what.split(':')[-1]}",
        "songs": "music/songs.csv?time-filter=all",
    }[what.split(":")[0]]
    response = http.get(f"/spotify/artist/{spotify_id}/{path}")
    assert response.status_code == 200, response.text
    return response


def lines(data: bytes) -> list[str]:
    return data.decode("utf-8").split("\n")


def test_timeline_matches_the_real_download(client, world):
    real = (FIXTURES / "Blue Frog-audience-timeline.csv").read_bytes()
    served = download(client, world, "Blue Frog", "timeline:all")
    assert served.headers["content-disposition"] == (
        'attachment; filename="Blue Frog-audience-timeline.csv"'
    )
    data = served.content
    for blob in (real, data):
        assert blob.startswith(BOM) and blob.endswith(b"\n") and b"\r" not in blob
        assert b'"' not in blob  # nothing quoted in the timeline
    assert lines(data)[0] == lines(real)[0]  # the header, BOM included
    rows = [line.split(",") for line in lines(data)[1:-1]]
    real_rows = [line.split(",") for line in lines(real)[1:-1]]
    assert {len(r) for r in rows} == {len(r) for r in real_rows} == {4}
    for row in rows + real_rows:
        assert ISO_DAY.fullmatch(row[0]) and all(v.isdigit() for v in row[1:])
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)  # oldest first, like the real one
    assert rows[0][0] == world.origin.isoformat() and rows[-1][0] == world.last_day.isoformat()


@pytest.mark.parametrize(("window", "days"), [("7day", 7), ("28day", 28), ("12months", 365)])
def test_timeline_windows_end_yesterday(client, world, window, days):
    data = download(client, world, "Nova Reyes", f"timeline:{window}").content
    dates = [line.split(",")[0] for line in lines(data)[1:-1]]
    expected = [(world.last_day - timedelta(days=days - 1 - i)).isoformat() for i in range(days)]
    assert dates == expected


def test_songs_match_the_real_download(client, world):
    real = (FIXTURES / "Blue Frog-songs-all.csv").read_bytes()
    data = download(client, world, "Blue Frog", "songs").content
    for blob in (real, data):
        assert blob.startswith(BOM) and blob.endswith(b"\n") and b"\r" not in blob
        body = lines(blob)[1:-1]
        assert all(re.fullmatch(r'"(?:[^"]|"")*",\d+,\d+,\d+,\d{4}-\d{2}-\d{2}', b) for b in body)
    assert lines(data)[0] == lines(real)[0]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
    streams = [int(r[2]) for r in rows]
    assert streams == sorted(streams, reverse=True)  # most streamed first, like the real one
    artist = world.artist("Blue Frog")
    released = [t for t in world.tracks_of(artist) if t.release_date < world.today]
    assert sorted(r[0] for r in rows) == sorted(world.title_on(t, "spotify") for t in released)
    assert f"{world.renamed_track.title} (Radio Edit)" in {r[0] for r in rows}


def test_downloads_ingest_with_zero_rejects(sandbox: Sandbox, client, world, tmp_path):
    paths = LakePaths(tmp_path / "lake").ensure()
    store = SyncLandingStore(paths)
    try:
        for artist in world.artists:
            for what, name in (("timeline:all", "audience-timeline"), ("songs", "songs-all")):
                data = download(client, world, artist.name, what).content
                store.store(
                    f"{artist.name}-{name}.csv",
                    data,
                    "csv",
                    metadata={"source": "spotify", "account": artist.name},
                    subpath=artist.id,
                )
        files = landing_files(store)
    finally:
        store.close()
    summary = Ingestor(paths, all_datasets(), memory_limit="1GB").run(files)
    assert [o.status for o in summary.files] == ["ingested"] * 6
    assert sum(o.rows_rejected for o in summary.files) == 0
    released = [t for t in world.tracks if t.release_date < world.today]
    assert sum(o.rows_raw for o in summary.files) == 3 * len(world.days()) + len(released)


def test_the_pages_need_a_login(client, world):
    spotify_id = world.artist("Blue Frog").spotify_id
    response = client.get(f"/spotify/artist/{spotify_id}/audience/timeline.csv?range=all")
    assert response.status_code == 302 and "/spotify/login" in response.headers["location"]


def song_download(http: httpx.Client, track: Track, window: str) -> httpx.Response:
    login(http, "spotify")
    song = f"/spotify/artist/{track.artist.spotify_id}/song/{track.spotify_id}"
    response = http.get(f"{song}/timeline.csv?range={window}")
    assert response.status_code == 200, response.text
    return response


def test_song_timeline_follows_the_real_downloads_conventions(client, world):
    real = (FIXTURES / "Blue Frog-audience-timeline.csv").read_bytes()
    track = world.renamed_track
    served = song_download(client, track, "all")
    assert served.headers["content-disposition"] == (
        f'attachment; filename="Blue Frog-song-{track.spotify_id}-timeline.csv"'
    )
    assert song_timeline.claims(f"Blue Frog-song-{track.spotify_id}-timeline.csv")
    assert re.fullmatch(r"[0-9A-Za-z]{22}", track.spotify_id)
    data = served.content
    for blob in (real, data):  # BOM, LF only, a final newline, nothing quoted
        assert blob.startswith(BOM) and blob.endswith(b"\n") and b"\r" not in blob
        assert b'"' not in blob
    assert lines(data)[0] == "\ufeffdate,streams,listeners,saves"  # the contract's layout
    rows = [line.split(",") for line in lines(data)[1:-1]]
    assert {len(r) for r in rows} == {4}
    for row in rows:
        assert ISO_DAY.fullmatch(row[0]) and all(v.isdigit() for v in row[1:])
    assert [r[0] for r in rows] == [d.isoformat() for d in world.days()]  # oldest first
    streams = {r[0]: int(r[1]) for r in rows}
    assert streams == {d.isoformat(): world.streams(track, d, "spotify") for d in world.days()}
    assert all(int(r[2]) <= int(r[1]) and int(r[3]) <= int(r[1]) for r in rows)
    assert sum(streams.values()) == world.spotify_song_totals(track).streams


@pytest.mark.parametrize(("window", "days"), [("7day", 7), ("28day", 28), ("12months", 365)])
def test_song_timeline_windows_end_yesterday(client, world, window, days):
    track = released_songs(world, world.artist("Nova Reyes"))[0]
    data = song_download(client, track, window).content
    dates = [line.split(",")[0] for line in lines(data)[1:-1]]
    expected = [(world.last_day - timedelta(days=days - 1 - i)).isoformat() for i in range(days)]
    assert dates == expected
    # the last day is provisional: 90 % of what it reports once the world has moved on
    final = world.advanced(3).streams(track, world.last_day, "spotify")
    last = lines(data)[-2].split(",")
    assert last[0] == world.last_day.isoformat() and int(last[1]) == int(final * 0.9) < final


def test_songs_page_links_every_song_to_its_page(client, world):
    login(client, "spotify")
    artist = world.artist("Blue Frog")
    page = client.get(f"/spotify/artist/{artist.spotify_id}/music/songs").text
    links = re.findall(r'<a class="song-link" href="([^"]+)">([^<]+)</a>', page)
    songs = released_songs(world, artist)
    assert links == [
        (
            f"/spotify/artist/{artist.spotify_id}/song/{t.spotify_id}/stats",
            world.title_on(t, "spotify"),
        )
        for t in songs
    ]
    radio_edit = next(href for href, title in links if title.endswith("(Radio Edit)"))
    song_page = client.get(radio_edit)
    assert song_page.status_code == 200
    title = re.search(r'<h1 id="song-title">([^<]+)</h1>', song_page.text)
    assert title and title.group(1) == f"{world.renamed_track.title} (Radio Edit)"
    assert 'id="timeline-range"' in song_page.text
    assert 'id="download-timeline" href="timeline.csv?range=28day"' in song_page.text
    other = world.tracks_of(world.artist("Nova Reyes"))[0]
    wrong = client.get(f"/spotify/artist/{artist.spotify_id}/song/{other.spotify_id}/stats")
    assert wrong.status_code == 404  # a song of another artist is not this artist's


def test_song_timelines_ingest_with_zero_rejects(client, world, tmp_path):
    paths = LakePaths(tmp_path / "lake").ensure()
    store = SyncLandingStore(paths)
    released = [t for a in world.artists for t in released_songs(world, a)]
    try:
        for track in released:
            data = song_download(client, track, "28day").content
            store.store(
                f"{track.artist.name}-song-{track.spotify_id}-timeline.csv",
                data,
                "csv",
                metadata={
                    "source": "spotify",
                    "account": track.artist.name,
                    "spotify_track_id": track.spotify_id,
                    "song_title": world.title_on(track, "spotify"),
                },
                subpath=track.artist.id,
            )
        files = landing_files(store)
    finally:
        store.close()
    summary = Ingestor(paths, all_datasets(), memory_limit="1GB").run(files)
    assert [o.status for o in summary.files] == ["ingested"] * len(released) == ["ingested"] * 40
    assert {d.dataset for o in summary.files for d in o.outputs} == {"song_timeline"}
    assert sum(o.rows_rejected for o in summary.files) == 0
    assert sum(o.rows_raw for o in summary.files) == 40 * 28
