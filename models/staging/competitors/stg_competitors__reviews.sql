with

source as (
    select * from {{ source('competitors', 'reviews') }}
),

typed as (
    select
        md5({{ landing_account() }} || '|' || review_id) as competitor_review_id,
        {{ landing_account() }} as site,
        review_id,
        sku,
        md5({{ landing_account() }} || '|' || sku) as competitor_product_id,
        author as author_name,
        rating::integer as rating,
        title as review_title,
        body as review_text,
        published_on::date as published_on,
        scraped_at::timestamptz as scraped_at,
        page as source_page,
        {{ lineage_columns() }}
    from source
),

latest_per_review as (
    -- every scrape shows every review again: the latest scrape's version of each wins
    select * from typed
    {{ latest_export(partition_by=['site', 'review_id'], order_by='scraped_at desc') }}
)

select * from latest_per_review
