with

source as (
    select * from {{ source('competitors', 'products') }}
),

typed as (
    select
        md5(_source_file || '-' || sku) as product_scrape_id,
        -- the site is the extractor's account: the files do not repeat it per record
        {{ landing_account() }} as site,
        sku,
        md5({{ landing_account() }} || '|' || sku) as competitor_product_id,
        url as product_url,
        title as product_title,
        brand,
        category,
        nullif(trim(gtin), '') as gtin,
        price::decimal(12, 2) as price,
        price_text,
        coalesce(currency, 'BRL') as currency,
        in_stock::boolean as in_stock,
        availability_text,
        rating::decimal(3, 1) as rating,
        coalesce(review_count::integer, 0) as review_count,
        scraped_at::timestamptz as scraped_at,
        page as source_page,
        {{ lineage_columns() }}
    from source
),

one_row_per_product_and_scrape as (
    -- a listing that shifts while it is read can show a product on two pages of one scrape:
    -- the later read wins
    select * from typed
    {{ latest_export(partition_by=['_source_file', 'sku'], order_by='scraped_at desc') }}
)

select * from one_row_per_product_and_scrape
