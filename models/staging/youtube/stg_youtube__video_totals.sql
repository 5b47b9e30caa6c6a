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
        json_extract_string(_landing_metadata, '$.account') as account,
        video as video_id,
        {{ youtube_report_metrics() }},
        _layout,
        _source_file,
        _sha256,
        _batch_id,
        _row_number,
        _landed_at,
        _ingested_at
    from video_reports
),

latest_export as (
    -- per account and video the newest export wins (the report's window is a request
    -- parameter the response does not carry: the totals are as of the newest export)
    select * from typed
    qualify
        row_number() over (
            partition by account, video_id
            order by _landed_at desc, _source_file desc, _row_number desc
        ) = 1
)

select * from latest_export
