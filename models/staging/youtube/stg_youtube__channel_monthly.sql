-- The API's camelCase names must be quoted to keep their case readable, and some of
-- its metric names (comments, shares) are SQL keywords.
-- noqa: disable=RF04,RF06
with

source as (
    select * from {{ source('youtube', 'analytics_report') }}
),

monthly_reports as (
    -- reports whose only dimension is `month`: the channel's monthly totals
    select * from source
    where
        month is not null
        and coalesce(
            day, video, country, "insightTrafficSourceType", "deviceType", "ageGroup", gender,
            "subscribedStatus", "creatorContentType"
        ) is null
),

typed as (
    select
        json_extract_string(_landing_metadata, '$.account') as account,
        strptime(month, '%Y-%m')::date as report_month,
        {{ youtube_report_metrics() }},
        _layout,
        _source_file,
        _sha256,
        _batch_id,
        _row_number,
        _landed_at,
        _ingested_at
    from monthly_reports
),

latest_export as (
    -- per account and month the newest export wins (a month still running grows with each
    -- export); months only older exports cover are kept
    select * from typed
    qualify
        row_number() over (
            partition by account, report_month
            order by _landed_at desc, _source_file desc, _row_number desc
        ) = 1
)

select * from latest_export
