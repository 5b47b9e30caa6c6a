with

source as (
    select * from {{ source('toolost', 'spotify_discovery') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        date::date as discovery_month,
        streams::bigint as streams,
        -- the Discovery Mode fee, USD, exact to 8 decimals
        fees::decimal(18, 8) as fees_usd,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- per account and month the newest export wins; months only older exports cover are kept
    select * from typed
    {{ latest_export(partition_by=['account', 'discovery_month']) }}
)

select * from latest_export
