-- Payments recorded in the shop marts are the application's payments, all parts, nothing
-- lost or counted twice: per currency, fct_orders' payments_recorded over every order
-- (canceled included) and fct_revenue_daily's payments_recorded + voided_payments_recorded
-- (the split across categories) both equal the sum of stg_shop_db__payments, and per order
-- the mart's parts and amount equal the application's. A returned row is a violation.
{{ config(tags=['reconciliation']) }}

with

application as (
    select
        order_id,
        count(*) as payment_parts,
        sum(amount) as amount
    from {{ ref('stg_shop_db__payments') }}
    group by order_id
),

orders as (
    select
        order_id,
        currency,
        payment_parts,
        payments_recorded
    from {{ ref('fct_orders') }}
),

order_mismatches as (
    select
        coalesce(orders.order_id, application.order_id) as what,
        orders.currency,
        coalesce(application.amount, 0) as expected,
        coalesce(orders.payments_recorded, 0) as found
    from orders
    full outer join application on orders.order_id = application.order_id
    where
        coalesce(orders.payments_recorded, 0) != coalesce(application.amount, 0)
        or coalesce(orders.payment_parts, 0) != coalesce(application.payment_parts, 0)
),

application_totals as (
    select
        currency,
        sum(amount) as amount
    from {{ ref('stg_shop_db__payments') }}
    group by currency
),

revenue_totals as (
    select
        currency,
        sum(payments_recorded + voided_payments_recorded) as amount
    from {{ ref('fct_revenue_daily') }}
    group by currency
),

total_mismatches as (
    select
        'fct_revenue_daily ' || coalesce(application_totals.currency, revenue_totals.currency)
            as what,
        coalesce(application_totals.currency, revenue_totals.currency) as currency,
        coalesce(application_totals.amount, 0) as expected,
        coalesce(revenue_totals.amount, 0) as found
    from application_totals
    full outer join revenue_totals on application_totals.currency = revenue_totals.currency
    where coalesce(application_totals.amount, 0) != coalesce(revenue_totals.amount, 0)
)

select * from order_mismatches
union all
select * from total_mismatches
