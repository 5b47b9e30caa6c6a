-- Spend and delivery window per Meta campaign, in the ad account's currency and in USD.
-- From the daily per-ad insights when the campaign has any (`ad_insights_daily`: spend per
-- ad and day, summed; the window is its first to last day with spend), else from the ad
-- sets' lifetime insights (`adset_insights`: each ad set's window counted once, never
-- repeated per ad; the window runs from the first reported window's start to the last
-- one's end, as finer days are not known). Days are days in the ad account's time zone.
-- USD at the monthly rate of each day's month (daily) or of each window's first month.

with

campaigns as (
    select
        account,
        campaign_id
    from {{ ref('stg_meta_ads__campaigns') }}
),

ad_accounts as (
    select
        account,
        currency,
        timezone_name
    from {{ ref('stg_meta_ads__ad_accounts') }}
),

daily_insights as (
    select
        campaign_id,
        insight_date,
        spend
    from {{ ref('stg_meta_ads__ad_insights_daily') }}
),

adset_insights as (
    select
        campaign_id,
        adset_id,
        date_start,
        date_stop,
        spend
    from {{ ref('stg_meta_ads__insights') }}
),

fx_rates as (
    select
        month,
        currency,
        usd_per_unit
    from {{ ref('fx_rates_monthly') }}
),

one_per_campaign as (
    select
        campaigns.campaign_id,
        campaigns.account,
        ad_accounts.currency,
        ad_accounts.timezone_name
    from campaigns
    left join ad_accounts
        on campaigns.account = ad_accounts.account
    qualify row_number() over (partition by campaigns.campaign_id order by campaigns.account) = 1
),

spend_days as (
    select
        campaign_id,
        insight_date as spend_start,
        insight_date as spend_stop,
        spend,
        'ad_insights_daily' as spend_source
    from daily_insights
    where spend > 0
),

spend_windows as (
    select
        campaign_id,
        date_start as spend_start,
        date_stop as spend_stop,
        spend,
        'adset_insights' as spend_source
    from adset_insights
    where
        spend > 0
        and campaign_id not in (select spend_days.campaign_id from spend_days)
),

spend_periods as (
    select * from spend_days
    union all
    select * from spend_windows
),

converted as (
    select
        spend_periods.campaign_id,
        spend_periods.spend_source,
        spend_periods.spend_start,
        spend_periods.spend_stop,
        spend_periods.spend,
        {{ convert_money('spend_periods.spend', 'fx_rates.usd_per_unit') }} as spend_usd,
        fx_rates.usd_per_unit is null as lacks_rate
    from spend_periods
    inner join one_per_campaign
        on spend_periods.campaign_id = one_per_campaign.campaign_id
    left join fx_rates
        on
            date_trunc('month', spend_periods.spend_start) = fx_rates.month
            and one_per_campaign.currency = fx_rates.currency
)

select
    one_per_campaign.campaign_id,
    one_per_campaign.account,
    one_per_campaign.currency,
    one_per_campaign.timezone_name,
    -- (min: a total order; a campaign has one spend source)
    min(converted.spend_source) as spend_source,
    min(converted.spend_start) as first_spend_date,
    max(converted.spend_stop) as last_spend_date,
    coalesce(sum(converted.spend), 0)::decimal(18, 8) as spend,
    -- null when the currency is unknown (no ad account landed) or a month has no rate
    case
        when one_per_campaign.currency is null or bool_or(converted.lacks_rate) then null
        else coalesce(round(sum(converted.spend_usd), 8), 0)
    end::decimal(18, 8) as spend_usd
from one_per_campaign
left join converted
    on one_per_campaign.campaign_id = converted.campaign_id
group by
    one_per_campaign.campaign_id,
    one_per_campaign.account,
    one_per_campaign.currency,
    one_per_campaign.timezone_name
