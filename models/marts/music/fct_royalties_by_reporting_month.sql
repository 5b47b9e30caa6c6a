-- Royalties per reporting month (the statement a distributor paid them in: DistroKid's
-- reporting date's month, TooLost's statement month), store (with its platform and usage
-- type) and track, in USD: what a statement pays, beside `fct_royalties_monthly`'s sale
-- months. USD at the sale month's rate, as in `fct_royalties_monthly`, converted per sale
-- month and then summed.
-- Money in the row's own currency is kept apart (`earnings_in_currency`, with `currency`):
-- sum `earnings_usd` across rows, never `earnings_in_currency`.
with

bank_details as (
    select
        account,
        date_trunc('month', reporting_date)::date as reporting_month,
        reporting_date as reported_on,
        sale_month,
        store,
        artist,
        isrc,
        quantity,
        earnings_usd
    from {{ ref('stg_distrokid__bank_details') }}
),

toolost_sales as (
    select
        account,
        reporting_month,
        -- a statement covers its whole month: reported through the month's last day
        last_day(reporting_month) as reported_on,
        sale_month,
        store,
        artist,
        isrc,
        quantity,
        currency,
        net_earnings
    from {{ ref('stg_toolost__sales') }}
),

fx_rates as (
    select
        month,
        currency,
        usd_per_unit
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
    select
        'distrokid' as source,
        account,
        reporting_month,
        reported_on,
        sale_month,
        store,
        artist,
        isrc,
        quantity,
        'USD' as currency,
        earnings_usd as earnings
    from bank_details
    union all
    select
        'toolost' as source,
        account,
        reporting_month,
        reported_on,
        sale_month,
        store,
        artist,
        isrc,
        quantity,
        currency,
        net_earnings as earnings
    from toolost_sales
),

per_sale_month as (
    select
        source,
        account,
        reporting_month,
        sale_month,
        store,
        coalesce({{ normalise_isrc('isrc') }}, 'unattributed') as track_id,
        coalesce({{ artist_key('artist') }}, 'unattributed') as artist_id,
        currency,
        max(reported_on) as last_reported_on,
        sum(quantity)::bigint as quantity,
        sum(earnings)::decimal(18, 8) as earnings
    from source_rows
    group by all
),

converted as (
    select
        per_sale_month.*,
        coalesce(store_platforms.platform, 'unmapped') as platform,
        coalesce(store_platforms.usage_type, 'unmapped') as usage_type,
        {{ convert_money('per_sale_month.earnings', 'fx_rates.usd_per_unit') }} as earnings_usd,
        fx_rates.usd_per_unit is null as lacks_rate
    from per_sale_month
    left join fx_rates
        on
            per_sale_month.sale_month = fx_rates.month
            and per_sale_month.currency = fx_rates.currency
    left join store_platforms
        on
            per_sale_month.source = store_platforms.source
            and per_sale_month.store = store_platforms.store
),

statement_rows as (
    select
        source,
        account,
        reporting_month,
        store,
        platform,
        usage_type,
        track_id,
        artist_id,
        currency,
        min(sale_month) as first_sale_month,
        max(sale_month) as last_sale_month,
        max(last_reported_on) as last_reported_on,
        sum(quantity)::bigint as quantity,
        -- null when a sale month of the row has no rate (never a partial sum)
        if(bool_or(lacks_rate), null, sum(earnings_usd))::decimal(18, 8) as earnings_usd,
        sum(earnings)::decimal(18, 8) as earnings_in_currency
    from converted
    group by all
)

select
    md5(
        concat_ws(
            '|', source, account, reporting_month, store, track_id, artist_id, currency
        )
    ) as statement_row_id,
    reporting_month,
    source,
    account,
    store,
    platform,
    usage_type,
    track_id,
    artist_id,
    first_sale_month,
    last_sale_month,
    last_reported_on,
    quantity,
    earnings_usd,
    currency,
    earnings_in_currency
from statement_rows
