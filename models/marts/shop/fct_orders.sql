{#- One row per order as the application holds it now: what was sold (items and freight),
    what was paid (the application's payments, all parts), what the gateway gave back
    (refunds) or had taken (disputes), each its own measure in the order's currency.
    Payments recorded and goods sold are different measures and are never forced equal:
    `payments_difference` and `payment_match` say how they differ and why. -#}

with

orders as (
    select
        order_id,
        customer_id,
        order_status,
        channel,
        currency,
        purchased_at,
        approved_at,
        delivered_customer_at,
        estimated_delivery_date
    from {{ ref('stg_shop_db__orders') }}
),

items as (
    select
        order_id,
        count(*) as item_lines,
        sum(price)::decimal(18, 2) as items_value,
        sum(freight_value)::decimal(18, 2) as freight_value
    from {{ ref('stg_shop_db__order_items') }}
    group by order_id
),

payments as (
    select
        order_id,
        count(*) as payment_parts,
        sum(amount)::decimal(18, 2) as payments_recorded,
        max(installments) as max_installments,
        string_agg(distinct payment_method, ',' order by payment_method) as payment_methods
    from {{ ref('stg_shop_db__payments') }}
    group by order_id
),

refunds as (
    -- the gateway's refunds that went through, by the order its charge carries
    -- (`metadata.order_id`); pending, failed and canceled refunds moved no money
    select
        order_id,
        currency,
        count(*) as refund_count,
        sum(amount)::decimal(18, 2) as refunds
    from {{ ref('stg_payments__refunds') }}
    where status = 'succeeded' and order_id is not null
    group by order_id, currency
),

disputes as (
    -- chargebacks: the amount is withheld while open and lost unless the shop wins; won
    -- disputes and closed inquiries (`warning_closed`) took nothing
    select
        order_id,
        currency,
        count(*) as dispute_count,
        sum(amount) filter (
            where status not in ('won', 'warning_closed')
        )::decimal(18, 2) as disputes
    from {{ ref('stg_payments__disputes') }}
    where order_id is not null
    group by order_id, currency
),

joined as (
    select
        orders.order_id,
        orders.customer_id,
        orders.order_status,
        orders.channel,
        orders.currency,
        orders.purchased_at,
        {{ shop_local_date('orders.purchased_at') }} as purchase_date,
        orders.approved_at,
        orders.delivered_customer_at,
        orders.estimated_delivery_date,
        coalesce(items.item_lines, 0) as item_lines,
        coalesce(items.items_value, 0)::decimal(18, 2) as items_value,
        coalesce(items.freight_value, 0)::decimal(18, 2) as freight_value,
        coalesce(payments.payment_parts, 0) as payment_parts,
        coalesce(payments.payments_recorded, 0)::decimal(18, 2) as payments_recorded,
        payments.max_installments,
        payments.payment_methods,
        coalesce(refunds.refund_count, 0) as refund_count,
        coalesce(refunds.refunds, 0)::decimal(18, 2) as refunds,
        coalesce(disputes.dispute_count, 0) as dispute_count,
        coalesce(disputes.disputes, 0)::decimal(18, 2) as disputes
    from orders
    left join items on orders.order_id = items.order_id
    left join payments on orders.order_id = payments.order_id
    left join refunds
        on orders.order_id = refunds.order_id and orders.currency = refunds.currency
    left join disputes
        on orders.order_id = disputes.order_id and orders.currency = disputes.currency
),

final as (
    select
        order_id,
        customer_id,
        order_status,
        channel,
        currency,
        purchased_at,
        purchase_date,
        approved_at,
        delivered_customer_at,
        estimated_delivery_date,
        item_lines,
        items_value,
        freight_value,
        (items_value + freight_value)::decimal(18, 2) as goods_sold,
        payment_parts,
        payments_recorded,
        (payments_recorded - items_value - freight_value)::decimal(18, 2)
            as payments_difference,
        case
            when payment_parts = 0 then 'no_payments'
            when item_lines = 0 then 'no_items'
            when payments_recorded = items_value + freight_value then 'matches'
            when payments_recorded > items_value + freight_value then 'paid_more'
            else 'paid_less'
        end as payment_match,
        max_installments,
        payment_methods,
        refund_count,
        refunds,
        dispute_count,
        disputes,
        (payments_recorded - refunds - disputes)::decimal(18, 2) as net_payments,
        order_status = 'canceled' as is_canceled,
        order_status = 'unavailable' as is_unavailable,
        order_status in {{ shop_voided_statuses() }} as is_voided
    from joined
)

select * from final
