-- The catalogue as it is now: the latest version of each product (a price or stock change
-- is a new version). Discontinued products stay, flagged `is_deleted`.
with

source as (
    select * from {{ source('shop_db', 'products') }}
),

typed as (
    select
        product_id,
        category_id,
        title as product_title,
        gtin,
        description_length::integer as description_length,
        photos_qty::integer as photos_qty,
        weight_g::integer as weight_g,
        length_cm::integer as length_cm,
        height_cm::integer as height_cm,
        width_cm::integer as width_cm,
        list_price::decimal(12, 2) as list_price_brl,
        stock_qty::integer as stock_qty,
        created_at::timestamp as created_at,
        updated_at::timestamp as updated_at,
        deleted_at::timestamp as deleted_at,
        deleted_at is not null as is_deleted,
        {{ landing_metadata('snapshot_id') }}::timestamp as snapshot_at,
        {{ lineage_columns() }}
    from source
),

latest_version as (
    select * from typed
    {{ latest_export(
        partition_by=['product_id'],
        order_by=['updated_at desc', 'snapshot_at desc'],
    ) }}
)

select * from latest_version
