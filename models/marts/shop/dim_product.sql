-- The shop's catalogue as it is now: one row per product with its current list price,
-- stock and category (English name from the categories table). Discontinued products stay,
-- flagged `is_deleted`.
with

products as (
    select * from {{ ref('stg_shop_db__products') }}
),

categories as (
    select * from {{ ref('stg_shop_db__categories') }}
),

final as (
    select
        products.product_id,
        products.product_title,
        nullif(trim(products.gtin), '') as gtin,
        nullif(products.category_id, '') as category_id,
        nullif(categories.category_name_en, '') as category_name_en,
        products.list_price_brl as list_price,
        'BRL' as currency,
        products.stock_qty,
        coalesce(products.stock_qty, 0) > 0 as is_in_stock,
        products.is_deleted,
        products.deleted_at,
        products.weight_g,
        products.photos_qty,
        products.created_at,
        products.updated_at
    from products
    left join categories on products.category_id = categories.category_id
)

select * from final
