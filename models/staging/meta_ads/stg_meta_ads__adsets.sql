with

source as (
    select * from {{ source('meta_ads', 'adsets') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        id as adset_id,
        campaign_id,
        account_id as ad_account_id,
        name as adset_name,
        status,
        effective_status,
        configured_status,
        -- budgets are in the account currency's minor unit (cents); '0' means "not set here"
        nullif(daily_budget::bigint, 0) as daily_budget_minor,
        nullif(lifetime_budget::bigint, 0) as lifetime_budget_minor,
        budget_remaining::bigint as budget_remaining_minor,
        bid_strategy,
        bid_amount::bigint as bid_amount_minor,
        billing_event,
        optimization_goal,
        destination_type,
        pacing_type,
        targeting,
        promoted_object,
        created_time::timestamptz as created_at,
        updated_time::timestamptz as updated_at,
        start_time::timestamptz as started_at,
        end_time::timestamptz as ended_at,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- every run dumps every ad set: per account and ad set, the newest export wins
    select * from typed
    {{ latest_export(partition_by=['account', 'adset_id']) }}
)

select * from latest_export
