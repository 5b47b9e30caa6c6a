with

source as (
    select * from {{ source('payments', 'disputes') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        id as dispute_id,
        charge as charge_id,
        order_id,
        amount::bigint as amount_minor,
        {{ minor_to_decimal('amount::bigint', 'currency') }} as amount,
        upper(currency) as currency,
        status,
        reason,
        is_charge_refundable::boolean as is_charge_refundable,
        has_evidence::boolean as has_evidence,
        to_timestamp(created::bigint) as created_at,
        to_timestamp(evidence_due_by::bigint) as evidence_due_at,
        {{ lineage_columns() }}
    from source
),

latest_version as (
    -- the status moves on (needs_response -> under_review -> won/lost): newest landing wins
    select * from typed
    {{ latest_export(partition_by=['account', 'dispute_id']) }}
)

select * from latest_version
