-- Streams per track and day, safe to sum: only `fct_streams_daily`'s track-scope rows (one
-- figure per track, platform and day, no sentinel rows, no constant columns), so
-- `sum(streams)` over any tracks, days or artists is a real total. Today the only source
-- with per-track days is Spotify for Artists' song timelines.
with

track_days as (
    select
        source,
        account,
        platform,
        stream_date,
        track_id,
        artist_id,
        streams
    from {{ ref('fct_streams_daily') }}
    where track_scope = 'track'
)

select
    md5(concat_ws('|', source, account, platform, stream_date, track_id)) as track_stream_day_id,
    stream_date,
    track_id,
    artist_id,
    platform,
    source,
    account,
    streams
from track_days
