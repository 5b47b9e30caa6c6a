"""Spotify for Artists contracts: three CSV downloads with a BOM, read by DuckDB (the song
timeline in the sandbox's layout: no real sample exists)."""

from __future__ import annotations

from pathlib import Path

from lake.contracts.spotify import DATASETS, audience_timeline, song_timeline, songs

from .support import FIXTURES, SANDBOX, duckdb_rows

TIMELINE = FIXTURES / "spotify" / "Blue Frog-audience-timeline.csv"
SONGS = FIXTURES / "spotify" / "Blue Frog-songs-all.csv"
TRACK_ID = "iTEaqDP6nqTy6GfX4derCk"  # the sandbox's Radio Edit, 22 base-62 characters
SONG_TIMELINE = SANDBOX / "spotify" / f"Blue Frog-song-{TRACK_ID}-timeline.csv"


def data_lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8-sig").splitlines()) - 1


def test_timeline_header_matches_the_layout_despite_the_bom(tmp_path: Path) -> None:
    header, rows = duckdb_rows(audience_timeline, TIMELINE, tmp_path)
    assert header == ["date", "listeners", "streams", "followers"]
    assert audience_timeline.match_layout(header) is not None
    assert len(rows) == data_lines(TIMELINE) == 783
    assert rows[0] == {"date": "2024-01-01", "listeners": "0", "streams": "0", "followers": "18"}
    assert rows[-1] == {
        "date": "2026-02-21",
        "listeners": "258",
        "streams": "311",
        "followers": "228",
    }


def test_songs_keep_quoted_titles_with_commas(tmp_path: Path) -> None:
    header, rows = duckdb_rows(songs, SONGS, tmp_path)
    assert header == ["song", "listeners", "streams", "saves", "release_date"]
    assert songs.match_layout(header) is not None
    assert len(rows) == data_lines(SONGS) == 29
    ocean = next(r for r in rows if r["song"].startswith("The Ocean"))
    assert ocean == {
        "song": "The Ocean, the Moon and the Forest",
        "listeners": "0",
        "streams": "237",
        "saves": "0",
        "release_date": "2025-03-28",
    }


def test_patterns_take_the_artist_from_the_file_name_only() -> None:
    assert audience_timeline.claims("Some Artist-audience-timeline.csv")
    assert songs.claims("Some Artist-songs-all.csv")
    assert not songs.claims("Some Artist-audience-timeline.csv")
    assert not audience_timeline.claims("Some Artist-songs-all.csv")


def test_song_timeline_reads_the_sandbox_layout(tmp_path: Path) -> None:
    raw = SONG_TIMELINE.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdate,streams,listeners,saves\n") and b"\r" not in raw
    header, rows = duckdb_rows(song_timeline, SONG_TIMELINE, tmp_path)
    assert header == ["date", "streams", "listeners", "saves"]
    assert song_timeline.match_layout(header) is not None
    assert len(rows) == data_lines(SONG_TIMELINE) == 28  # the 28-day window
    assert rows[0] == {"date": "2026-10-26", "streams": "215", "listeners": "155", "saves": "5"}
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert len({r["date"] for r in rows}) == 28  # the primary key holds


def claimed_by(name: str) -> list[str]:
    return [d.name for d in DATASETS if d.claims(name)]


def test_each_download_is_claimed_by_its_own_dataset_only() -> None:
    assert claimed_by(f"Blue Frog-song-{TRACK_ID}-timeline.csv") == ["song_timeline"]
    assert claimed_by("Blue Frog-audience-timeline.csv") == ["audience_timeline"]
    assert claimed_by("Blue Frog-songs-all.csv") == ["songs"]
    # an artist whose name holds "-song-" is still an audience download...
    assert claimed_by("Sing-song-Sisters-audience-timeline.csv") == ["audience_timeline"]
    assert claimed_by("Sing-song-Sisters-songs-all.csv") == ["songs"]
    # ...and a song of theirs a song timeline
    assert claimed_by(f"Sing-song-Sisters-song-{TRACK_ID}-timeline.csv") == ["song_timeline"]
    # the track id is 22 base-62 characters: anything else is not a song timeline
    assert claimed_by("Blue Frog-song-short-timeline.csv") == []
    assert claimed_by(f"Blue Frog-song-{TRACK_ID[:-1]}_-timeline.csv") == []
