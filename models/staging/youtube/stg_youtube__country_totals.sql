-- The API's camelCase names must be quoted to keep their case readable, and some of
-- its metric names (comments, shares) are SQL keywords.
-- noqa: disable=RF04,RF06
with

source as (
    select * from {{ source('youtube', 'analytics_report') }}
),

country_reports as (
    -- reports whose only dimension is `country`: totals per country over the report's window
    select * from source
    where
        country is not null
        and coalesce(
            day, month, video, "insightTrafficSourceType", "deviceType", "ageGroup", gender,
            "subscribedStatus", "creatorContentType"
        ) is null
),

typed as (
    select
        json_extract_string(_landing_metadata, '$.account') as account,
        country as country_code,
        {{ youtube_report_metrics() }},
        _layout,
        _source_file,
        _sha256,
        _batch_id,
        _row_number,
        _landed_at,
        _ingested_at
    from country_reports
),

latest_export as (
    -- per account and country the newest export wins (totals as of the newest export)
    select * from typed
    qualify
        row_number() over (
            partition by account, country_code
            order by _landed_at desc, _source_file desc, _row_number desc
        ) = 1
)

select * from latest_export
