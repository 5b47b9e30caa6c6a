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

orders as (
    select
        order_id,
        currency
    from {{ ref('stg_shop_db__orders') }}
),

typed as (
    select
        current_payments.order_id,
        current_payments.sequence::integer as payment_sequence,
        current_payments.method as payment_method,
        current_payments.installments::integer as installments,
        current_payments.amount::decimal(12, 2) as amount,
        orders.currency,
        current_payments.created_at::timestamp as created_at,
        current_payments.snapshot_at,
        {{ lineage_columns('current_payments') }}
    from current_payments
    left join orders on current_payments.order_id = orders.order_id
)

select * from typed
