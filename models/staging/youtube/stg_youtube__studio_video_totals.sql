with

source as (
    select * from {{ source('youtube', 'table_data') }}
),

videos as (
    -- the first data row is the channel's `Total`: not a video, and counting it would
    -- double every sum
    select * from source
    where "Content" != 'Total'
),

typed as (
    select
        {{ landing_account() }} as account,
        "Content" as video_id,
        "Video title" as video_title,
        strptime("Video publish time", '%b %d, %Y')::date as published_date,
        "Views"::bigint as views,
        "Watch time (hours)"::decimal(18, 4) as watch_time_hours,
        "Subscribers"::bigint as subscribers_net,
        "Impressions"::bigint as impressions,
        -- Studio writes the click-through rate in percent: store the fraction
        "Impressions click-through rate (%)"::double / 100 as impressions_ctr,
        "Duration"::bigint as duration_seconds,
        epoch("Average view duration"::interval)::bigint as average_view_duration_seconds,
        "Your estimated revenue (USD)"::decimal(18, 6) as estimated_revenue_usd,
        _layout,
        {{ lineage_columns() }}
    from videos
),

latest_export as (
    -- each download totals the window picked in Studio: per account and video, the
    -- newest download wins
    select * from typed
    {{ latest_export(partition_by=['account', 'video_id']) }}
)

select * from latest_export
