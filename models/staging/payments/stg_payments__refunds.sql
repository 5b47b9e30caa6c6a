with

source as (
    select * from {{ source('payments', 'refunds') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        id as refund_id,
        charge as charge_id,
        order_id,
        amount::bigint as amount_minor,
        {{ minor_to_decimal('amount::bigint', 'currency') }} as amount,
        upper(currency) as currency,
        status,
        reason,
        to_timestamp(created::bigint) as created_at,
        balance_transaction as balance_transaction_id,
        {{ lineage_columns() }}
    from source
),

latest_version as (
    select * from typed
    {{ latest_export(partition_by=['account', 'refund_id']) }}
)

select * from latest_version
