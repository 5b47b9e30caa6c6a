with

source as (
    select * from {{ source('meta_ads', 'ads') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        id as ad_id,
        adset_id,
        campaign_id,
        account_id as ad_account_id,
        name as ad_name,
        status,
        effective_status,
        configured_status,
        json_extract_string(creative, '$.id') as creative_id,
        creative,
        tracking_specs,
        conversion_specs,
        bid_amount::bigint as bid_amount_minor,
        preview_shareable_link,
        created_time::timestamptz as created_at,
        updated_time::timestamptz as updated_at,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- every run dumps every ad: per account and ad, the newest export wins
    select * from typed
    {{ latest_export(partition_by=['account', 'ad_id']) }}
)

select * from latest_export
