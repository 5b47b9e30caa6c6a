with

links as (
    select
        account,
        link_id,
        clicks,
        snapshot_date,
        _source_file
    from {{ ref('stg_linktree__links') }}
),

link_titles as (
    select
        account,
        link_id,
        link_title,
        is_active
    from {{ ref('stg_linktree__link_titles') }}
),

capture_windows as (
    -- the links response does not carry its window; the same response's social-icon
    -- timeseries does: its first and last day are the capture's window
    select
        _source_file,
        min(report_date) as window_start,
        max(report_date) as window_end
    from {{ ref('stg_linktree__socials_daily') }}
    group by _source_file
),

final as (
    select
        links.account,
        links.link_id,
        link_titles.link_title,
        link_titles.is_active,
        links.snapshot_date,
        capture_windows.window_start,
        capture_windows.window_end,
        links.clicks
    from links
    left join link_titles
        on
            links.account = link_titles.account
            and links.link_id = link_titles.link_id
    left join capture_windows on links._source_file = capture_windows._source_file
)

select * from final
