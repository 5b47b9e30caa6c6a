-- The gateway's refunds and disputes for a shop order are in the order's currency: the
-- marts add them to the order only then (no exchange rates for the shop), so one in another
-- currency would be left out of fct_orders. Warns with each such refund or dispute.
{{ config(tags=['reconciliation'], severity='warn') }}

with

orders as (
    select
        order_id,
        currency
    from {{ ref('fct_orders') }}
),

gateway as (
    select
        'refund' as kind,
        refund_id as gateway_id,
        order_id,
        currency
    from {{ ref('stg_payments__refunds') }}
    where status = 'succeeded'
    union all
    select
        'dispute' as kind,
        dispute_id as gateway_id,
        order_id,
        currency
    from {{ ref('stg_payments__disputes') }}
)

select
    gateway.kind,
    gateway.gateway_id,
    gateway.order_id,
    gateway.currency,
    orders.currency as order_currency
from gateway
inner join orders on gateway.order_id = orders.order_id
where gateway.currency != orders.currency
