with

source as (
    select * from {{ source('linktree', 'subscribers_daily') }}
),

typed as (
    select
        -- Linktree's responses do not name the account: only the landing metadata does
        {{ landing_account() }} as account,
        channel,
        strptime(date, '%Y-%m-%d')::date as report_date,
        "subscribersTotal"::bigint as subscribers,
        "subscribersClicks"::bigint as subscriber_clicks,
        "dailyTotal"::bigint as daily_total,
        notifications as notifications_json,
        "interval" as report_interval,
        {{ linktree_exported_at() }} as exported_at,
        {{ lineage_columns() }}
    from source
),

latest_export_per_day as (
    -- captures overlap (7-day and 365-day windows): the newest capture's figures win per
    -- account, channel and day; days only older captures cover are kept, never deleted
    select * from typed
    {{ latest_export(
        partition_by=['account', 'channel', 'report_date'],
        order_by='exported_at desc',
    ) }}
)

select * from latest_export_per_day
