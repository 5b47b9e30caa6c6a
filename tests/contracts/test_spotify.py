"""Spotify for Artists contracts: two CSV downloads with a BOM, read by DuckDB."""

from __future__ import annotations

from pathlib import Path

from lake.contracts.spotify import audience_timeline, songs

from .support import FIXTURES, duckdb_rows

TIMELINE = FIXTURES / "spotify" / "Blue Frog-audience-timeline.csv"
SONGS = FIXTURES / "spotify" / "Blue Frog-songs-all.csv"


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
