-- DistroKid earnings in the royalty mart equal, to the cent, the sum of each account's newest
-- export in the raw zone (read here directly, not through staging): the mart loses no row, adds
-- none and nets no correction away. Also checks the row count the mart says it summed.
{{ config(tags=['reconciliation']) }}

with

raw_latest_export as (
    {{ distrokid_latest_raw_earnings() | indent(4) }}
),

raw_total as (
    select
        sum(earnings_usd) as earnings_usd,
        count(*) as n_rows,
        count(*) filter (where earnings_usd < 0) as n_negative_rows
    from raw_latest_export
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
