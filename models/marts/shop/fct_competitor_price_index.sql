-- Our list price against the competition, one row per shop product. "Seen" is each matched
-- listing's latest scrape, counted while it is current (at most
-- var('competitor_price_window_days') older than its site's newest scrape), in stock, priced
-- and in the product's currency; the lowest and the median are over those offers.
with

products as (
    select * from {{ ref('dim_product') }}
),

listings as (
    select * from {{ ref('int_competitor_listings_matched') }}
    where product_id is not null
),

offers as (
    select
        listings.*,
        listings.is_current
        and listings.in_stock
        and listings.price is not null
        and listings.currency = products.currency as is_offer
    from listings
    inner join products on listings.product_id = products.product_id
),

per_product as (
    select
        product_id,
        count(*) as matched_listings,
        count(distinct site) as matched_sites,
        count(*) filter (where match_method = 'gtin') as gtin_listings,
        count(*) filter (where match_method = 'title') as title_listings,
        min(match_confidence) as match_confidence,
        count(*) filter (where is_offer) as competitor_offers,
        min(price) filter (where is_offer) as lowest_competitor_price,
        median(price::decimal(18, 4)) filter (where is_offer) as median_competitor_price,
        max(last_scraped_at) as last_scraped_at
    from offers
    group by product_id
),

joined as (
    select
        products.product_id,
        products.product_title,
        products.gtin,
        products.category_id,
        products.category_name_en,
        products.is_deleted,
        products.currency,
        products.list_price,
        coalesce(per_product.matched_listings, 0) as matched_listings,
        coalesce(per_product.matched_sites, 0) as matched_sites,
        case
            when per_product.gtin_listings > 0 and per_product.title_listings > 0
                then 'gtin_and_title'
            when per_product.gtin_listings > 0 then 'gtin'
            when per_product.title_listings > 0 then 'title'
            else 'none'
        end as match_method,
        per_product.match_confidence,
        coalesce(per_product.competitor_offers, 0) as competitor_offers,
        per_product.lowest_competitor_price,
        per_product.median_competitor_price,
        per_product.last_scraped_at
    from products
    left join per_product on products.product_id = per_product.product_id
),

final as (
    select
        *,
        (list_price - lowest_competitor_price)::decimal(14, 2) as price_gap_to_lowest,
        round(
            list_price::decimal(18, 4) / nullif(median_competitor_price, 0), 4
        )::decimal(12, 4) as price_index_to_median,
        case
            when match_method = 'none' then 'no_match'
            when competitor_offers = 0 then 'no_current_offer'
            when list_price is null then 'no_list_price'
            when list_price > median_competitor_price then 'above_median'
            when list_price = median_competitor_price then 'at_median'
            else 'below_median'
        end as price_position
    from joined
)

select
    product_id,
    product_title,
    gtin,
    category_id,
    category_name_en,
    is_deleted,
    currency,
    list_price,
    match_method,
    match_confidence,
    matched_listings,
    matched_sites,
    competitor_offers,
    lowest_competitor_price,
    median_competitor_price,
    price_gap_to_lowest,
    price_index_to_median,
    price_position,
    last_scraped_at
from final
