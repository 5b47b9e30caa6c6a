-- Each competitor listing (a site's product across scrapes) in its latest observation, matched
-- to the shop's own product: by GTIN first, then, for a listing that shows no GTIN, by its
-- title. The rules (documented in _int_competitor_listings_matched.yml):
-- - GTIN: both sides left-padded to 14 digits (an EAN-13 and its GTIN-14 spelling agree); a
--   GTIN that names two shop products matches neither. A listing whose GTIN names no shop
--   product is a product the shop does not sell: it is not tried by title.
-- - Title: lower case, accents stripped, quantity phrases (`(1 unidade)`) and marketing words
--   (kit, original, ...) dropped, split into tokens; the similarity is the Jaccard index of
--   the two token sets. The best shop product matches when its similarity reaches
--   var('competitor_title_match_threshold') and no other product ties with it.
with

scrapes as (
    select * from {{ ref('stg_competitors__products') }}
),

shop_products as (
    select * from {{ ref('stg_shop_db__products') }}
),

latest_observation as (
    select
        competitor_product_id,
        site,
        sku,
        product_title,
        gtin,
        price,
        currency,
        in_stock,
        scraped_at,
        max(scraped_at) over (partition by site) as site_last_scraped_at
    from scrapes
    {{ latest_export(
        partition_by=['competitor_product_id'], order_by=['scraped_at desc', '_landed_at desc']
    ) }}
),

listings as (
    select
        *,
        lpad(gtin, 14, '0') as gtin14,
        {{ title_tokens('product_title') }} as title_tokens
    from latest_observation
),

shop_gtins as (
    select
        lpad(gtin, 14, '0') as gtin14,
        min(product_id) as product_id,
        count(*) as products
    from shop_products
    where nullif(trim(gtin), '') is not null
    group by lpad(gtin, 14, '0')
),

shop_titles as (
    select
        product_id,
        {{ title_tokens('product_title') }} as title_tokens
    from shop_products
    where product_title is not null
),

listing_tokens as (
    -- blocking: only pairs that share a token are compared
    select distinct
        competitor_product_id,
        unnest(title_tokens) as token
    from listings
    where gtin is null
),

shop_tokens as (
    select distinct
        product_id,
        unnest(title_tokens) as token
    from shop_titles
),

title_pairs as (
    select distinct
        listing_tokens.competitor_product_id,
        shop_tokens.product_id
    from listing_tokens
    inner join shop_tokens on listing_tokens.token = shop_tokens.token
),

title_scores as (
    select
        title_pairs.competitor_product_id,
        title_pairs.product_id,
        round(
            len(list_intersect(listings.title_tokens, shop_titles.title_tokens))
            / len(list_distinct(list_concat(listings.title_tokens, shop_titles.title_tokens))),
            4
        )::decimal(5, 4) as title_similarity
    from title_pairs
    inner join listings on title_pairs.competitor_product_id = listings.competitor_product_id
    inner join shop_titles on title_pairs.product_id = shop_titles.product_id
),

best_title_per_listing as (
    -- the best similarity per listing, and how many shop products reach it (a tie: no match)
    select
        competitor_product_id,
        max(title_similarity) as title_similarity,
        arg_max(product_id, title_similarity) as product_id,
        count(*) filter (where title_similarity = max_similarity) as title_candidates
    from (
        select
            *,
            max(title_similarity) over (partition by competitor_product_id) as max_similarity
        from title_scores
    ) as scored
    group by competitor_product_id
),

matched as (
    select
        listings.competitor_product_id,
        listings.site,
        listings.sku,
        listings.product_title as competitor_title,
        listings.gtin,
        listings.price,
        listings.currency,
        listings.in_stock,
        listings.scraped_at as last_scraped_at,
        listings.scraped_at >= listings.site_last_scraped_at
        - to_days({{ var('competitor_price_window_days') }}) as is_current,
        best_title_per_listing.title_similarity,
        best_title_per_listing.title_candidates,
        case
            when shop_gtins.products = 1 then shop_gtins.product_id
            when
                listings.gtin is null
                and best_title_per_listing.title_candidates = 1
                and best_title_per_listing.title_similarity
                >= {{ var('competitor_title_match_threshold') }}
                then best_title_per_listing.product_id
        end as product_id
    from listings
    left join shop_gtins on listings.gtin14 = shop_gtins.gtin14
    left join best_title_per_listing
        on listings.competitor_product_id = best_title_per_listing.competitor_product_id
),

final as (
    select
        competitor_product_id,
        site,
        sku,
        competitor_title,
        gtin,
        product_id,
        case
            when product_id is null then 'none'
            when gtin is not null then 'gtin'
            else 'title'
        end as match_method,
        case
            when product_id is null then null
            when gtin is not null then 1.0
            else title_similarity
        end::decimal(5, 4) as match_confidence,
        title_similarity,
        title_candidates,
        price,
        currency,
        in_stock,
        last_scraped_at,
        is_current
    from matched
)

select * from final
