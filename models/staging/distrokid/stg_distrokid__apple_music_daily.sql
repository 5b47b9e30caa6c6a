with

source as (
    select * from {{ source('distrokid', 'apple_music_daily') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        field::date as stream_date,
        value::bigint as streams,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- the page shows the last 365 days: per account and day the newest page wins; days
    -- only older pages cover are kept, days no page covers stay missing
    select * from typed
    {{ latest_export(partition_by=['account', 'stream_date']) }}
)

select * from latest_export
