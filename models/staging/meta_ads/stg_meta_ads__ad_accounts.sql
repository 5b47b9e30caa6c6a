with

source as (
    select * from {{ source('meta_ads', 'ad_account') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        id as ad_account_id,
        coalesce(account_id, regexp_extract(id, '^act_(\d+)$', 1)) as ad_account_number,
        name as ad_account_name,
        -- spend and budgets of this account are in this currency: never assume USD
        upper(currency) as currency,
        -- insight days (date_start/date_stop) are days in this zone
        timezone_name,
        timezone_offset_hours_utc::double as timezone_offset_hours_utc,
        account_status::integer as account_status,
        business_name,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- one ad account per landing account: the object whose id is the landing account
    -- (`act_<digits>` or the digits) first, then the newest export
    select * from typed
    {{ latest_export(
        partition_by='account',
        order_by=['(account in (ad_account_id, ad_account_number)) desc', '_landed_at desc'],
    ) }}
)

select * from latest_export
