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
        json_extract_string(_landing_metadata, '$.account') as account,
        category::date as stream_date,
        value::bigint as streams,
        chart,
        _layout,
        _source_file,
        _sha256,
        _batch_id,
        _row_number,
        _landed_at,
        _ingested_at
    from daily_points
),

latest_export as (
    -- pages saved on different days overlap: per account and day the newest page wins
    -- (within a page, the 365-day chart over the 60-day one: they agree); days only older
    -- pages cover are kept, days no page covers stay missing
    select * from typed
    qualify
        row_number() over (
            partition by account, stream_date
            order by
                _landed_at desc,
                _source_file desc,
                chart = 'trend365day' desc,
                _row_number desc
        ) = 1
)

select * from latest_export
