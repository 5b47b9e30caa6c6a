-- The API's camelCase names must be quoted to keep their case readable, and some of
-- its metric names (comments, shares) are SQL keywords.
-- noqa: disable=RF04,RF06
with

source as (
    select * from {{ source('youtube', 'analytics_report') }}
),

video_reports as (
    -- reports whose only dimension is `video`: totals per video over the report's window
    select * from source
    where
        video is not null
        and coalesce(
            day, month, country, "insightTrafficSourceType", "deviceType", "ageGroup", gender,
            "subscribedStatus", "creatorContentType"
        ) is null
),

typed as (
    select
        {{ landing_account() }} as account,
        video as video_id,
        {{ youtube_report_metrics() }},
        _layout,
        {{ lineage_columns() }}
    from video_reports
),

latest_export as (
    -- per account and video the newest export wins (the report's window is a request
    -- parameter the response does not carry: the totals are as of the newest export)
    select * from typed
    {{ latest_export(partition_by=['account', 'video_id']) }}
)

select * from latest_export
