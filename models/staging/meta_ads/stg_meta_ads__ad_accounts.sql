with

source as (
    select * from {{ source('meta_ads', 'ad_account') }}
),

typed as (
    select
        json_extract_string(_landing_metadata, '$.account') as account,
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
        _source_file,
        _sha256,
        _batch_id,
        _row_number,
        _landed_at,
        _ingested_at
    from source
),

latest_export as (
    -- one ad account per landing account: the object whose id is the landing account
    -- (`act_<digits>` or the digits) first, then the newest export
    select * from typed
    qualify
        row_number() over (
            partition by account
            order by
                (account in (ad_account_id, ad_account_number)) desc,
                _landed_at desc,
                _source_file desc,
                _row_number desc
        ) = 1
)

select * from latest_export
