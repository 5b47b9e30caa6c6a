with

source as (
    select * from {{ source('distrokid', 'apple_music_weekly') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        field as week_label,
        split_part(field, '/', 1)::integer as week_number,
        -- weeks are written WW/YY, ISO weeks (Monday to Sunday) numbered from the Monday of
        -- ISO week 1 of 20YY: `53/24` is the week from Monday 2024-12-30
        date_trunc('week', make_date(2000 + split_part(field, '/', 2)::integer, 1, 4))::date
        + (split_part(field, '/', 1)::integer - 1) * 7 as week_start,
        value::bigint as streams,
        _layout,
        {{ lineage_columns() }}
    from source
),

flagged as (
    select
        *,
        -- a page's first week usually starts before its 365-day window does: partial
        week_start = min(week_start) over (partition by _sha256) as is_window_start
    from typed
),

latest_export as (
    -- per account and week the newest page wins, except that a complete week (from any page)
    -- beats the partial first week of a newer page's window; weeks only older pages cover
    -- are kept
    select * from flagged
    {{ latest_export(
        partition_by=['account', 'week_start'],
        order_by=['is_window_start asc', '_landed_at desc'],
    ) }}
)

select * from latest_export
