-- Meta spend in the ad marts equals the insights' spend in the raw zone, recomputed here
-- from the raw rows (text as the API wrote it) independently of staging:
--   window mart: every ad-set window of each ad set's newest lifetime export (the window
--     that ends last, then the newest landing) is in
--     fct_ad_performance_window with the same spend, and every mart window is a raw window
--     with that spend (nothing invented, nothing dropped, nothing repeated per ad);
--   daily mart: per account, ad and day the newest raw row's spend equals the mart's, both
--     ways, and the totals are equal to the cent.
-- A returned row is a mismatch.
{{ config(tags=['reconciliation']) }}

with

raw_windows as (
    select
        {{ landing_account() }} as account,  -- noqa: RF04
        adset_id,
        date_start::date as window_start,
        date_stop::date as window_end,
        spend::decimal(18, 2) as spend,
        _landed_at,
        _source_file
    from {{ source('meta_ads', 'insights') }}
    where ad_id is null
),

newest_raw_windows as (
    select * from raw_windows
    qualify
        dense_rank() over (
            partition by account, adset_id
            order by window_end desc, _landed_at desc, _source_file desc
        ) = 1
),

window_mart as (
    select
        account,
        adset_id,
        window_start,
        window_end,
        spend
    from {{ ref('fct_ad_performance_window') }}
),

newest_windows_missing as (
    select
        'window: newest raw window missing or different in the mart' as problem,
        newest.account,
        newest.adset_id as object_id,
        newest.window_start as problem_date,
        newest.spend as raw_spend,
        window_mart.spend as mart_spend
    from newest_raw_windows as newest
    left join window_mart
        on
            newest.account = window_mart.account
            and newest.adset_id = window_mart.adset_id
            and newest.window_start = window_mart.window_start
            and newest.window_end = window_mart.window_end
    where window_mart.spend is distinct from newest.spend
),

mart_windows_unknown as (
    select
        'window: mart window with no raw window of that spend' as problem,
        window_mart.account,
        window_mart.adset_id as object_id,
        window_mart.window_start as problem_date,
        null::decimal(18, 2) as raw_spend,
        window_mart.spend as mart_spend
    from window_mart
    left join raw_windows
        on
            window_mart.account = raw_windows.account
            and window_mart.adset_id = raw_windows.adset_id
            and window_mart.window_start = raw_windows.window_start
            and window_mart.window_end = raw_windows.window_end
            and window_mart.spend = raw_windows.spend
    where raw_windows.adset_id is null
),

raw_days as (
    select
        {{ landing_account() }} as account,  -- noqa: RF04
        ad_id,
        date_start::date as insight_date,
        spend::decimal(18, 2) as spend
    from {{ source('meta_ads', 'ad_insights_daily') }}
    qualify
        row_number() over (
            partition by account, ad_id, insight_date
            order by _landed_at desc, _source_file desc, _row_number desc
        ) = 1
),

daily_mart as (
    select
        account,
        ad_id,
        insight_date,
        spend
    from {{ ref('fct_ad_performance_daily') }}
),

days_different as (
    select
        'daily: raw and mart differ for an ad and day' as problem,
        coalesce(raw_days.account, daily_mart.account) as account,  -- noqa: RF04
        coalesce(raw_days.ad_id, daily_mart.ad_id) as object_id,
        coalesce(raw_days.insight_date, daily_mart.insight_date) as problem_date,
        raw_days.spend as raw_spend,
        daily_mart.spend as mart_spend
    from raw_days
    full outer join daily_mart
        on
            raw_days.account = daily_mart.account
            and raw_days.ad_id = daily_mart.ad_id
            and raw_days.insight_date = daily_mart.insight_date
    where raw_days.spend is distinct from daily_mart.spend
),

raw_total as (
    select coalesce(sum(spend), 0) as spend from raw_days
),

mart_total as (
    select coalesce(sum(spend), 0) as spend from daily_mart
),

daily_totals as (
    select
        'daily: total spend differs' as problem,
        null as account,  -- noqa: RF04
        null as object_id,
        null::date as problem_date,
        raw_total.spend as raw_spend,
        mart_total.spend as mart_spend
    from raw_total
    cross join mart_total
),

problems as (
    select * from newest_windows_missing
    union all
    select * from mart_windows_unknown
    union all
    select * from days_different
    union all
    select * from daily_totals
    where raw_spend != mart_spend
)

select * from problems
