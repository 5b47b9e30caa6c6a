-- Streams of a distributor account's whole catalogue per platform and day, safe to sum:
-- `fct_streams_daily`'s account-scope rows without the ones another row already contains
-- (DistroKid's Apple Music page is a part of its all-stores figure, so only `all_stores` is
-- kept for DistroKid; TooLost's Spotify and Apple Music figures are apart). A track has one
-- distributor, so distributors' catalogues do not overlap: `sum(streams)` over accounts,
-- platforms and days is the label's distributed streams as the distributors count them.
with

account_days as (
    select
        source,
        account,
        platform,
        stream_date,
        streams
    from {{ ref('fct_streams_daily') }}
    where
        track_scope = 'account'
        and not (source = 'distrokid' and platform != 'all_stores')
)

select
    md5(concat_ws('|', source, account, platform, stream_date)) as catalogue_stream_day_id,
    stream_date,
    source,
    account,
    platform,
    streams
from account_days
