{#- Linktree gives clicks per day only for the whole profile (overview timeseries): one row
    per account and day, no link column. Per-link clicks are window totals:
    fct_link_clicks_window. -#}

with

overview as (
    select
        account,
        report_date,
        total_clicks,
        unique_clicks,
        total_views,
        unique_views,
        click_through_rate
    from {{ ref('stg_linktree__overview_daily') }}
),

final as (
    select
        account,
        report_date,
        total_clicks as clicks,
        unique_clicks,
        total_views as profile_views,
        unique_views as unique_profile_views,
        -- recomputed from the counts (null without views); can exceed 1 (clicks per view)
        total_clicks / nullif(total_views, 0) as clicks_per_view,
        click_through_rate as reported_click_through_rate
    from overview
)

select * from final
