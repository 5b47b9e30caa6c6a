{#- One row per customer of the shop, without personal data (no e-mail, name, phone, zip
    code or city): orders, first and last order, lifetime value and an RFM segment.
    Lifetime value is in the shop's currency (var `shop_currency`, default BRL) and counts only
    orders in it: the shop has no exchange rates, so orders in another currency are counted
    in `orders_other_currency` and left out of the value rather than added as if they were
    reais. RFM is taken as of the shop's latest purchase day (not the build's clock), with
    the thresholds below (documented in _dim_customer.yml). -#}
{%- set recent_days = 90 -%}
{%- set lapsing_days = 365 -%}
{%- set frequent_orders = 3 -%}
{%- set high_value = 500 -%}
{%- set mid_value = 150 -%}
{%- set shop_currency = var('shop_currency', 'BRL') -%}

with

customers as (
    select
        customer_id,
        state,
        has_marketing_opt_in,
        is_deleted,
        created_at
    from {{ ref('stg_shop_db__customers') }}
),

orders as (
    select
        order_id,
        customer_id,
        currency,
        purchased_at,
        purchase_date,
        is_voided,
        net_payments
    from {{ ref('fct_orders') }}
),

as_of as (
    select max(purchase_date) as rfm_as_of from orders
),

per_customer as (
    select
        customer_id,
        count(*) filter (where not is_voided) as orders,
        count(*) filter (where is_voided) as voided_orders,
        count(*) filter (
            where not is_voided and currency != '{{ shop_currency }}'
        ) as orders_other_currency,
        min(purchased_at) as first_order_at,
        max(purchased_at) as last_order_at,
        min(purchase_date) filter (where not is_voided) as first_purchase_date,
        max(purchase_date) filter (where not is_voided) as last_purchase_date,
        coalesce(
            sum(net_payments) filter (
                where not is_voided and currency = '{{ shop_currency }}'
            ),
            0
        )::decimal(18, 2) as lifetime_value
    from orders
    group by customer_id
),

scored as (
    select
        customers.customer_id,
        customers.state,
        customers.has_marketing_opt_in,
        customers.is_deleted,
        customers.created_at,
        per_customer.first_order_at,
        per_customer.last_order_at,
        per_customer.first_purchase_date,
        per_customer.last_purchase_date,
        coalesce(per_customer.orders, 0) as orders,
        coalesce(per_customer.voided_orders, 0) as voided_orders,
        coalesce(per_customer.orders_other_currency, 0) as orders_other_currency,
        coalesce(per_customer.lifetime_value, 0)::decimal(18, 2) as lifetime_value,
        '{{ shop_currency }}' as lifetime_value_currency,
        as_of.rfm_as_of,
        as_of.rfm_as_of - per_customer.last_purchase_date as days_since_last_purchase
    from customers
    left join per_customer on customers.customer_id = per_customer.customer_id
    cross join as_of
),

rfm as (
    select
        *,
        case
            when last_purchase_date is null then null
            when days_since_last_purchase <= {{ recent_days }} then 3
            when days_since_last_purchase <= {{ lapsing_days }} then 2
            else 1
        end as recency_score,
        case
            when orders = 0 then null
            when orders >= {{ frequent_orders }} then 3
            when orders = 2 then 2
            else 1
        end as frequency_score,
        case
            when orders = 0 then null
            when lifetime_value >= {{ high_value }} then 3
            when lifetime_value >= {{ mid_value }} then 2
            else 1
        end as monetary_score
    from scored
),

final as (
    select
        *,
        case
            when orders = 0 then 'prospect'
            when recency_score = 3 and frequency_score >= 2 and monetary_score >= 2
                then 'champion'
            when frequency_score >= 2 and recency_score >= 2 then 'loyal'
            when frequency_score >= 2 then 'at_risk'
            when recency_score = 3 then 'new'
            when recency_score = 2 then 'hibernating'
            else 'lost'
        end as rfm_segment
    from rfm
)

select * from final
