with

source as (
    select * from {{ source('linktree', 'socials_daily') }}
),

typed as (
    select
        -- Linktree's responses do not name the account: only the landing metadata does
        {{ landing_account() }} as account,
        strptime(date, '%Y-%m-%d')::date as report_date,
        name as social_name,
        clicks_total::bigint as clicks,
        -- the profile's views over the whole capture window, on every row
        views_total::bigint as window_profile_views,
        {{ linktree_exported_at() }} as exported_at,
        {{ lineage_columns() }}
    from source
),

latest_export_per_day as (
    -- captures overlap (7-day and 365-day windows): the newest capture's figures win per
    -- account, social icon and day; days only older captures cover are kept, never deleted
    select * from typed
    {{ latest_export(
        partition_by=['account', 'social_name', 'report_date'],
        order_by='exported_at desc',
    ) }}
)

select * from latest_export_per_day
