-- Incremental: a build reads only the timeline files ingested since the published version
-- (`new_raw_rows`), lets them compete with the published rows of the same song days, and
-- replaces those days (delete+insert on the key). A full refresh reads every file; both give
-- the same rows. Titles come from `stg_spotify__song_titles`; a song renamed since is
-- re-titled on all its days by the post-hook.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['account', 'spotify_track_id', 'report_date'],
    on_schema_change='fail',
    post_hook="
        update {{ this }} as timeline
        set song_title = titles.song_title
        from {{ ref('stg_spotify__song_titles') }} as titles
        where
            timeline.account = titles.account
            and timeline.spotify_track_id = titles.spotify_track_id
            and timeline.song_title is distinct from titles.song_title
    ",
) }}

with

source as (
    select * from {{ source('spotify', 'song_timeline') }}
    {{ new_raw_rows() }}
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
        strptime(date, '%Y-%m-%d')::date as report_date,
        streams::bigint as streams,
        listeners::bigint as listeners,
        saves::bigint as saves,
        -- the download carries no export time: it was taken when it was landed
        _landed_at as exported_at,
        {{ lineage_columns() }}
    from source
),

{% if is_incremental() -%}
published_days as (
    -- the published rows of the song days the new files cover: they compete with them
    select
        account,
        spotify_track_id,
        report_date,
        streams,
        listeners,
        saves,
        exported_at,
        {{ lineage_columns() }}
    from {{ this }}
    where
        (account, spotify_track_id, report_date) in (
            select (account, spotify_track_id, report_date) from typed
        )
),
{%- endif %}

candidates as (
    select * from typed
    {% if is_incremental() -%}
        union all by name
        select * from published_days
    {%- endif %}
),

latest_export_per_day as (
    -- downloads overlap (each covers a rolling window or the whole history): per song and
    -- day the newest download's figures win (Spotify's late corrections replace the
    -- provisional ones); days only older downloads cover are kept
    select * from candidates
    {{ latest_export(
        partition_by=['account', 'spotify_track_id', 'report_date'],
        order_by='exported_at desc',
    ) }}
),

song_titles as (
    select
        account,
        spotify_track_id,
        song_title
    from {{ ref('stg_spotify__song_titles') }}
),

titled as (
    select
        latest.account,
        latest.spotify_track_id,
        song_titles.song_title,
        latest.report_date,
        latest.streams,
        latest.listeners,
        latest.saves,
        latest.exported_at,
        {{ lineage_columns('latest') }}
    from latest_export_per_day as latest
    left join song_titles
        on
            latest.account = song_titles.account
            and latest.spotify_track_id = song_titles.spotify_track_id
)

select * from titled
