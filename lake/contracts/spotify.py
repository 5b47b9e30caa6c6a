"""Spotify for Artists: the audience timeline and the songs table (CSV downloads).

What lands: `extract/spotify.py` signs in to artists.spotify.com (the sandbox in the demo) and
saves the CSV downloads as served, under Spotify's own names: `<Artist>-audience-timeline.csv`
and `<Artist>-songs-all.csv`. Both start with a UTF-8 BOM. The artist is only in the file name:
the engine keeps `_source_file`, and staging reads the artist from it (no hook needed).

Path through the lake: `extract/spotify.py` -> `landing/spotify/<batch>/` ->
`raw/_source=spotify/_dataset=<name>/` -> `models/staging/spotify/`.
"""

from __future__ import annotations

from lake.ingest.contract import Csv, Dataset, Layout

SOURCE = "spotify"

audience_timeline = Dataset(
    source=SOURCE,
    name="audience_timeline",
    description=(
        "One artist's audience per day from the Spotify for Artists 'Audience' download: "
        "listeners, streams and followers (the follower count at that day). Each download "
        "repeats the whole history; the artist is in the file name (`_source_file`)."
    ),
    pattern="*-audience-timeline.csv",
    format=Csv(),
    layouts=(Layout("v1", required=("date", "listeners", "streams", "followers")),),
    types={
        "date": "date:%Y-%m-%d",
        "listeners": "bigint",
        "streams": "bigint",
        "followers": "bigint",
    },
    primary_key=("date",),
)

songs = Dataset(
    source=SOURCE,
    name="songs",
    description=(
        "One artist's songs over all time from the Spotify for Artists 'Music > Songs' "
        "download (the 'all' window): title, listeners, streams, saves, release date. Titles "
        "are quoted and may hold commas; the artist is in the file name (`_source_file`)."
    ),
    pattern="*-songs-all.csv",
    format=Csv(),
    layouts=(Layout("v1", required=("song", "listeners", "streams", "saves", "release_date")),),
    types={
        "listeners": "bigint",
        "streams": "bigint",
        "saves": "bigint",
        "release_date": "date:%Y-%m-%d",
    },
    # Two songs of one artist may share a title (a remaster): the release date tells them apart.
    primary_key=("song", "release_date"),
)

DATASETS = [audience_timeline, songs]
