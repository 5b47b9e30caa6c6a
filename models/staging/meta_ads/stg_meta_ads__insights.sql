with

source as (
    select * from {{ source('meta_ads', 'insights') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        adset_id,
        campaign_id,
        account_id as ad_account_id,
        account_name,
        campaign_name,
        adset_name,
        objective,
        -- the window's days are in the ad account's time zone (ad account `timezone_name`)
        date_start::date as date_start,
        date_stop::date as date_stop,
        {{ meta_insights_metrics() }},
        _layout,
        {{ lineage_columns() }}
    from source
    -- ad-level rows would repeat their ad set's delivery: only ad-set rows are staged (the
    -- source test `source_meta_ads_insights__adset_level_only` warns when others land)
    where ad_id is null
),

ranked as (
    select
        *,
        -- newest = the window that ends last (Meta's own date_stop: an old dump landed late
        -- stays older), then the newest landing (two dumps of the same window)
        {{ export_rank(
            partition_by=['account', 'adset_id'],
            order_by=['date_stop desc', '_landed_at desc'],
        ) }} as export_rank
    from typed
),

overlapped as (
    -- rows of an older export whose window shares a day with a newer export's window
    select distinct
        older._sha256,
        older._row_number
    from ranked as older
    inner join ranked as newer
        on
            older.account is not distinct from newer.account
            and older.adset_id = newer.adset_id
            and older.export_rank > newer.export_rank
            and older.date_stop >= newer.date_start
            and older.date_start <= newer.date_stop
),

not_overlapped as (
    -- per account and ad set, the newest export wins: an older export's window survives
    -- only where no newer export covers any of its days, so no day's spend is counted twice
    -- and days only older exports cover are kept
    select ranked.*
    from ranked
    left join overlapped
        on
            ranked._sha256 = overlapped._sha256
            and ranked._row_number = overlapped._row_number
    where overlapped._sha256 is null
),

latest_export as (
    -- one row per account, ad set and window start: the newest export's
    select * from not_overlapped
    {{ latest_export(
        partition_by=['account', 'adset_id', 'date_start'],
        order_by='export_rank asc',
    ) }}
)

select * exclude (export_rank) from latest_export
