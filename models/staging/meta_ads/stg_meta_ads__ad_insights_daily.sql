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
        -- money is in the ad account's currency, exact
        spend::decimal(18, 2) as spend,
        impressions::bigint as impressions,
        clicks::bigint as clicks,
        unique_clicks::bigint as unique_clicks,
        inline_link_clicks::bigint as inline_link_clicks,
        reach::bigint as reach,
        frequency::double as frequency,
        cpc::decimal(18, 6) as cpc,
        cpm::decimal(18, 6) as cpm,
        cpp::decimal(18, 6) as cpp,
        -- Meta writes ctr as a percentage (0.605602 means 0.6 %): store the fraction
        ctr::double / 100 as ctr,
        actions,
        cost_per_action_type,
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
