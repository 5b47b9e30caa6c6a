with

insights as (
    select
        account,
        adset_id,
        campaign_id,
        date_start,
        date_stop,
        spend,
        impressions,
        clicks,
        reach,
        cpc,
        ctr,
        frequency,
        cpm
    from {{ ref('stg_meta_ads__insights') }}
),

adsets as (
    select
        account,
        adset_id,
        campaign_id
    from {{ ref('stg_meta_ads__adsets') }}
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

windows as (
    select
        insights.*,
        ad_accounts.currency,
        ad_accounts.timezone_name
    from insights
    left join ad_accounts on insights.account = ad_accounts.account
),

window_rates as (
    -- the window's spend is not split by day: convert it at the mean of the monthly rates
    -- over the window's days (each day weighs the same); null when a month has no rate
    select
        windows.account,
        windows.adset_id,
        windows.date_start,
        case
            when count(fx_rates.usd_per_unit) = count(*)
                then avg(fx_rates.usd_per_unit)::decimal(18, 8)
        end as usd_per_unit
    from windows
    cross join
        unnest(
            generate_series(windows.date_start, windows.date_stop, interval 1 day)
        ) as window_days (window_day)
    left join fx_rates
        on
            date_trunc('month', window_days.window_day) = fx_rates.month
            and windows.currency = fx_rates.currency
    group by windows.account, windows.adset_id, windows.date_start
),

final as (
    select
        windows.date_start as window_start,
        windows.date_stop as window_end,
        datediff('day', windows.date_start, windows.date_stop) + 1 as window_days,
        windows.account,
        windows.adset_id,
        coalesce(windows.campaign_id, adsets.campaign_id) as campaign_id,
        windows.currency,
        windows.timezone_name,
        windows.spend::decimal(18, 8) as spend,
        window_rates.usd_per_unit,
        {{ convert_money('windows.spend', 'window_rates.usd_per_unit') }}::decimal(18, 8)
            as spend_usd,
        windows.impressions,
        windows.clicks,
        windows.reach,
        -- recomputed from the counts: null when the denominator is 0
        (windows.spend / nullif(windows.clicks, 0))::decimal(18, 8) as cpc,
        windows.clicks / nullif(windows.impressions, 0) as ctr,
        windows.impressions / nullif(windows.reach, 0) as frequency,
        -- widened first: DuckDB keeps 1000 * DECIMAL(p, s) at width p
        (windows.spend::decimal(38, 8) * 1000 / nullif(windows.impressions, 0))::decimal(18, 8)
            as cpm,
        -- as Meta reported them (ctr already a fraction)
        windows.cpc::decimal(18, 8) as reported_cpc,
        windows.ctr as reported_ctr,
        windows.frequency as reported_frequency,
        windows.cpm::decimal(18, 8) as reported_cpm
    from windows
    left join window_rates
        on
            windows.account = window_rates.account
            and windows.adset_id = window_rates.adset_id
            and windows.date_start = window_rates.date_start
    left join adsets
        on
            windows.account = adsets.account
            and windows.adset_id = adsets.adset_id
)

select * from final
