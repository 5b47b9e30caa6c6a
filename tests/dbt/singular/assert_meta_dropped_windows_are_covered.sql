-- Meta insight windows of one ad set that overlap: the newest export wins on every window it
-- shares a day with (stg_meta_ads__insights), so no day's spend is counted twice. Window
-- totals cannot be split by day, so an older window that also covered days no kept window
-- covers loses those days' spend with it. This test lists such days (warns): land an export
-- that covers them (Meta's lifetime window, or the daily per-ad insights, which
-- int_campaign_spend then uses for the campaign).
{{ config(severity='warn', tags=['reconciliation']) }}

with

raw_windows as (
    select distinct
        {{ landing_account() }} as account,  -- noqa: RF04
        adset_id,
        date_start::date as window_start,
        date_stop::date as window_end
    from {{ source('meta_ads', 'insights') }}
    where ad_id is null
),

kept_windows as (
    select
        account,
        adset_id,
        date_start as window_start,
        date_stop as window_end
    from {{ ref('stg_meta_ads__insights') }}
),

raw_days as (
    select
        account,
        adset_id,
        window_start,
        window_end,
        unnest(generate_series(window_start, window_end, interval 1 day))::date as window_day
    from raw_windows
)

select
    raw_days.account,
    raw_days.adset_id,
    raw_days.window_start as dropped_window_start,
    raw_days.window_end as dropped_window_end,
    min(raw_days.window_day) as first_uncovered_day,
    max(raw_days.window_day) as last_uncovered_day,
    count(*) as uncovered_days
from raw_days
left join kept_windows
    on
        raw_days.account = kept_windows.account
        and raw_days.adset_id = kept_windows.adset_id
        and raw_days.window_day between kept_windows.window_start and kept_windows.window_end
where kept_windows.adset_id is null
group by all
