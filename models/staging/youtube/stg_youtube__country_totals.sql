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
        {{ landing_account() }} as account,
        country as country_code,
        {{ youtube_report_metrics() }},
        _layout,
        {{ lineage_columns() }}
    from country_reports
),

latest_export as (
    -- per account and country the newest export wins (totals as of the newest export)
    select * from typed
    {{ latest_export(partition_by=['account', 'country_code']) }}
)

select * from latest_export
