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

typed as (
    select
        order_id,
        line_number::integer as line_number,
        product_id,
        seller_id,
        shipping_limit_at::timestamp as shipping_limit_at,
        price::decimal(12, 2) as price,
        freight_value::decimal(12, 2) as freight_value,
        currency,
        snapshot_at,
        {{ lineage_columns() }}
    from current_lines
)

select * from typed
