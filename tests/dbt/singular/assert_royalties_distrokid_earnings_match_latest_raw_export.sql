-- DistroKid earnings in the royalty mart equal, to the cent, the sum of the newest export
-- in the raw zone (read here directly, not through staging): the mart loses no row, adds
-- none and nets no correction away. Also checks the row count the mart says it summed.
{{ config(tags=['reconciliation']) }}

with

raw_rows as (
    select
        _source_file,
        _landed_at,
        "Earnings (USD)" as earnings
    from {{ source('distrokid', 'bank_details') }}
),

latest_landing as (
    select max(_landed_at) as landed_at
    from raw_rows
),

latest_file as (
    select max(raw_rows._source_file) as source_file
    from raw_rows
    inner join latest_landing
        on raw_rows._landed_at = latest_landing.landed_at
),

raw_total as (
    select
        sum(raw_rows.earnings::decimal(18, 8)) as earnings_usd,
        count(*) as n_rows,
        count(*) filter (where raw_rows.earnings::decimal(18, 8) < 0) as n_negative_rows
    from raw_rows
    inner join latest_file
        on raw_rows._source_file = latest_file.source_file
),

mart_total as (
    select
        sum(earnings_usd) as earnings_usd,
        sum(n_source_rows) as n_rows,
        sum(n_correction_rows) as n_negative_rows
    from {{ ref('fct_royalties_monthly') }}
    where source = 'distrokid'
)

select
    raw_total.earnings_usd as raw_earnings_usd,
    mart_total.earnings_usd as mart_earnings_usd,
    raw_total.n_rows as raw_rows,
    mart_total.n_rows as mart_rows,
    raw_total.n_negative_rows as raw_negative_rows,
    mart_total.n_negative_rows as mart_negative_rows
from raw_total
cross join mart_total
where
    abs(coalesce(raw_total.earnings_usd, 0) - coalesce(mart_total.earnings_usd, 0)) >= 0.005
    or raw_total.n_rows != coalesce(mart_total.n_rows, 0)
    or raw_total.n_negative_rows != coalesce(mart_total.n_negative_rows, 0)
