-- The application's payments as they are now, in the order's currency (an order may be
-- paid in several parts). Incremental like the order lines: the payments of the orders
-- re-read since the published version are replaced by those of each order's newest
-- snapshot, so payments the application rewrote are replaced; raw keeps every version.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['order_id', 'payment_sequence'],
    on_schema_change='fail',
    pre_hook="{{ shop_db_delete_reread_lines() }}",
) }}

with

current_payments as (
    {{ shop_db_order_lines('payments') }}
),

typed as (
    select
        order_id,
        sequence::integer as payment_sequence,
        method as payment_method,
        installments::integer as installments,
        amount::decimal(12, 2) as amount,
        currency,
        created_at::timestamp as created_at,
        snapshot_at,
        {{ lineage_columns() }}
    from current_payments
)

select * from typed
