with

source as (
    select * from {{ source('distrokid', 'apple_music_breakdowns') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        series as breakdown,
        field as item,
        id as item_id,
        value::bigint as streams,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- one-year totals over a rolling window: an older page's totals are not part of the
    -- newer one's, so per account only the newest page is kept
    select * from typed
    {{ latest_export(partition_by='account', keep='export') }}
)

select * from latest_export
