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
        {{ landing_account() }} as account,
        strptime(month, '%Y-%m')::date as report_month,
        {{ youtube_report_metrics() }},
        _layout,
        {{ lineage_columns() }}
    from monthly_reports
),

latest_export as (
    -- per account and month the newest export wins (a month still running grows with each
    -- export); months only older exports cover are kept
    select * from typed
    {{ latest_export(partition_by=['account', 'report_month']) }}
)

select * from latest_export
