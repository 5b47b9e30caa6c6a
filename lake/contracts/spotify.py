"""Spotify for Artists: the audience timeline, the songs table and each song's timeline
(CSV downloads).

What lands: `extract/spotify.py` signs in to artists.spotify.com (the sandbox in the demo) and
saves the CSV downloads as served, under Spotify's own names: `<Artist>-audience-timeline.csv`,
`<Artist>-songs-all.csv` and, per song, `<Artist>-song-<track id>-timeline.csv`. All start
with a UTF-8 BOM. The artist is only in the file name: the engine keeps `_source_file`, and
staging reads the artist from it (no hook needed). A song's title is in no file: the
extractor puts it (and the track id) in the landing metadata.

Path through the lake: `extract/spotify.py` -> `landing/spotify/<batch>/` ->
`raw/_source=spotify/_dataset=<name>/` -> `models/staging/spotify/`.
"""

from __future__ import annotations

from lake.ingest.contract import NOT_NULL, Column, Csv, Dataset, Freshness, Layout, Source

SOURCE = "spotify"

SOURCE_INFO = Source(
    name=SOURCE,
    title="Spotify",
    description=(
        "Spotify for Artists, one artist's downloads: the audience timeline, the all-time songs "
        "table and each song's timeline (CSV with a UTF-8 BOM, the artist only in the file name),"
        " landed by `extract/spotify.py` (or dropped by hand), validated and written to the raw "
        "zone by `lake ingest`. Every raw column is text exactly as Spotify wrote it."
    ),
    owner="label-marketing",
    freshness=Freshness(
        warn_days=3,
        error_days=8,
        why="The extractor runs daily; a week without a new download means it stopped.",
    ),
)

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
    schema=(
        Column("date", "The day, `YYYY-MM-DD`.", "internal", tests=NOT_NULL),
        Column("listeners", "Listeners that day, as text.", "internal", tests=NOT_NULL),
        Column("streams", "Streams that day, as text.", "internal", tests=NOT_NULL),
        Column("followers", "Followers on that day, as text.", "internal", tests=NOT_NULL),
    ),
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
    schema=(
        Column("song", "The song's title.", "public", tests=NOT_NULL),
        Column("listeners", "All-time listeners, as text.", "internal", tests=NOT_NULL),
        Column("streams", "All-time streams, as text.", "internal", tests=NOT_NULL),
        Column("saves", "All-time saves, as text.", "internal", tests=NOT_NULL),
        Column("release_date", "Release date, `YYYY-MM-DD`.", "public", tests=NOT_NULL),
    ),
)

# A Spotify track id: 22 base-62 characters. The song pattern spells it out so that an artist
# whose name holds "-song-" ("Sing-song-Sisters-audience-timeline.csv") is not claimed.
TRACK_ID_GLOB = "[0-9A-Za-z]" * 22

song_timeline = Dataset(
    source=SOURCE,
    name="song_timeline",
    description=(
        "One song's streams, listeners and saves per day from the song page's timeline "
        "download, `<Artist>-song-<22-character Spotify track id>-timeline.csv`. SANDBOX "
        "LAYOUT (no real sample exists yet; check it against a real download): a UTF-8 BOM, "
        "LF line endings, header `date,streams,listeners,saves`, ISO dates oldest first "
        "(one row per day of the chosen window: 7 days, 28 days, 12 months or since 2015), "
        "counts as plain integers, nothing quoted. The artist and the track id are in the "
        "file name; the song's title only in the landing metadata (`song_title`, with "
        "`spotify_track_id`). Downloads overlap; the last two days are provisional."
    ),
    pattern=f"*-song-{TRACK_ID_GLOB}-timeline.csv",
    format=Csv(),
    layouts=(Layout("v1", required=("date", "streams", "listeners", "saves")),),
    types={
        "date": "date:%Y-%m-%d",
        "streams": "bigint",
        "listeners": "bigint",
        "saves": "bigint",
    },
    primary_key=("date",),
    schema=(
        Column("date", "The day, `YYYY-MM-DD`.", "internal", tests=NOT_NULL),
        Column("streams", "The song's streams that day, as text.", "internal", tests=NOT_NULL),
        Column("listeners", "The song's listeners that day, as text.", "internal", tests=NOT_NULL),
        Column("saves", "Saves of the song that day, as text.", "internal", tests=NOT_NULL),
        Column(
            "_landing_metadata",
            (
                "{{ doc('raw_landing_metadata') }} Here `account` names the artist, and "
                "`spotify_track_id` and `song_title` the song (set by the extractor)."
            ),
            "confidential",
        ),
    ),
)

DATASETS = [audience_timeline, songs, song_timeline]
