-- The staged earnings total equals, to the cent, the total of the newest export in the raw
-- zone, recomputed here independently of the staging model's dedup and casts.
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
        count(*) as n_rows
    from raw_rows
    inner join latest_file
        on raw_rows._source_file = latest_file.source_file
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
