with

source as (
    select * from {{ source('toolost', 'apple_countries') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        country as country_code,
        streams::bigint as streams,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- totals over the response's window: per account only the newest export is kept
    select * from typed
    {{ latest_export(partition_by='account', keep='export') }}
)

select * from latest_export
