-- Daily streams per source, account, platform, track and country, at the finest grain each
-- source gives (see the YAML for each source's grain). Sources at a coarser grain use
-- sentinels in the key columns: `track_id = 'all_tracks'` (every track of the account or
-- artist), `artist_id = 'all_artists'` (every artist of a distributor account),
-- `country_code = 'ZZ'` (all countries), and `track_scope` says which. Rows never repeat a
-- figure within a scope, so summing per source, platform, track_scope and day gives the
-- source's own figure. Spotify for Artists gives two scopes of the same streams (the
-- artist's audience timeline, `artist`, and each song's timeline, `track`): never sum
-- across scopes. Sources overlap one another (TooLost's Spotify catalogue streams and
-- Spotify for Artists' timeline of the same artist), so never sum across sources either.
--
-- Incremental: the account and artist scopes (a few rows per account and day) are rebuilt
-- every time (the pre-hook deletes them); the track scope, which grows with the catalogue,
-- is recomputed only for the accounts' days that changed: days with song-timeline rows
-- ingested since this table's newest (`_ingested_at`), and every day of a song whose title or
-- track changed since the mapping this table last applied (kept by the post-hook in
-- `lake_ops.fct_streams_daily__song_tracks`). delete+insert on the scope's day replaces them.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['source', 'account', 'platform', 'track_scope', 'stream_date'],
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where track_scope <> 'track'{% endif %}",
    post_hook=[
        "create schema if not exists lake_ops",
        "create or replace table lake_ops.fct_streams_daily__song_tracks as
        select account, spotify_track_id, song_title, artist_id, track_id
        from {{ ref('int_spotify_song_tracks') }}",
    ],
) }}

with

distrokid_streams as (
    select
        account,
        stream_date,
        streams,
        _source_file,
        _ingested_at
    from {{ ref('stg_distrokid__streams_daily') }}
),

distrokid_apple_music as (
    select
        account,
        stream_date,
        streams,
        _source_file,
        _ingested_at
    from {{ ref('stg_distrokid__apple_music_daily') }}
),

toolost_spotify as (
    select
        account,
        stream_date,
        streams,
        _source_file,
        _ingested_at
    from {{ ref('stg_toolost__spotify_streams') }}
),

toolost_apple_music as (
    select
        account,
        stream_date,
        streams,
        _source_file,
        _ingested_at
    from {{ ref('stg_toolost__apple_streams') }}
),

spotify_audience as (
    select
        account,
        report_date,
        streams,
        _source_file,
        _ingested_at
    from {{ ref('stg_spotify__audience_timeline') }}
),

song_tracks as (
    select
        account,
        spotify_track_id,
        song_title,
        artist_id,
        track_id
    from {{ ref('int_spotify_song_tracks') }}
),

{% if is_incremental() -%}
changed_songs as (
    -- songs whose title or track differs from the mapping this table last applied
    (
        select * from song_tracks
        except
        select * from lake_ops.fct_streams_daily__song_tracks
    )
    union
    (
        select * from lake_ops.fct_streams_daily__song_tracks
        except
        select * from song_tracks
    )
),

changed_days as (
    select distinct
        account,
        report_date
    from {{ ref('stg_spotify__song_timeline') }}
    where
        _ingested_at > {{ incremental_watermark(where="track_scope = 'track'") }}
        or (account, spotify_track_id) in (
            select (account, spotify_track_id) from changed_songs
        )
),
{%- endif %}

spotify_song_days as (
    select
        account,
        spotify_track_id,
        report_date,
        streams,
        _source_file,
        _ingested_at
    from {{ ref('stg_spotify__song_timeline') }}
    {% if is_incremental() -%}
        -- (account is never null here: the staging model's not_null test)
        where
            (account, report_date) in (
                select (account, report_date) from changed_days
            )
    {%- endif %}
),

account_days as (
    -- distributor accounts: every track of every artist the account distributes
    select
        'distrokid' as source,
        account,
        'all_stores' as platform,
        stream_date,
        streams,
        _source_file,
        _ingested_at
    from distrokid_streams
    union all
    select
        'distrokid' as source,
        account,
        'apple_music' as platform,
        stream_date,
        streams,
        _source_file,
        _ingested_at
    from distrokid_apple_music
    union all
    select
        'toolost' as source,
        account,
        'spotify' as platform,
        stream_date,
        streams,
        _source_file,
        _ingested_at
    from toolost_spotify
    union all
    select
        'toolost' as source,
        account,
        'apple_music' as platform,
        stream_date,
        streams,
        _source_file,
        _ingested_at
    from toolost_apple_music
),

account_scope as (
    select
        source,
        coalesce(account, '(unknown)') as account,
        platform,
        stream_date,
        'account' as track_scope,
        'all_tracks' as track_id,
        'all_artists' as artist_id,
        'ZZ' as country_code,
        streams,
        _source_file,
        _ingested_at
    from account_days
),

artist_scope as (
    -- Spotify for Artists' audience timeline: the account is the artist
    select
        'spotify_for_artists' as source,
        coalesce(account, '(unknown)') as account,
        'spotify' as platform,
        report_date as stream_date,
        'artist' as track_scope,
        'all_tracks' as track_id,
        coalesce({{ artist_key('account') }}, 'unattributed') as artist_id,
        'ZZ' as country_code,
        streams,
        _source_file,
        _ingested_at
    from spotify_audience
),

song_days_matched as (
    select
        coalesce(song_days.account, '(unknown)') as account,
        song_days.report_date,
        song_tracks.artist_id,
        song_tracks.track_id,
        song_days.streams,
        song_days._source_file,
        song_days._ingested_at
    from spotify_song_days as song_days
    inner join song_tracks
        on
            song_days.account is not distinct from song_tracks.account
            and song_days.spotify_track_id = song_tracks.spotify_track_id
),

track_scope as (
    -- Spotify for Artists' song timelines: one track of the artist (= account) per row; two
    -- Spotify songs resolving to one track (a title listed twice) are that track's streams
    select
        'spotify_for_artists' as source,
        account,
        'spotify' as platform,
        report_date as stream_date,
        'track' as track_scope,
        track_id,
        artist_id,
        'ZZ' as country_code,
        sum(streams)::bigint as streams,
        min(_source_file) as _source_file,
        max(_ingested_at) as _ingested_at
    from song_days_matched
    group by account, report_date, track_id, artist_id
),

all_days as (
    select * from account_scope
    union all by name
    select * from artist_scope
    union all by name
    select * from track_scope
)

select
    md5(
        concat_ws(
            '|', source, account, platform, stream_date, track_id, artist_id, country_code
        )
    ) as stream_day_id,
    source,
    account,
    platform,
    stream_date,
    track_scope,
    track_id,
    artist_id,
    country_code,
    streams,
    _source_file,
    _ingested_at
from all_days
