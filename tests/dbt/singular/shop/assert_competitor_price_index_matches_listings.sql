-- fct_competitor_price_index ties to the scrapes: for every product, the lowest offer is the
-- lowest price among the latest scrapes of its matched listings that are in stock and
-- current, recomputed here from stg_competitors__products. Returns the products that differ.
with

latest_scrape as (
    select
        competitor_product_id,
        price,
        currency,
        in_stock,
        scraped_at,
        max(scraped_at) over (partition by site) as site_last_scraped_at
    from {{ ref('stg_competitors__products') }}
    {{ latest_export(
        partition_by=['competitor_product_id'], order_by=['scraped_at desc', '_landed_at desc']
    ) }}
),

expected as (
    select
        listings.product_id,
        min(latest_scrape.price) as lowest_price
    from {{ ref('int_competitor_listings_matched') }} as listings
    inner join latest_scrape
        on listings.competitor_product_id = latest_scrape.competitor_product_id
    where
        listings.product_id is not null
        and latest_scrape.in_stock
        and latest_scrape.currency = 'BRL'
        and latest_scrape.scraped_at
        >= latest_scrape.site_last_scraped_at - to_days({{ var('competitor_price_window_days') }})
    group by listings.product_id
)

select
    price_index.product_id,
    price_index.lowest_competitor_price,
    expected.lowest_price
from {{ ref('fct_competitor_price_index') }} as price_index
full outer join expected on price_index.product_id = expected.product_id
where price_index.lowest_competitor_price is distinct from expected.lowest_price
