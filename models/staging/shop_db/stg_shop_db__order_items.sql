-- The application's order lines as they are now, in the order's currency. Incremental: a
-- build rebuilds the lines of the orders re-read by the snapshots ingested since the
-- published version (the pre-hook deletes their published lines, the model inserts the
-- lines of each order's newest snapshot), so lines the application deleted disappear; raw
-- keeps every version.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['order_id', 'line_number'],
    on_schema_change='fail',
    pre_hook="{{ shop_db_delete_reread_lines() }}",
) }}

with

current_lines as (
    {{ shop_db_order_lines('order_items') }}
),

orders as (
    select
        order_id,
        currency
    from {{ ref('stg_shop_db__orders') }}
),

typed as (
    select
        current_lines.order_id,
        current_lines.line_number::integer as line_number,
        current_lines.product_id,
        current_lines.seller_id,
        current_lines.shipping_limit_at::timestamp as shipping_limit_at,
        current_lines.price::decimal(12, 2) as price,
        current_lines.freight_value::decimal(12, 2) as freight_value,
        orders.currency,
        current_lines.snapshot_at,
        {{ lineage_columns('current_lines') }}
    from current_lines
    left join orders on current_lines.order_id = orders.order_id
)

select * from typed
