-- Campaign return per Meta campaign and promoted track: the campaign's spend (account
-- currency and USD; split evenly when it promotes several tracks, in shares that add up to
-- the spend exactly: split_money) against the promoted track's streams and earnings over
-- the campaign window (first to last day with spend) and over a baseline window of the
-- same length just before it.
--
-- Streams come from fct_streams_daily at the finest scope available for the track:
-- `track` (a per-track daily source), else `artist` (the artist's daily streams, e.g.
-- Spotify for Artists' audience timeline: the lift then includes the artist's other
-- tracks), else `none` (no stream data: streams and lift null). `streams_scope` says
-- which. Lift needs both windows fully covered by daily data (missing days are never
-- read as zero). Earnings are monthly (sale months): a month counts in a window in
-- proportion to the window's days in it.
with

campaign_tracks as (
    select
        campaign_id,
        account,
        campaign_name,
        track_id,
        artist_id,
        match_method,
        n_promoted_tracks,
        -- which share of the campaign's spend the track gets (split_money)
        row_number() over (partition by campaign_id order by track_id) as spend_share_position
    from {{ ref('int_campaign_tracks_matched') }}
),

campaign_spend as (
    select
        campaign_id,
        currency,
        spend_source,
        first_spend_date,
        last_spend_date,
        spend,
        spend_usd
    from {{ ref('int_campaign_spend') }}
),

streams_daily as (
    select
        stream_date,
        track_scope,
        track_id,
        artist_id,
        streams
    from {{ ref('fct_streams_daily') }}
    where track_scope in ('track', 'artist')
),

royalties as (
    select
        source,
        sale_month,
        track_id,
        earnings_usd
    from {{ ref('fct_royalties_monthly') }}
),

windows as (
    select
        campaign_tracks.campaign_id,
        campaign_tracks.account,
        campaign_tracks.campaign_name,
        campaign_tracks.track_id,
        campaign_tracks.artist_id,
        campaign_tracks.match_method,
        campaign_tracks.n_promoted_tracks,
        campaign_spend.currency,
        campaign_spend.spend_source,
        campaign_spend.first_spend_date as campaign_start,
        campaign_spend.last_spend_date as campaign_end,
        (campaign_spend.last_spend_date - campaign_spend.first_spend_date + 1)::integer
            as window_days,
        campaign_spend.first_spend_date
        - (campaign_spend.last_spend_date - campaign_spend.first_spend_date + 1)::integer
            as baseline_start,
        campaign_spend.first_spend_date - 1 as baseline_end,
        {{ split_money(
            'campaign_spend.spend',
            'campaign_tracks.n_promoted_tracks',
            'campaign_tracks.spend_share_position',
        ) }} as spend,
        {{ split_money(
            'campaign_spend.spend_usd',
            'campaign_tracks.n_promoted_tracks',
            'campaign_tracks.spend_share_position',
        ) }} as spend_usd
    from campaign_tracks
    left join campaign_spend
        on campaign_tracks.campaign_id = campaign_spend.campaign_id
),

scoped_streams as (
    -- each campaign's candidate series: the track's own, and its artist's
    select
        windows.campaign_id,
        windows.track_id,
        streams_daily.track_scope,
        streams_daily.stream_date,
        streams_daily.streams,
        streams_daily.stream_date between windows.campaign_start and windows.campaign_end
            as in_campaign,
        streams_daily.stream_date between windows.baseline_start and windows.baseline_end
            as in_baseline
    from windows
    inner join streams_daily
        on
            (
                windows.track_id = streams_daily.track_id
                and streams_daily.track_scope = 'track'
                and windows.track_id != 'unattributed'
            )
            or (
                windows.artist_id = streams_daily.artist_id
                and streams_daily.track_scope = 'artist'
                and windows.artist_id != 'unattributed'
            )
    where streams_daily.stream_date between windows.baseline_start and windows.campaign_end
),

best_scope as (
    select
        campaign_id,
        track_id,
        case when bool_or(track_scope = 'track') then 'track' else 'artist' end as streams_scope
    from scoped_streams
    group by campaign_id, track_id
),

stream_totals as (
    select
        scoped_streams.campaign_id,
        scoped_streams.track_id,
        best_scope.streams_scope,
        sum(scoped_streams.streams) filter (where scoped_streams.in_campaign)
            as campaign_streams,
        sum(scoped_streams.streams) filter (where scoped_streams.in_baseline)
            as baseline_streams,
        count(distinct scoped_streams.stream_date) filter (where scoped_streams.in_campaign)
            as campaign_stream_days,
        count(distinct scoped_streams.stream_date) filter (where scoped_streams.in_baseline)
            as baseline_stream_days
    from scoped_streams
    inner join best_scope
        on
            scoped_streams.campaign_id = best_scope.campaign_id
            and scoped_streams.track_id = best_scope.track_id
            and scoped_streams.track_scope = best_scope.streams_scope
    group by scoped_streams.campaign_id, scoped_streams.track_id, best_scope.streams_scope
),

monthly_earnings as (
    -- rows without a track (`unattributed`) are no track's earnings
    select
        sale_month,
        track_id,
        sum(earnings_usd) as earnings_usd
    from royalties
    where track_id != 'unattributed'
    group by sale_month, track_id
),

track_sources as (
    select distinct
        source,
        track_id
    from royalties
    where track_id != 'unattributed'
),

source_months as (
    select
        source,
        max(sale_month) as last_month
    from royalties
    group by source
),

reported_through as (
    -- how far each track's statements reach: the last sale month its sources have reported
    -- for any track (distributors report with a lag of one to three months)
    select
        track_sources.track_id,
        min(source_months.last_month) as last_reported_month
    from track_sources
    inner join source_months
        on track_sources.source = source_months.source
    group by track_sources.track_id
),

earnings_totals as (
    -- a month's earnings spread evenly over its days; each window takes its days' share
    select
        windows.campaign_id,
        windows.track_id,
        sum(
            monthly_earnings.earnings_usd
            * greatest(
                0,
                least(windows.campaign_end, last_day(monthly_earnings.sale_month))
                - greatest(windows.campaign_start, monthly_earnings.sale_month) + 1
            )
            / day(last_day(monthly_earnings.sale_month))
        ) as campaign_earnings_usd,
        sum(
            monthly_earnings.earnings_usd
            * greatest(
                0,
                least(windows.baseline_end, last_day(monthly_earnings.sale_month))
                - greatest(windows.baseline_start, monthly_earnings.sale_month) + 1
            )
            / day(last_day(monthly_earnings.sale_month))
        ) as baseline_earnings_usd
    from windows
    inner join monthly_earnings
        on
            windows.track_id = monthly_earnings.track_id
            and windows.campaign_end >= monthly_earnings.sale_month
            and windows.baseline_start <= last_day(monthly_earnings.sale_month)
    group by windows.campaign_id, windows.track_id
),

final as (
    select
        windows.campaign_id,
        windows.track_id,
        windows.account,
        windows.campaign_name,
        windows.artist_id,
        windows.match_method,
        windows.n_promoted_tracks,
        windows.currency,
        windows.spend_source,
        windows.campaign_start,
        windows.campaign_end,
        windows.baseline_start,
        windows.baseline_end,
        windows.window_days,
        windows.spend,
        windows.spend_usd,
        coalesce(stream_totals.streams_scope, 'none') as streams_scope,
        stream_totals.campaign_streams,
        stream_totals.baseline_streams,
        coalesce(stream_totals.campaign_stream_days, 0) as campaign_stream_days,
        coalesce(stream_totals.baseline_stream_days, 0) as baseline_stream_days,
        (
            stream_totals.campaign_stream_days = windows.window_days
            and stream_totals.baseline_stream_days = windows.window_days
        ) is true as has_complete_stream_windows,
        round(earnings_totals.campaign_earnings_usd, 8)::decimal(18, 8)
            as campaign_earnings_usd,
        round(earnings_totals.baseline_earnings_usd, 8)::decimal(18, 8)
            as baseline_earnings_usd,
        reported_through.last_reported_month as earnings_reported_through
    from windows
    left join stream_totals
        on
            windows.campaign_id = stream_totals.campaign_id
            and windows.track_id = stream_totals.track_id
    left join earnings_totals
        on
            windows.campaign_id = earnings_totals.campaign_id
            and windows.track_id = earnings_totals.track_id
    left join reported_through
        on windows.track_id = reported_through.track_id
)

select
    campaign_id,
    track_id,
    account,
    campaign_name,
    artist_id,
    match_method,
    n_promoted_tracks,
    currency,
    spend_source,
    campaign_start,
    campaign_end,
    baseline_start,
    baseline_end,
    window_days,
    spend,
    spend_usd,
    streams_scope,
    campaign_streams,
    baseline_streams,
    campaign_stream_days,
    baseline_stream_days,
    has_complete_stream_windows,
    if(has_complete_stream_windows, campaign_streams - baseline_streams, null)
        as incremental_streams,
    if(
        has_complete_stream_windows and baseline_streams > 0,
        round((campaign_streams - baseline_streams) / baseline_streams, 6),
        null
    ) as streams_lift_ratio,
    if(
        has_complete_stream_windows and campaign_streams > baseline_streams,
        round(spend / (campaign_streams - baseline_streams), 8),
        null
    )::decimal(18, 8) as cost_per_incremental_stream,
    if(
        has_complete_stream_windows and campaign_streams > baseline_streams,
        round(spend_usd / (campaign_streams - baseline_streams), 8),
        null
    )::decimal(18, 8) as cost_per_incremental_stream_usd,
    campaign_earnings_usd,
    baseline_earnings_usd,
    (campaign_earnings_usd - baseline_earnings_usd)::decimal(18, 8) as incremental_earnings_usd,
    earnings_reported_through,
    coalesce(earnings_reported_through >= date_trunc('month', campaign_end), false)
        as has_complete_earnings
from final
