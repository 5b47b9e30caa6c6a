-- The staged earnings total equals, to the cent, the total of each account's newest export in
-- the raw zone, recomputed here independently of the staging model's dedup and casts.
{{ config(tags=['reconciliation']) }}

with

raw_latest_export as (
    {{ distrokid_latest_raw_earnings() | indent(4) }}
),

raw_total as (
    select
        sum(earnings_usd) as earnings_usd,
        count(*) as n_rows
    from raw_latest_export
),

staged_total as (
    select
        sum(earnings_usd) as earnings_usd,
        count(*) as n_rows
    from {{ ref('stg_distrokid__bank_details') }}
)

select
    raw_total.earnings_usd as raw_earnings_usd,
    staged_total.earnings_usd as staged_earnings_usd,
    raw_total.n_rows as raw_rows,
    staged_total.n_rows as staged_rows
from raw_total
cross join staged_total
where
    abs(coalesce(raw_total.earnings_usd, 0) - coalesce(staged_total.earnings_usd, 0)) >= 0.005
    or raw_total.n_rows != staged_total.n_rows
