{#- One row per order line as the application holds it now, with the product's category and
    the order's channel, status and shop day. Incremental like stg_shop_db__order_items: a
    build rebuilds the lines of the orders re-read since the mart's newest order version
    (the pre-hook deletes their lines first, so lines the application deleted disappear)
    and of the orders whose products changed category. A full refresh gives the same rows
    (macros/shop/shop_orders.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['order_id', 'line_number'],
    on_schema_change='fail',
    pre_hook="{{ shop_delete_reread_order_lines() }}",
) }}

with

rebuilt_orders as (
    {{ shop_rebuilt_order_ids() }}
),

orders as (
    select
        order_id,
        customer_id,
        order_status,
        channel,
        currency,
        purchased_at,
        _ingested_at as order_ingested_at
    from {{ ref('stg_shop_db__orders') }}
    where order_id in (select rebuilt_orders.order_id from rebuilt_orders)
),

lines as (
    select
        order_id,
        line_number,
        product_id,
        seller_id,
        shipping_limit_at,
        price,
        freight_value
    from {{ ref('stg_shop_db__order_items') }}
),

products as (
    select
        product_id,
        category_id
    from {{ ref('stg_shop_db__products') }}
),

final as (
    select
        lines.order_id,
        lines.line_number,
        orders.customer_id,
        lines.product_id,
        lines.seller_id,
        coalesce(nullif(products.category_id, ''), '{{ shop_no_category() }}') as category_id,
        orders.order_status,
        orders.channel,
        orders.currency,
        orders.purchased_at,
        {{ shop_local_date('orders.purchased_at') }} as purchase_date,
        lines.shipping_limit_at,
        lines.price::decimal(18, 2) as item_value,
        lines.freight_value::decimal(18, 2) as freight_value,
        (lines.price + lines.freight_value)::decimal(18, 2) as goods_sold,
        orders.order_status in {{ shop_voided_statuses() }} as is_voided,
        orders.order_ingested_at
    from lines
    inner join orders on lines.order_id = orders.order_id
    left join products on lines.product_id = products.product_id
)

select * from final
