with

source as (
    select * from {{ source('distrokid', 'apple_music_monthly') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        field as month_label,
        -- Apple's months are written MM-YY (`09-24` = September 2024)
        strptime(field, '%m-%y')::date as month_start,
        value::bigint as streams,
        _layout,
        {{ lineage_columns() }}
    from source
),

flagged as (
    select
        *,
        -- a page's first month usually starts before its 365-day window does: partial
        month_start = min(month_start) over (partition by _sha256) as is_window_start
    from typed
),

latest_export as (
    -- per account and month the newest page wins, except that a complete month (from any page)
    -- beats the partial first month of a newer page's window; months only older pages cover
    -- are kept
    select * from flagged
    {{ latest_export(
        partition_by=['account', 'month_start'],
        order_by=['is_window_start asc', '_landed_at desc'],
    ) }}
)

select * from latest_export
