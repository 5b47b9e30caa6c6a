-- Spend is counted once in the ad marts:
--   the ad-set windows of fct_ad_performance_window never overlap per ad set (a day's spend
--   is never in two windows; the model's key, ad set and window, has no ad in it);
--   where the daily per-ad insights cover an ad set's window (its first day has daily rows
--   and the daily data reaches its last day), the window's spend equals the sum of its
--   ads' daily spend within 1 cent per day (Meta rounds each figure to the cent), so
--   ad-set figures were not repeated per ad and ads were not counted twice.
-- A returned row is a violation.
{{ config(tags=['reconciliation']) }}

with

windows as (
    select
        account,
        adset_id,
        window_start,
        window_end,
        window_days,
        spend
    from {{ ref('fct_ad_performance_window') }}
),

daily as (
    select
        account,
        adset_id,
        insight_date,
        spend
    from {{ ref('fct_ad_performance_daily') }}
),

overlapping_windows as (
    select
        'two windows of one ad set share a day' as problem,
        earlier.account,
        earlier.adset_id,
        earlier.window_start,
        earlier.spend as window_spend,
        later.spend as other_spend
    from windows as earlier
    inner join windows as later
        on
            earlier.account = later.account
            and earlier.adset_id = later.adset_id
            and earlier.window_start < later.window_start
            and earlier.window_end >= later.window_start
),

daily_reach as (
    select
        account,
        max(insight_date) as last_daily_date
    from daily
    group by account
),

daily_coverage as (
    select
        windows.account,
        windows.adset_id,
        windows.window_start,
        any_value(windows.window_days) as window_days,
        any_value(windows.spend) as window_spend,
        sum(daily.spend) as daily_spend,
        min(daily.insight_date) as first_day
    from windows
    inner join daily
        on
            windows.account = daily.account
            and windows.adset_id = daily.adset_id
            and daily.insight_date between windows.window_start and windows.window_end
    group by windows.account, windows.adset_id, windows.window_start
),

window_differs_from_its_days as (
    -- only windows whose first and last days both have daily rows (daily insights cover it)
    select
        'window spend differs from its ads'' daily spend' as problem,
        daily_coverage.account,
        daily_coverage.adset_id,
        daily_coverage.window_start,
        daily_coverage.window_spend,
        daily_coverage.daily_spend as other_spend
    from daily_coverage
    inner join windows
        on
            daily_coverage.account = windows.account
            and daily_coverage.adset_id = windows.adset_id
            and daily_coverage.window_start = windows.window_start
    inner join daily_reach on daily_coverage.account = daily_reach.account
    where
        daily_coverage.first_day = windows.window_start
        and daily_reach.last_daily_date >= windows.window_end
        and abs(daily_coverage.window_spend - daily_coverage.daily_spend)
        > 0.01 * daily_coverage.window_days
)

select * from overlapping_windows
union all
select * from window_differs_from_its_days
