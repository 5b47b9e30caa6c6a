with

source as (
    select * from {{ source('meta_ads', 'campaigns') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        id as campaign_id,
        account_id as ad_account_id,
        name as campaign_name,
        status,
        effective_status,
        configured_status,
        objective,
        buying_type,
        bid_strategy,
        -- budgets are in the account currency's minor unit (cents); '0' means "not set here"
        nullif(daily_budget::bigint, 0) as daily_budget_minor,
        nullif(lifetime_budget::bigint, 0) as lifetime_budget_minor,
        budget_remaining::bigint as budget_remaining_minor,
        nullif(spend_cap::bigint, 0) as spend_cap_minor,
        special_ad_categories,
        created_time::timestamptz as created_at,
        updated_time::timestamptz as updated_at,
        start_time::timestamptz as started_at,
        stop_time::timestamptz as stopped_at,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- every run dumps every campaign: per account and campaign, the newest export wins
    select * from typed
    {{ latest_export(partition_by=['account', 'campaign_id']) }}
)

select * from latest_export
