-- The API's camelCase names must be quoted to keep their case readable, and some of
-- its metric names (comments, shares) are SQL keywords.
-- noqa: disable=RF04,RF06
with

source as (
    select * from {{ source('youtube', 'analytics_report') }}
),

daily_reports as (
    -- reports whose only dimension is `day`: the channel's daily totals
    select * from source
    where
        day is not null
        and coalesce(
            month, video, country, "insightTrafficSourceType", "deviceType", "ageGroup", gender,
            "subscribedStatus", "creatorContentType"
        ) is null
),

typed as (
    select
        json_extract_string(_landing_metadata, '$.account') as account,
        strptime(day, '%Y-%m-%d')::date as report_date,
        {{ youtube_report_metrics() }},
        _layout,
        _source_file,
        _sha256,
        _batch_id,
        _row_number,
        _landed_at,
        _ingested_at
    from daily_reports
),

latest_export as (
    -- overlapping windows: per account and day the newest export wins; older exports keep
    -- the days newer ones do not cover, and a day no export covers stays missing
    select * from typed
    qualify
        row_number() over (
            partition by account, report_date
            order by _landed_at desc, _source_file desc, _row_number desc
        ) = 1
)

select * from latest_export
