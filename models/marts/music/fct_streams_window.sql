-- Streams a source reports only as totals over a window (not per day), kept out of
-- fct_streams_daily so no one sums them with daily figures. `breakdown` says how a
-- response splits its total: by `track` or by `country` (the same streams split two ways:
-- sum within one breakdown only).
with

tracks_matched as (
    select
        platform,
        account,
        platform_track_id,
        track_id,
        artist_id
    from {{ ref('int_tracks_matched') }}
),

toolost_apple_tracks as (
    select
        account,
        isrc,
        streams,
        _source_file
    from {{ ref('stg_toolost__apple_tracks') }}
),

toolost_apple_countries as (
    select
        account,
        country_code,
        streams,
        _source_file
    from {{ ref('stg_toolost__apple_countries') }}
),

toolost_apple_days as (
    select
        _source_file,
        stream_date
    from {{ ref('stg_toolost__apple_streams') }}
),

spotify_songs as (
    select
        account,
        song_title,
        release_date,
        snapshot_date,
        streams,
        listeners,
        saves,
        _source_file
    from {{ ref('stg_spotify__songs') }}
),

response_windows as (
    -- TooLost's response does not state its window: its first and last day with streams
    -- (from the same response's daily series) stand for it
    select
        _source_file,
        min(stream_date) as window_start,
        max(stream_date) as window_end
    from toolost_apple_days
    group by _source_file
),

toolost_track_totals as (
    -- one row per track: an answer may write one ISRC two ways (`QT-NI9-25-02473` and
    -- `QTNI92502473`), both matched to the same track, so their streams are added
    select
        'toolost' as source,
        coalesce(totals.account, '(unknown)') as account,
        'apple_music' as platform,
        'track' as breakdown,
        response_windows.window_start,
        response_windows.window_end,
        coalesce(tracks_matched.track_id, 'unattributed') as track_id,
        coalesce(tracks_matched.artist_id, 'unattributed') as artist_id,
        'ZZ' as country_code,
        sum(totals.streams)::bigint as streams,
        null::bigint as listeners,
        null::bigint as saves,
        totals._source_file
    from toolost_apple_tracks as totals
    left join response_windows
        on totals._source_file = response_windows._source_file
    left join tracks_matched
        on
            tracks_matched.platform = 'toolost_apple'
            and totals.isrc = tracks_matched.platform_track_id
    group by
        coalesce(totals.account, '(unknown)'),
        response_windows.window_start,
        response_windows.window_end,
        coalesce(tracks_matched.track_id, 'unattributed'),
        coalesce(tracks_matched.artist_id, 'unattributed'),
        totals._source_file
),

toolost_country_totals as (
    select
        'toolost' as source,
        coalesce(totals.account, '(unknown)') as account,
        'apple_music' as platform,
        'country' as breakdown,
        response_windows.window_start,
        response_windows.window_end,
        'all_tracks' as track_id,
        'all_artists' as artist_id,
        totals.country_code,
        totals.streams,
        null::bigint as listeners,
        null::bigint as saves,
        totals._source_file
    from toolost_apple_countries as totals
    left join response_windows
        on totals._source_file = response_windows._source_file
),

spotify_song_totals as (
    -- all-time totals per song as of the download: from the release to the snapshot day
    select
        'spotify_for_artists' as source,
        coalesce(songs.account, '(unknown)') as account,
        'spotify' as platform,
        'track' as breakdown,
        songs.release_date as window_start,
        songs.snapshot_date as window_end,
        coalesce(tracks_matched.track_id, 'unattributed') as track_id,
        coalesce(tracks_matched.artist_id, 'unattributed') as artist_id,
        'ZZ' as country_code,
        songs.streams,
        songs.listeners,
        songs.saves,
        songs._source_file
    from spotify_songs as songs
    left join tracks_matched
        on
            tracks_matched.platform = 'spotify'
            and songs.account = tracks_matched.account
            and songs.song_title = tracks_matched.platform_track_id
),

all_totals as (
    select * from toolost_track_totals
    union all by name
    select * from toolost_country_totals
    union all by name
    select * from spotify_song_totals
)

select
    md5(
        concat_ws(
            '|', source, account, platform, breakdown, window_start, window_end, track_id,
            country_code
        )
    ) as stream_window_id,
    source,
    account,
    platform,
    breakdown,
    window_start,
    window_end,
    track_id,
    artist_id,
    country_code,
    streams,
    listeners,
    saves,
    _source_file
from all_totals
