{#- Each order's money per category of its lines: items and freight exactly as the lines
    carry them; payments recorded, refunds and disputes (order-level amounts) split across
    the categories in proportion to item value (to the number of lines when every line is
    free), in cents that add up to the order's amount exactly (the largest category takes
    the rounding remainder). An order without lines is one row in the `(no items)` bucket
    with all its payments, refunds and disputes. -#}

with

orders as (
    select
        order_id,
        channel,
        currency,
        purchase_date,
        order_status,
        is_voided,
        payments_recorded,
        refunds,
        disputes
    from {{ ref('fct_orders') }}
),

category_lines as (
    select
        order_id,
        category_id,
        count(*) as item_lines,
        sum(item_value)::decimal(18, 2) as items_value,
        sum(freight_value)::decimal(18, 2) as freight_value
    from {{ ref('fct_order_items') }}
    group by order_id, category_id
),

order_categories as (
    select
        orders.*,
        coalesce(category_lines.category_id, '{{ shop_no_items() }}') as category_id,
        coalesce(category_lines.item_lines, 0) as item_lines,
        coalesce(category_lines.items_value, 0)::decimal(18, 2) as items_value,
        coalesce(category_lines.freight_value, 0)::decimal(18, 2) as freight_value
    from orders
    left join category_lines on orders.order_id = category_lines.order_id
),

shares as (
    select
        *,
        case
            when sum(items_value) over (partition by order_id) > 0
                then items_value / sum(items_value) over (partition by order_id)
            when sum(item_lines) over (partition by order_id) > 0
                then item_lines / sum(item_lines) over (partition by order_id)
            else 1
        end::decimal(20, 12) as category_share,
        row_number() over (
            partition by order_id order by items_value desc, category_id asc
        ) = 1 as is_remainder
    from order_categories
),

final as (
    select
        order_id,
        category_id,
        channel,
        currency,
        purchase_date,
        order_status,
        is_voided,
        item_lines,
        items_value,
        freight_value,
        (items_value + freight_value)::decimal(18, 2) as goods_sold,
        category_share as payment_share,
        is_remainder,
        ({{ shop_split_amount('payments_recorded', 'category_share') }})::decimal(18, 2)
            as payments_recorded,
        ({{ shop_split_amount('refunds', 'category_share') }})::decimal(18, 2) as refunds,
        ({{ shop_split_amount('disputes', 'category_share') }})::decimal(18, 2) as disputes
    from shares
)

select * from final
