-- Goods sold in the shop marts are the application's order lines, items + freight: per
-- order, fct_orders' items, freight and goods sold equal the sums of stg_shop_db__order_items
-- (0 for an order without lines); fct_order_items holds exactly the application's lines;
-- per currency, fct_revenue_daily's goods sold equal fct_orders' over the orders not
-- canceled or unavailable. A returned row is a violation.
{{ config(tags=['reconciliation']) }}

with

application as (
    select
        order_id,
        sum(price) as items_value,
        sum(freight_value) as freight_value,
        sum(price + freight_value) as goods_sold
    from {{ ref('stg_shop_db__order_items') }}
    group by order_id
),

order_mismatches as (
    select
        'fct_orders ' || orders.order_id as what,
        coalesce(application.goods_sold, 0) as expected,
        orders.goods_sold as found
    from {{ ref('fct_orders') }} as orders
    left join application on orders.order_id = application.order_id
    where
        orders.items_value != coalesce(application.items_value, 0)
        or orders.freight_value != coalesce(application.freight_value, 0)
        or orders.goods_sold != coalesce(application.goods_sold, 0)
),

line_mismatches as (
    select
        'fct_order_items ' || coalesce(mart.order_id, staged.order_id) || ' line '
        || coalesce(mart.line_number, staged.line_number) as what,
        staged.price + staged.freight_value as expected,
        mart.goods_sold as found
    from {{ ref('fct_order_items') }} as mart
    full outer join {{ ref('stg_shop_db__order_items') }} as staged
        on mart.order_id = staged.order_id and mart.line_number = staged.line_number
    where
        mart.order_id is null
        or staged.order_id is null
        or mart.item_value != staged.price
        or mart.freight_value != staged.freight_value
),

kept_orders as (
    select
        currency,
        sum(goods_sold) as goods_sold
    from {{ ref('fct_orders') }}
    where not is_voided
    group by currency
),

revenue as (
    select
        currency,
        sum(goods_sold) as goods_sold
    from {{ ref('fct_revenue_daily') }}
    group by currency
),

total_mismatches as (
    select
        'fct_revenue_daily ' || coalesce(kept_orders.currency, revenue.currency) as what,
        coalesce(kept_orders.goods_sold, 0) as expected,
        coalesce(revenue.goods_sold, 0) as found
    from kept_orders
    full outer join revenue on kept_orders.currency = revenue.currency
    where coalesce(kept_orders.goods_sold, 0) != coalesce(revenue.goods_sold, 0)
)

select * from order_mismatches
union all
select * from line_mismatches
union all
select * from total_mismatches
