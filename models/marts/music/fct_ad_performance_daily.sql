with

insights as (
    select
        account,
        ad_id,
        adset_id,
        campaign_id,
        insight_date,
        spend,
        impressions,
        clicks,
        reach,
        cpc,
        ctr,
        frequency,
        cpm
    from {{ ref('stg_meta_ads__ad_insights_daily') }}
),

ads as (
    select
        ad_id,
        adset_id,
        campaign_id
    from {{ ref('dim_ad') }}
),

ad_accounts as (
    select
        account,
        currency,
        timezone_name
    from {{ ref('stg_meta_ads__ad_accounts') }}
),

fx_rates as (
    select
        month,
        currency,
        usd_per_unit
    from {{ ref('fx_rates_monthly') }}
),

final as (
    select
        insights.insight_date,
        insights.account,
        insights.ad_id,
        -- the ad's parents as the insight row names them, else as the ad object does
        coalesce(insights.adset_id, ads.adset_id) as adset_id,
        coalesce(insights.campaign_id, ads.campaign_id) as campaign_id,
        ad_accounts.currency,
        ad_accounts.timezone_name,
        insights.spend::decimal(18, 8) as spend,
        fx_rates.usd_per_unit::decimal(18, 8) as usd_per_unit,
        {{ convert_money('insights.spend', 'fx_rates.usd_per_unit') }}::decimal(18, 8) as spend_usd,
        insights.impressions,
        insights.clicks,
        insights.reach,
        -- recomputed from the counts: null when the denominator is 0
        (insights.spend / nullif(insights.clicks, 0))::decimal(18, 8) as cpc,
        insights.clicks / nullif(insights.impressions, 0) as ctr,
        insights.impressions / nullif(insights.reach, 0) as frequency,
        -- widened first: DuckDB keeps 1000 * DECIMAL(p, s) at width p
        (insights.spend::decimal(38, 8) * 1000 / nullif(insights.impressions, 0))::decimal(18, 8)
            as cpm,
        -- as Meta reported them (ctr already a fraction)
        insights.cpc::decimal(18, 8) as reported_cpc,
        insights.ctr as reported_ctr,
        insights.frequency as reported_frequency,
        insights.cpm::decimal(18, 8) as reported_cpm
    from insights
    left join ads on insights.ad_id = ads.ad_id
    left join ad_accounts on insights.account = ad_accounts.account
    left join fx_rates
        on
            date_trunc('month', insights.insight_date) = fx_rates.month
            and ad_accounts.currency = fx_rates.currency
)

select * from final
