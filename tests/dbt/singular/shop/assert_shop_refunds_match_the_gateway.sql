-- Gateway refunds in the shop marts are the refunds the gateway lists: per currency, the
-- succeeded refunds of stg_payments__refunds whose `metadata.order_id` is an order of the
-- shop (in the order's currency) add up to fct_orders' refunds and to fct_revenue_daily's
-- refunds + voided_refunds; disputes likewise (those not won). Refunds naming no known
-- order are not revenue of any order and stay out. A returned row is a violation.
{{ config(tags=['reconciliation']) }}

with

orders as (
    select
        order_id,
        currency,
        refunds,
        disputes
    from {{ ref('fct_orders') }}
),

listed_refunds as (
    select
        refunds.currency,
        sum(refunds.amount) as amount
    from {{ ref('stg_payments__refunds') }} as refunds
    inner join orders
        on refunds.order_id = orders.order_id and refunds.currency = orders.currency
    where refunds.status = 'succeeded'
    group by refunds.currency
),

listed_disputes as (
    select
        disputes.currency,
        sum(disputes.amount) as amount
    from {{ ref('stg_payments__disputes') }} as disputes
    inner join orders
        on disputes.order_id = orders.order_id and disputes.currency = orders.currency
    where disputes.status not in ('won', 'warning_closed')
    group by disputes.currency
),

mart_orders as (
    select
        currency,
        sum(refunds) as refunds,
        sum(disputes) as disputes
    from orders
    group by currency
),

mart_revenue as (
    select
        currency,
        sum(refunds + voided_refunds) as refunds,
        sum(disputes + voided_disputes) as disputes
    from {{ ref('fct_revenue_daily') }}
    group by currency
),

compared as (
    select
        mart_orders.currency,
        coalesce(listed_refunds.amount, 0) as listed_refunds,
        coalesce(listed_disputes.amount, 0) as listed_disputes,
        mart_orders.refunds as order_refunds,
        mart_orders.disputes as order_disputes,
        coalesce(mart_revenue.refunds, 0) as revenue_refunds,
        coalesce(mart_revenue.disputes, 0) as revenue_disputes
    from mart_orders
    left join listed_refunds on mart_orders.currency = listed_refunds.currency
    left join listed_disputes on mart_orders.currency = listed_disputes.currency
    left join mart_revenue on mart_orders.currency = mart_revenue.currency
)

select * from compared
where
    listed_refunds != order_refunds
    or listed_refunds != revenue_refunds
    or listed_disputes != order_disputes
    or listed_disputes != revenue_disputes
