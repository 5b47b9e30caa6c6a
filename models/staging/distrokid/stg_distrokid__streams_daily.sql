with

source as (
    select * from {{ source('distrokid', 'streams_daily') }}
),

daily_points as (
    -- the page's daily charts (trend365day, trend60day); the weekly and monthly charts are
    -- sums of the same days and would count them again
    select * from source
    where coalesce(min_period, if(chart in ('trend365day', 'trend60day'), 'DD', null)) = 'DD'
),

typed as (
    select
        {{ landing_account() }} as account,
        category::date as stream_date,
        value::bigint as streams,
        chart,
        _layout,
        {{ lineage_columns() }}
    from daily_points
),

latest_export as (
    -- pages saved on different days overlap: per account and day the newest page wins
    -- (within a page, the 365-day chart over the 60-day one: they agree); days only older
    -- pages cover are kept, days no page covers stay missing
    select * from typed
    {{ latest_export(
        partition_by=['account', 'stream_date'],
        order_by=['_landed_at desc', '_source_file desc', "chart = 'trend365day' desc"],
    ) }}
)

select * from latest_export
