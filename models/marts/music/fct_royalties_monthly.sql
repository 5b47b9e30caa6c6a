-- Royalties per sale month, store, country and track, from DistroKid's bank details (USD,
-- newest export) and TooLost's sales statements (EUR or USD per row, newest statement per
-- reporting month), in the original currency and in USD at the sale month's average rate
-- (`seeds/common/fx_rates_monthly.csv`). Negative corrections are kept visible: a row counts its
-- source rows and correction rows and carries their amount apart (`earnings_corrections`)
-- next to the total (`earnings`, corrections included).
with

bank_details as (
    select
        sale_month,
        store,
        country_code,
        artist,
        isrc,
        quantity,
        earnings_usd
    from {{ ref('stg_distrokid__bank_details') }}
),

toolost_sales as (
    select
        sale_month,
        store,
        country_code,
        artist,
        isrc,
        quantity,
        currency,
        gross_earnings,
        net_earnings
    from {{ ref('stg_toolost__sales') }}
),

fx_rates as (
    select
        month,
        currency,
        usd_per_unit,
        rate_kind
    from {{ ref('fx_rates_monthly') }}
),

store_platforms as (
    select
        source,
        store,
        platform,
        usage_type
    from {{ ref('store_platforms') }}
),

source_rows as (
    -- DistroKid pays what it reports (no fee): gross = net
    select
        'distrokid' as source,
        sale_month,
        store,
        country_code,
        artist,
        isrc,
        quantity,
        'USD' as currency,
        earnings_usd as gross_earnings,
        earnings_usd as net_earnings
    from bank_details
    union all
    select
        'toolost' as source,
        sale_month,
        store,
        country_code,
        artist,
        isrc,
        quantity,
        currency,
        gross_earnings,
        net_earnings
    from toolost_sales
),

keyed as (
    select
        source,
        sale_month,
        store,
        -- sentinel for a row without a country
        coalesce(nullif(trim(country_code), ''), 'ZZ') as country_code,
        -- sentinel for a row without an ISRC (DistroKid's Facebook rows)
        coalesce({{ normalise_isrc('isrc') }}, 'unattributed') as track_id,
        coalesce({{ artist_key('artist') }}, 'unattributed') as artist_id,
        currency,
        quantity,
        gross_earnings,
        net_earnings
    from source_rows
),

monthly as (
    select
        source,
        sale_month,
        store,
        country_code,
        track_id,
        artist_id,
        currency,
        sum(quantity)::bigint as quantity,
        count(*) as n_source_rows,
        count(*) filter (where net_earnings < 0) as n_correction_rows,
        sum(gross_earnings)::decimal(18, 8) as gross_earnings,
        sum(net_earnings)::decimal(18, 8) as earnings,
        coalesce(sum(net_earnings) filter (where net_earnings < 0), 0)::decimal(18, 8)
            as earnings_corrections
    from keyed
    group by source, sale_month, store, country_code, track_id, artist_id, currency
)

select
    md5(
        concat_ws(
            '|', monthly.source, monthly.sale_month, monthly.store, monthly.country_code,
            monthly.track_id, monthly.artist_id, monthly.currency
        )
    ) as royalty_id,
    monthly.source,
    monthly.sale_month,
    monthly.store,
    -- the store as one platform across distributors, and what its quantities count
    -- (`seeds/music/store_platforms.csv`; `unmapped` until the seed lists the store)
    coalesce(store_platforms.platform, 'unmapped') as platform,
    coalesce(store_platforms.usage_type, 'unmapped') as usage_type,
    monthly.country_code,
    monthly.track_id,
    monthly.artist_id,
    monthly.currency,
    monthly.quantity,
    monthly.n_source_rows,
    monthly.n_correction_rows,
    monthly.gross_earnings,
    monthly.earnings,
    monthly.earnings_corrections,
    fx_rates.month as fx_month,
    fx_rates.usd_per_unit,
    fx_rates.rate_kind as fx_rate_kind,
    {{ convert_money('monthly.gross_earnings', 'fx_rates.usd_per_unit') }}::decimal(18, 8)
        as gross_earnings_usd,
    {{ convert_money('monthly.earnings', 'fx_rates.usd_per_unit') }}::decimal(18, 8)
        as earnings_usd,
    {{ convert_money('monthly.earnings_corrections', 'fx_rates.usd_per_unit') }}::decimal(18, 8)
        as earnings_corrections_usd,
    monthly.track_id = 'unattributed' as is_unattributed
from monthly
left join fx_rates
    on
        monthly.sale_month = fx_rates.month
        and monthly.currency = fx_rates.currency
left join store_platforms
    on
        monthly.source = store_platforms.source
        and monthly.store = store_platforms.store
