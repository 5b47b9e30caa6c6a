with

source as (
    select * from {{ source('payments', 'charges') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        id as charge_id,
        order_id,
        payment_sequence::integer as payment_sequence,
        amount::bigint as amount_minor,
        {{ minor_to_decimal('amount::bigint', 'currency') }} as amount,
        amount_captured::bigint as amount_captured_minor,
        amount_refunded::bigint as amount_refunded_minor,
        {{ minor_to_decimal('amount_refunded::bigint', 'currency') }} as amount_refunded,
        upper(currency) as currency,
        status,
        paid::boolean as is_paid,
        captured::boolean as is_captured,
        refunded::boolean as is_refunded,
        disputed::boolean as is_disputed,
        to_timestamp(created::bigint) as created_at,
        balance_transaction as balance_transaction_id,
        payment_intent as payment_intent_id,
        failure_code,
        card_brand,
        card_funding,
        card_country,
        card_installments::integer as card_installments,
        card_last4,
        card_exp_month::integer as card_exp_month,
        card_exp_year::integer as card_exp_year,
        card_fingerprint,
        billing_name,
        billing_email,
        billing_phone,
        billing_address_city,
        billing_address_state,
        billing_address_postal_code,
        billing_address_country,
        outcome_type,
        outcome_risk_level,
        livemode::boolean as is_livemode,
        {{ lineage_columns() }}
    from source
),

latest_version as (
    -- every list page and re-fetch lands the charge again; the newest landing is its
    -- current state (refunds and disputes change a charge after it was created)
    select * from typed
    {{ latest_export(partition_by=['account', 'charge_id']) }}
)

select * from latest_version
