with

source as (
    select * from {{ source('linktree', 'overview_daily') }}
),

typed as (
    select
        -- Linktree's responses do not name the account: only the landing metadata does
        {{ landing_account() }} as account,
        strptime(date, '%Y-%m-%d')::date as report_date,
        "totalViews"::bigint as total_views,
        "totalClicks"::bigint as total_clicks,
        "uniqueViews"::bigint as unique_views,
        "uniqueClicks"::bigint as unique_clicks,
        -- clicks / views as Linktree reports it: can exceed 1
        "clickThroughRate"::double as click_through_rate,
        {{ linktree_exported_at() }} as exported_at,
        {{ lineage_columns() }}
    from source
),

latest_export_per_day as (
    -- captures overlap (7-day and 365-day windows): the newest capture's figures win per
    -- account and day; days only older captures cover are kept, never deleted
    select * from typed
    {{ latest_export(partition_by=['account', 'report_date'], order_by='exported_at desc') }}
)

select * from latest_export_per_day
