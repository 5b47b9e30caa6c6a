with

campaigns as (
    select
        account,
        campaign_id,
        campaign_name,
        status,
        effective_status,
        configured_status,
        objective,
        buying_type,
        bid_strategy,
        daily_budget_minor,
        lifetime_budget_minor,
        spend_cap_minor,
        created_at,
        updated_at,
        started_at,
        stopped_at,
        _landed_at
    from {{ ref('stg_meta_ads__campaigns') }}
),

adsets as (
    select
        campaign_id,
        adset_id,
        daily_budget_minor,
        lifetime_budget_minor
    from {{ ref('stg_meta_ads__adsets') }}
),

ads as (
    select
        campaign_id,
        ad_id
    from {{ ref('stg_meta_ads__ads') }}
),

ad_accounts as (
    select
        account,
        currency,
        timezone_name
    from {{ ref('stg_meta_ads__ad_accounts') }}
),

daily_delivery as (
    select
        campaign_id,
        min(insight_date) as first_date,
        max(insight_date) as last_date
    from {{ ref('stg_meta_ads__ad_insights_daily') }}
    where impressions > 0
    group by campaign_id
),

window_delivery as (
    select
        campaign_id,
        min(date_start) as first_date,
        max(date_stop) as last_date
    from {{ ref('stg_meta_ads__insights') }}
    group by campaign_id
),

adset_budgets as (
    select
        campaign_id,
        count(*) as adset_count,
        sum(daily_budget_minor) as adsets_daily_budget_minor,
        sum(lifetime_budget_minor) as adsets_lifetime_budget_minor
    from adsets
    group by campaign_id
),

ad_counts as (
    select
        campaign_id,
        count(*) as ad_count
    from ads
    group by campaign_id
),

one_per_campaign as (
    -- campaign ids are global at Meta: a campaign landed under two accounts is one campaign
    -- (the newest export wins)
    select * from campaigns
    qualify row_number() over (partition by campaign_id order by _landed_at desc, account asc) = 1
),

named as (
    select
        *,
        -- the label names campaigns `ARTIST - TRACK TITLE - AUDIENCE`
        string_split(campaign_name, ' - ') as name_parts
    from one_per_campaign
),

final as (
    select
        named.campaign_id,
        named.account,
        named.campaign_name,
        case when len(named.name_parts) >= 3 then trim(named.name_parts[1]) end
            as promoted_artist_hint,
        case when len(named.name_parts) >= 3 then trim(named.name_parts[2]) end
            as promoted_track_title_hint,
        named.status,
        named.effective_status,
        named.configured_status,
        named.objective,
        named.buying_type,
        named.bid_strategy,
        ad_accounts.currency,
        ad_accounts.timezone_name,
        {{ meta_minor_to_major('named.daily_budget_minor', 'ad_accounts.currency') }}
            as campaign_daily_budget,
        {{ meta_minor_to_major('named.lifetime_budget_minor', 'ad_accounts.currency') }}
            as campaign_lifetime_budget,
        {{ meta_minor_to_major('named.spend_cap_minor', 'ad_accounts.currency') }}
            as spend_cap,
        {{ meta_minor_to_major(
            'adset_budgets.adsets_daily_budget_minor', 'ad_accounts.currency'
        ) }} as adsets_daily_budget,
        {{ meta_minor_to_major(
            'adset_budgets.adsets_lifetime_budget_minor', 'ad_accounts.currency'
        ) }} as adsets_lifetime_budget,
        named.daily_budget_minor as campaign_daily_budget_minor,
        named.lifetime_budget_minor as campaign_lifetime_budget_minor,
        adset_budgets.adsets_daily_budget_minor,
        adset_budgets.adsets_lifetime_budget_minor,
        coalesce(adset_budgets.adset_count, 0) as adset_count,
        coalesce(ad_counts.ad_count, 0) as ad_count,
        coalesce(daily_delivery.first_date, window_delivery.first_date) as first_delivery_date,
        coalesce(daily_delivery.last_date, window_delivery.last_date) as last_delivery_date,
        named.started_at,
        named.stopped_at,
        named.created_at,
        named.updated_at
    from named
    left join ad_accounts on named.account = ad_accounts.account
    left join adset_budgets on named.campaign_id = adset_budgets.campaign_id
    left join ad_counts on named.campaign_id = ad_counts.campaign_id
    left join daily_delivery on named.campaign_id = daily_delivery.campaign_id
    left join window_delivery on named.campaign_id = window_delivery.campaign_id
)

select * from final
