"""Scale a lake's stream facts: copy its raw zone and add Spotify songs until
`fct_streams_daily` holds `--stream-rows` rows (default 10,000,000).

Where the rows of `fct_streams_daily` come from: one row per account and day from DistroKid's
and TooLost's daily pages, one per artist and day from Spotify for Artists' audience timeline,
and one per artist, song and day from Spotify for Artists' song timelines
(`raw/_source=spotify/_dataset=song_timeline`). Only the last one grows with the catalogue, so
the scaler adds songs there: new songs for the lake's Spotify artists, round robin, each with a
timeline over the same days the existing timelines cover (the last song released late enough
to land exactly on the target). So the joins still match, every new song is also

* listed in its artist's newest songs download (`spotify/songs`, all-time totals = the sum of
  its generated timeline), so it has a title; and
* in its distributor's catalogue with an ISRC: one statement row (a copy of the artist's newest
  row with the new title, ISRC and UPC) in DistroKid's bank details or TooLost's sales,
  whichever already carries the artist, so `int_tracks_matched` resolves the Spotify title to
  the ISRC (`match_method = 'title'`) and `dim_track` has the track.

All rows are generated with DuckDB SQL (`range()` joins, no Python loops over rows) and written
as raw Parquet in the raw-zone layout, with every data column VARCHAR and the lineage columns
of the dataset (`_source_file` a plausible landing path per new song, `_sha256` the SHA-256 of
that path, batch, landing and ingest times and layout copied from the artist's existing rows,
`_landing_metadata` the existing JSON with the song's title, Spotify id and URL patched in).

    .venv/bin/python bench/scale_streams.py SOURCE_LAKE TARGET_LAKE [--stream-rows 10000000]
        [--base-rows N]

`--base-rows` is the source lake's own `fct_streams_daily` row count; by default it is read
from the source lake's last build verdict (`warehouse/build.json`), so build it first.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

STREAM_FACT = "fct_streams_daily"
SCALED_PREFIX = "scaled-"
ADJECTIVES = ("Amber", "Silver", "Hollow", "Velvet", "Distant", "Neon", "Winter", "Golden")
NOUNS = ("Harbor", "Lanterns", "Echoes", "Rivers", "Signals", "Orchard", "Tides", "Avenue")
# The ISRC registrant and the UPC prefix of the generated tracks: no real catalogue uses them.
ISRC_PREFIX = "QZX9S"
UPC_PREFIX = "19"
MEMORY_LIMIT = "3GB"


class ScaleError(RuntimeError):
    """The source lake cannot be scaled as asked; the message says what to do."""


@dataclass(frozen=True)
class ScaleResult:
    source: str
    target: str
    base_rows: int
    stream_rows: int
    days: int
    new_songs: int
    new_timeline_rows: int
    catalogue_rows: dict[str, int]
    seconds: float


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_literal(v) for v in values) + "]"


def _artist_key(expression: str) -> str:
    """The dbt macro `artist_key` (macros/music/normalise.sql), as SQL."""
    return (
        f"nullif(trim(regexp_replace(lower(strip_accents(coalesce({expression}, ''))), "
        f"'[^a-z0-9]+', '-', 'g'), '-'), '')"
    )


def dataset_glob(root: Path, source: str, dataset: str) -> str:
    return str(root / "raw" / f"_source={source}" / f"_dataset={dataset}" / "*" / "*.parquet")


def read_raw(root: Path, source: str, dataset: str) -> str:
    glob = _literal(dataset_glob(root, source, dataset))
    return f"read_parquet({glob}, union_by_name = true, hive_partitioning = false)"


def base_rows_from_verdict(root: Path) -> int:
    verdict = root / "warehouse" / "build.json"
    try:
        rows = json.loads(verdict.read_text(encoding="utf-8"))["rows"][STREAM_FACT]
    except (OSError, ValueError, KeyError) as error:
        raise ScaleError(
            f"{verdict}: no {STREAM_FACT} row count ({error}); run `lake build --root {root}` "
            "first, or pass --base-rows"
        ) from error
    return int(rows)


def copy_raw(source: Path, target: Path) -> None:
    """The target lake starts as a copy of the source's raw zone (and nothing else)."""
    if not (source / "raw").is_dir():
        raise ScaleError(f"{source}/raw does not exist; build the demo lake first")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copytree(source / "raw", target / "raw")


def _partition_dir(con: duckdb.DuckDBPyConnection, root: Path, source: str, dataset: str) -> Path:
    """The dataset's newest `_date=` partition: the generated file goes next to its rows."""
    glob = _literal(dataset_glob(root, source, dataset))
    row = con.execute(
        f"select max(_date)::varchar from read_parquet({glob}, hive_partitioning = true, "
        "union_by_name = true) where _source_file is not null"
    ).fetchone()
    if not row or row[0] is None:
        raise ScaleError(f"{root}: raw {source}/{dataset} has no rows to scale from")
    return root / "raw" / f"_source={source}" / f"_dataset={dataset}" / f"_date={row[0]}"


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    rows = con.execute(f"describe select * from {relation}").fetchall()
    return [(str(name), str(kind)) for name, kind, *_ in rows]


def _write_like(
    con: duckdb.DuckDBPyConnection, root: Path, source: str, dataset: str, query: str, name: str
) -> int:
    """Write `query` as one raw Parquet file of the dataset: its columns, order and types."""
    relation = read_raw(root, source, dataset)
    select = ", ".join(f'"{col}"::{kind} as "{col}"' for col, kind in _columns(con, relation))
    out = _partition_dir(con, root, source, dataset) / f"{SCALED_PREFIX}{dataset}.parquet"
    tmp = out.with_name(out.name + ".tmp")
    con.execute(
        f"copy (select {select} from ({query})) to {_literal(str(tmp))} "
        "(format parquet, compression zstd, row_group_size 122880)"
    )
    tmp.replace(out)
    row = con.execute(f"select count(*) from read_parquet({_literal(str(out))})").fetchone()
    return int(row[0]) if row else 0


def plan_songs(con: duckdb.DuckDBPyConnection, root: Path, new_rows: int) -> tuple[int, int]:
    """Create `new_songs` (one row per new song) and return (days, songs)."""
    timeline = read_raw(root, "spotify", "song_timeline")
    con.execute(
        f"""
        create or replace temp table artists as
        with rows as (
            select json_extract_string(_landing_metadata, '$.account') as account, *
            from {timeline}
            where _landing_metadata is not null
        )
        select
            row_number() over (order by account) - 1 as artist_index,
            account,
            arg_max(_landing_metadata, _row_number) as metadata,
            arg_max(_source_file, _row_number) as template_file,
            any_value(_batch_id) as batch_id,
            max(_ingested_at) as ingested_at,
            max(_landed_at) as landed_at,
            any_value(_layout) as layout,
            min(strptime(date, '%Y-%m-%d')::date) as first_day,
            max(strptime(date, '%Y-%m-%d')::date) as last_day
        from rows
        where account is not null
        group by account
        """
    )
    row = con.execute(
        "select count(*), min(first_day), max(last_day), "
        "datediff('day', min(first_day), max(last_day)) + 1 from artists"
    ).fetchone()
    if not row or not row[0]:
        raise ScaleError(f"{root}: no Spotify song timelines with an account to scale from")
    artists, days = int(row[0]), int(row[3])
    songs = -(-new_rows // days)
    con.execute(
        f"""
        create or replace temp table new_songs as
        with numbered as (
            select
                n,
                n % {artists} as artist_index,
                -- the last song was released late enough that the total lands on the target
                case when n = {songs - 1} then {new_rows - (songs - 1) * days} else {days} end
                    as days
            from range({songs}) t(n)
        ),
        titled as (
            select
                numbered.*,
                artists.account,
                artists.metadata,
                artists.template_file,
                artists.batch_id,
                artists.ingested_at,
                artists.landed_at,
                artists.layout,
                (artists.last_day - (numbered.days - 1)::int) as first_day,
                {_sql_list(ADJECTIVES)}[1 + (hash(n, 'a') % {len(ADJECTIVES)})::int] || ' '
                    || {_sql_list(NOUNS)}[1 + (hash(n, 'b') % {len(NOUNS)})::int]
                    || ' No. ' || (n + 1)::varchar as title,
                substr(md5('{SCALED_PREFIX}' || n::varchar), 1, 22) as spotify_track_id,
                '{ISRC_PREFIX}' || lpad(n::varchar, 7, '0') as isrc,
                '{UPC_PREFIX}' || lpad(n::varchar, 10, '0') as upc
            from numbered
            inner join artists using (artist_index)
        )
        select
            *,
            regexp_replace(template_file, '-song-[0-9A-Za-z]{{22}}-timeline\\.csv$', '')
                || '-song-' || spotify_track_id || '-timeline.csv' as source_file,
            sha256(source_file) as source_sha256,
            json_merge_patch(
                metadata,
                json_object(
                    'song_title', title,
                    'spotify_track_id', spotify_track_id,
                    'url', regexp_replace(
                        json_extract_string(metadata, '$.url'),
                        '/song/[0-9A-Za-z]+/', '/song/' || spotify_track_id || '/'
                    )
                )
            )::varchar as song_metadata,
            -- a back catalogue released before the window; the last song on its first day
            case when days < {days} then first_day
                 else first_day - (30 + hash(n, 'r') % 1500)::int end as release_date
        from titled
        """
    )
    return days, songs


def write_timelines(con: duckdb.DuckDBPyConnection, root: Path) -> int:
    query = """
        with days as (
            -- a cross join and a filter stream; an inequality join would be materialised
            select
                s.first_day,
                s.source_file,
                s.source_sha256,
                s.batch_id,
                s.ingested_at,
                s.landed_at,
                s.layout,
                s.song_metadata,
                d.i,
                5 + (hash(s.n, d.i) % 1000)::int * (50 + s.n % 400)::int // 1000 as day_streams
            from new_songs as s
            cross join range(0, (select max(days) from new_songs)) as d (i)
            where d.i < s.days
        )
        select
            strftime(first_day + i::int, '%Y-%m-%d') as date,
            day_streams::varchar as streams,
            (day_streams * 7 // 10)::varchar as listeners,
            (day_streams // 20)::varchar as saves,
            null as _rescued,
            source_file as _source_file,
            source_sha256 as _sha256,
            batch_id as _batch_id,
            ingested_at as _ingested_at,
            landed_at as _landed_at,
            i + 1 as _row_number,
            layout as _layout,
            song_metadata as _landing_metadata
        from days
    """
    return _write_like(con, root, "spotify", "song_timeline", query, "song_timeline")


def write_songs(con: duckdb.DuckDBPyConnection, root: Path) -> int:
    """Each artist's newest songs download lists its new songs too (same file, rows after)."""
    songs = read_raw(root, "spotify", "songs")
    timeline = dataset_glob(root, "spotify", "song_timeline")
    scaled = str(Path(timeline).parent.parent / "*" / f"{SCALED_PREFIX}song_timeline.parquet")
    query = f"""
        with downloads as (
            select
                json_extract_string(_landing_metadata, '$.account') as account,
                arg_max(_source_file, _landed_at) as source_file
            from {songs}
            group by all
        ),
        newest as (
            select songs.* from {songs} as songs
            inner join downloads
                on songs._source_file = downloads.source_file
        ),
        templates as (
            select
                json_extract_string(_landing_metadata, '$.account') as account,
                arg_max(newest, _row_number) as tpl,
                max(_row_number) as last_row
            from newest
            group by all
        ),
        totals as (
            select _source_file, sum(streams::bigint) as streams
            from read_parquet({_literal(scaled)})
            group by all
        )
        select
            s.title as song,
            (totals.streams * 4 // 10)::varchar as listeners,
            totals.streams::varchar as streams,
            (totals.streams // 25)::varchar as saves,
            strftime(s.release_date, '%Y-%m-%d') as release_date,
            null as _rescued,
            t.tpl._source_file as _source_file,
            t.tpl._sha256 as _sha256,
            t.tpl._batch_id as _batch_id,
            t.tpl._ingested_at as _ingested_at,
            t.tpl._landed_at as _landed_at,
            t.last_row + row_number() over (partition by s.account order by s.n) as _row_number,
            t.tpl._layout as _layout,
            t.tpl._landing_metadata as _landing_metadata
        from new_songs s
        inner join templates t using (account)
        inner join totals on totals._source_file = s.source_file
    """
    return _write_like(con, root, "spotify", "songs", query, "songs")


CATALOGUES = {
    # (source, dataset): (artist column, title columns, ISRC column, UPC column)
    ("distrokid", "bank_details"): ("Artist", ("Title",), "ISRC", "UPC"),
    ("toolost", "sales"): ("Artist", ("Track Title", "Release"), "ISRC", "UPC"),
}


def write_catalogue(con: duckdb.DuckDBPyConnection, root: Path, source: str, dataset: str) -> int:
    """One statement row per new song whose artist this distributor already carries: a copy
    of the artist's newest row, in the same file, with the song's title, ISRC and UPC."""
    artist, titles, isrc, upc = CATALOGUES[(source, dataset)]
    relation = read_raw(root, source, dataset)
    replaced = ", ".join(
        [f'_new_title as "{col}"' for col in titles]
        + [
            f'_new_isrc as "{isrc}"',
            f'_new_upc as "{upc}"',
            "_last_row + row_number() over (partition by _source_file order by _new_n)"
            " as _row_number",
        ]
    )
    query = f"""
        with templates as (
            select
                {_artist_key(f'"{artist}"')} as artist_id,
                arg_max(r, (r._landed_at, r._row_number)) as tpl
            from {relation} as r
            where r._source_file is not null
            group by all
        ),
        last_rows as (
            select _source_file, max(_row_number) as last_row from {relation} group by all
        ),
        flat as (
            select
                unnest(t.tpl),
                s.title as _new_title,
                s.isrc as _new_isrc,
                s.upc as _new_upc,
                s.n as _new_n,
                last_rows.last_row as _last_row
            from new_songs as s
            inner join templates as t on t.artist_id = {_artist_key("s.account")}
            inner join last_rows on last_rows._source_file = t.tpl._source_file
        )
        select
            * exclude (_new_title, _new_isrc, _new_upc, _new_n, _last_row)
            replace ({replaced})
        from flat
    """
    return _write_like(con, root, source, dataset, query, dataset)


def scale(source: Path, target: Path, stream_rows: int, base_rows: int | None) -> ScaleResult:
    started = time.perf_counter()
    base = base_rows if base_rows is not None else base_rows_from_verdict(source)
    if stream_rows <= base:
        raise ScaleError(f"--stream-rows {stream_rows:,} is not above the lake's {base:,} rows")
    copy_raw(source, target)
    # a bounded, streaming COPY: the machine is shared, and row order does not matter
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "preserve_insertion_order": False})
    days, songs = plan_songs(con, target, stream_rows - base)
    timeline_rows = write_timelines(con, target)
    catalogue = {"spotify/songs": write_songs(con, target)}
    for source_name, dataset in CATALOGUES:
        catalogue[f"{source_name}/{dataset}"] = write_catalogue(con, target, source_name, dataset)
    con.close()
    return ScaleResult(
        source=str(source),
        target=str(target),
        base_rows=base,
        stream_rows=base + timeline_rows,
        days=days,
        new_songs=songs,
        new_timeline_rows=timeline_rows,
        catalogue_rows=catalogue,
        seconds=round(time.perf_counter() - started, 3),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="lake root to copy (its raw zone)")
    parser.add_argument("target", type=Path, help="lake root to (re)create")
    parser.add_argument("--stream-rows", type=int, default=10_000_000)
    parser.add_argument("--base-rows", type=int, help="the source's fct_streams_daily rows")
    args = parser.parse_args(argv)
    try:
        result = scale(
            args.source.resolve(), args.target.resolve(), args.stream_rows, args.base_rows
        )
    except ScaleError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
