with

source as (
    select * from {{ source('payments', 'balance_transactions') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        id as balance_transaction_id,
        source as source_object_id,
        type as transaction_type,
        reporting_category,
        status,
        amount::bigint as amount_minor,
        fee::bigint as fee_minor,
        net::bigint as net_minor,
        {{ minor_to_decimal('amount::bigint', 'currency') }} as amount,
        {{ minor_to_decimal('fee::bigint', 'currency') }} as fee,
        {{ minor_to_decimal('net::bigint', 'currency') }} as net,
        upper(currency) as currency,
        exchange_rate::double as exchange_rate,
        to_timestamp(created::bigint) as created_at,
        to_timestamp(available_on::bigint) as available_at,
        description,
        {{ lineage_columns() }}
    from source
),

latest_version as (
    -- `pending` turns `available`: the newest landing wins
    select * from typed
    {{ latest_export(partition_by=['account', 'balance_transaction_id']) }}
)

select * from latest_version
