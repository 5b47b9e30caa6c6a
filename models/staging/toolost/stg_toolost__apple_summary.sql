with

source as (
    select * from {{ source('toolost', 'apple_summary') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        "streamTotal"::bigint as streams_total,  -- noqa: RF06
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- the window's total: per account only the newest export is kept (it reconciles with
    -- the newest export's tracks and countries)
    select * from typed
    {{ latest_export(partition_by='account', keep='export') }}
)

select * from latest_export
