-- Daily streams per source, account, platform, track and country, at the finest grain each
-- source gives (see the YAML for each source's grain). Sources at a coarser grain use
-- sentinels in the key columns: `track_id = 'all_tracks'` (every track of the account or
-- artist), `artist_id = 'all_artists'` (every artist of a distributor account),
-- `country_code = 'ZZ'` (all countries), and `track_scope` says which. Each source gives one
-- scope, and rows never repeat a figure, so summing per source, platform and day gives the
-- source's own figure; sources overlap one another (TooLost's Spotify catalogue streams
-- and Spotify for Artists' timeline of the same artist), so never sum across sources.
--
-- A per-track daily source slots in as one more import CTE shaped like the others, with
-- `track_scope = 'track'` and its track resolved through int_tracks_matched, e.g. the
-- Spotify song timeline:
--   spotify_song_days as (
--       select 'spotify_for_artists' as source, days.account, 'spotify' as platform,
--           days.report_date as stream_date, 'track' as track_scope,
--           coalesce(tracks.track_id, 'unattributed') as track_id, ...
--       from <ref stg_spotify__song_timeline> as days
--       left join tracks on tracks.platform = 'spotify' and tracks.account = days.account
--           and tracks.platform_track_id = days.song_title
--   )
-- and one more `union all by name` below.
with

distrokid_streams as (
    select
        account,
        stream_date,
        streams,
        _source_file
    from {{ ref('stg_distrokid__streams_daily') }}
),

distrokid_apple_music as (
    select
        account,
        stream_date,
        streams,
        _source_file
    from {{ ref('stg_distrokid__apple_music_daily') }}
),

toolost_spotify as (
    select
        account,
        stream_date,
        streams,
        _source_file
    from {{ ref('stg_toolost__spotify_streams') }}
),

toolost_apple_music as (
    select
        account,
        stream_date,
        streams,
        _source_file
    from {{ ref('stg_toolost__apple_streams') }}
),

spotify_audience as (
    select
        account,
        report_date,
        streams,
        _source_file
    from {{ ref('stg_spotify__audience_timeline') }}
),

account_days as (
    -- distributor accounts: every track of every artist the account distributes
    select
        'distrokid' as source,  -- noqa: RF04
        account,
        'all_stores' as platform,
        stream_date,
        streams,
        _source_file
    from distrokid_streams
    union all
    select
        'distrokid' as source,  -- noqa: RF04
        account,
        'apple_music' as platform,
        stream_date,
        streams,
        _source_file
    from distrokid_apple_music
    union all
    select
        'toolost' as source,  -- noqa: RF04
        account,
        'spotify' as platform,
        stream_date,
        streams,
        _source_file
    from toolost_spotify
    union all
    select
        'toolost' as source,  -- noqa: RF04
        account,
        'apple_music' as platform,
        stream_date,
        streams,
        _source_file
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
        _source_file
    from account_days
),

artist_scope as (
    -- Spotify for Artists' audience timeline: the account is the artist
    select
        'spotify_for_artists' as source,  -- noqa: RF04
        coalesce(account, '(unknown)') as account,
        'spotify' as platform,
        report_date as stream_date,
        'artist' as track_scope,
        'all_tracks' as track_id,
        coalesce({{ artist_key('account') }}, 'unattributed') as artist_id,
        'ZZ' as country_code,
        streams,
        _source_file
    from spotify_audience
),

all_days as (
    select * from account_scope
    union all by name
    select * from artist_scope
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
    _source_file
from all_days
