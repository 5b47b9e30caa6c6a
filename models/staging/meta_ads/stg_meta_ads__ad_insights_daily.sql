with

source as (
    select * from {{ source('meta_ads', 'ad_insights_daily') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        ad_id,
        adset_id,
        campaign_id,
        account_id as ad_account_id,
        ad_name,
        adset_name,
        campaign_name,
        objective,
        -- one day per row (time_increment=1), a day in the ad account's time zone
        date_start::date as insight_date,
        date_stop::date as date_stop,
        {{ meta_insights_metrics() }},
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export_per_ad_and_day as (
    -- overlapping runs re-send recent days with late corrections: per account, ad and day
    -- the newest export wins; days only older exports cover are kept (history is never
    -- deleted by a shorter newer window)
    select * from typed
    {{ latest_export(partition_by=['account', 'ad_id', 'insight_date']) }}
)

select * from latest_export_per_ad_and_day
