with

ads as (
    select
        account,
        ad_id,
        adset_id,
        campaign_id,
        ad_name,
        status,
        effective_status,
        creative_id,
        created_at,
        updated_at,
        _landed_at
    from {{ ref('stg_meta_ads__ads') }}
),

adsets as (
    select
        account,
        adset_id,
        adset_name,
        status,
        daily_budget_minor,
        lifetime_budget_minor,
        optimization_goal,
        billing_event,
        targeting
    from {{ ref('stg_meta_ads__adsets') }}
),

ad_accounts as (
    select
        account,
        currency
    from {{ ref('stg_meta_ads__ad_accounts') }}
),

one_per_ad as (
    -- ad ids are global at Meta: an ad landed under two accounts is one ad (newest wins)
    select * from ads
    qualify row_number() over (partition by ad_id order by _landed_at desc, account asc) = 1
),

final as (
    select
        one_per_ad.ad_id,
        one_per_ad.account,
        one_per_ad.ad_name,
        one_per_ad.adset_id,
        adsets.adset_name,
        one_per_ad.campaign_id,
        one_per_ad.status,
        one_per_ad.effective_status,
        adsets.status as adset_status,
        one_per_ad.creative_id,
        adsets.optimization_goal as adset_optimization_goal,
        adsets.billing_event as adset_billing_event,
        json_extract(adsets.targeting, '$.geo_locations.countries')::varchar[]
            as adset_target_countries,
        ad_accounts.currency,
        {{ meta_minor_to_major('adsets.daily_budget_minor', 'ad_accounts.currency') }}
            as adset_daily_budget,
        {{ meta_minor_to_major('adsets.lifetime_budget_minor', 'ad_accounts.currency') }}
            as adset_lifetime_budget,
        one_per_ad.created_at,
        one_per_ad.updated_at
    from one_per_ad
    left join adsets
        on
            one_per_ad.account = adsets.account
            and one_per_ad.adset_id = adsets.adset_id
    left join ad_accounts on one_per_ad.account = ad_accounts.account
)

select * from final
