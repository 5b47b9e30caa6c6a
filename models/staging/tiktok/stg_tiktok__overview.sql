with

source as (
    select * from {{ source('tiktok', 'overview') }}
),

file_names as (
    -- the zip's name says what the file does not: Overview_<window start YYYY-MM-DD>_<export
    -- Unix seconds>_<account>.zip (empty strings when a file was landed under another name)
    {%- set zip_name = "'Overview_(\\d{4}-\\d{2}-\\d{2})_(\\d+)_([^/]+)\\.zip$'" %}
    select
        *,
        regexp_extract(_source_file, {{ zip_name }}, 1) as name_window_start,
        regexp_extract(_source_file, {{ zip_name }}, 2) as name_exported_unix,
        regexp_extract(_source_file, {{ zip_name }}, 3) as name_account
    from source
),

typed as (
    select
        {{ landing_account("nullif(name_account, '')") }} as account,
        "Date" as day_without_year,
        try_strptime(name_window_start, '%Y-%m-%d')::date as window_start_date,
        coalesce(
            make_timestamp(try_cast(nullif(name_exported_unix, '') as bigint) * 1000000),
            _landed_at
        ) as exported_at,
        "Video Views"::bigint as video_views,
        "Profile Views"::bigint as profile_views,
        "Likes"::bigint as likes,
        "Comments"::bigint as comments,
        "Shares"::bigint as shares,
        {{ lineage_columns() }}
    from file_names
),

candidate_dates as (
    -- 'May 28' (or 'Feb 29') read in the window's first year and in the year after it
    select
        *,
        try_strptime(
            day_without_year || ' ' || year(window_start_date),
            ['%B %d %Y', '%b %d %Y']
        )::date as date_in_start_year,
        try_strptime(
            day_without_year || ' ' || (year(window_start_date) + 1),
            ['%B %d %Y', '%b %d %Y']
        )::date as date_in_next_year
    from typed
),

dated as (
    -- an export window starts on window_start_date and spans at most a year: a day falls in
    -- the start's year unless that would put it before the start (then it is in the next
    -- year); a 'February 29' exists only in the leap year of the two
    select
        account,
        case
            when date_in_start_year >= window_start_date then date_in_start_year
            else date_in_next_year
        end as report_date,
        video_views,
        profile_views,
        likes,
        comments,
        shares,
        window_start_date,
        exported_at,
        {{ lineage_columns() }}
    from candidate_dates
),

latest_export_per_day as (
    -- every export repeats its whole window, and windows overlap: per account and day the
    -- newest export's figures win (TikTok corrects recent days); days only older exports
    -- cover are kept, days no export covers stay missing
    select * from dated
    {{ latest_export(
        partition_by=['account', 'report_date'],
        order_by=['exported_at desc', '_landed_at desc'],
    ) }}
)

select * from latest_export_per_day
