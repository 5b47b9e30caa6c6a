-- a table, not a view: the per-song window and the per-day dedup over every overlapping
-- download are the costliest staging step (at 10 million raw rows each of its tests
-- recomputed them: ~1,000 s of tests as a view)
{{ config(materialized='table') }}

with

source as (
    select * from {{ source('spotify', 'song_timeline') }}
),

typed as (
    select
        -- the artist is the account: the landing metadata's, else the download's file name
        -- (`<Artist>-song-<track id>-timeline.csv`); so is the song's Spotify id
        {{ landing_account(source_file_part('([^/]+)-song-[0-9A-Za-z]{22}-timeline[.]csv$')) }}
            as account,
        {{ landing_metadata(
            'spotify_track_id',
            source_file_part('-song-([0-9A-Za-z]{22})-timeline[.]csv$'),
        ) }} as spotify_track_id,
        -- the file holds no title: the extractor records the one the Songs page showed
        {{ landing_metadata('song_title') }} as title_on_page,
        strptime(date, '%Y-%m-%d')::date as report_date,
        streams::bigint as streams,
        listeners::bigint as listeners,
        saves::bigint as saves,
        -- the download carries no export time: it was taken when it was landed
        _landed_at as exported_at,
        {{ lineage_columns() }}
    from source
),

titled as (
    -- one title per song, the newest the page showed (a song renamed on Spotify is matched
    -- under its current title, as in the newest songs download; a file dropped by hand,
    -- without a title of its own, takes the song's title from the extractor's landings)
    select
        *,
        first_value(title_on_page ignore nulls) over (
            partition by account, spotify_track_id
            order by exported_at desc, _source_file desc
            rows between unbounded preceding and unbounded following
        ) as song_title
    from typed
),

latest_export_per_day as (
    -- downloads overlap (each covers a rolling window or the whole history): per song and
    -- day the newest download's figures win (Spotify's late corrections replace the
    -- provisional ones); days only older downloads cover are kept
    select
        account,
        spotify_track_id,
        song_title,
        report_date,
        streams,
        listeners,
        saves,
        exported_at,
        {{ lineage_columns() }}
    from titled
    {{ latest_export(
        partition_by=['account', 'spotify_track_id', 'report_date'],
        order_by='exported_at desc',
    ) }}
)

select * from latest_export_per_day
