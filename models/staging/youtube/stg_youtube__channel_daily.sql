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
        {{ landing_account() }} as account,
        strptime(day, '%Y-%m-%d')::date as report_date,
        {{ youtube_report_metrics() }},
        _layout,
        {{ lineage_columns() }}
    from daily_reports
),

latest_export as (
    -- overlapping windows: per account and day the newest export wins; older exports keep
    -- the days newer ones do not cover, and a day no export covers stays missing
    select * from typed
    {{ latest_export(partition_by=['account', 'report_date']) }}
)

select * from latest_export
