{#- Revenue per shop day (the order's purchase day in the shop's time zone), channel,
    category and currency. Each measure stays its own column and is never added to another:
    payments recorded (split across categories by item value; `(no items)` for orders
    without lines), goods sold (items + freight), refunds and disputes from the gateway, and
    net = payments recorded - refunds - disputes. Orders canceled or unavailable are counted
    apart, with their money in the `voided_*` columns, not in the sales measures. Order
    counts add up across categories: an order counts once, in its main category (largest
    item value). -#}

with

amounts as (
    select * from {{ ref('int_shop__order_category_amounts') }}
),

categories as (
    select
        category_id,
        category_name_en
    from {{ ref('stg_shop_db__categories') }}
),

daily as (
    select
        purchase_date,
        channel,
        category_id,
        currency,
        -- an order counts once, in its main category (the row taking the remainder)
        count(*) filter (where is_remainder and not is_voided) as orders,
        count(*) filter (where is_remainder and order_status = 'canceled') as canceled_orders,
        count(*) filter (where is_remainder and order_status = 'unavailable')
            as unavailable_orders,
        coalesce(sum(item_lines) filter (where not is_voided), 0) as item_lines,
        coalesce(sum(items_value) filter (where not is_voided), 0)::decimal(18, 2)
            as items_value,
        coalesce(sum(freight_value) filter (where not is_voided), 0)::decimal(18, 2)
            as freight_value,
        coalesce(sum(goods_sold) filter (where not is_voided), 0)::decimal(18, 2)
            as goods_sold,
        coalesce(sum(payments_recorded) filter (where not is_voided), 0)::decimal(18, 2)
            as payments_recorded,
        coalesce(sum(refunds) filter (where not is_voided), 0)::decimal(18, 2) as refunds,
        coalesce(sum(disputes) filter (where not is_voided), 0)::decimal(18, 2) as disputes,
        coalesce(sum(payments_recorded) filter (where is_voided), 0)::decimal(18, 2)
            as voided_payments_recorded,
        coalesce(sum(refunds) filter (where is_voided), 0)::decimal(18, 2) as voided_refunds,
        coalesce(sum(disputes) filter (where is_voided), 0)::decimal(18, 2) as voided_disputes
    from amounts
    group by purchase_date, channel, category_id, currency
),

final as (
    select
        daily.purchase_date,
        coalesce(daily.channel, 'unknown') as channel,
        daily.category_id,
        categories.category_name_en,
        daily.currency,
        daily.orders,
        daily.canceled_orders,
        daily.unavailable_orders,
        daily.item_lines,
        daily.items_value,
        daily.freight_value,
        daily.goods_sold,
        daily.payments_recorded,
        daily.refunds,
        daily.disputes,
        (daily.payments_recorded - daily.refunds - daily.disputes)::decimal(18, 2)
            as net_revenue,
        daily.voided_payments_recorded,
        daily.voided_refunds,
        daily.voided_disputes,
        (daily.voided_payments_recorded - daily.voided_refunds - daily.voided_disputes)
        ::decimal(18, 2) as voided_net
    from daily
    left join categories on daily.category_id = categories.category_id
)

select * from final
