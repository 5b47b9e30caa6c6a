with

source as (
    select * from {{ source('linktree', 'socials_daily') }}
),

typed as (
    select
        -- Linktree's responses do not name the account: only the landing metadata does
        json_extract_string(_landing_metadata, '$.account') as account,
        strptime(date, '%Y-%m-%d')::date as report_date,
        name as social_name,
        clicks_total::bigint as clicks,
        -- the profile's views over the whole capture window, on every row
        views_total::bigint as window_profile_views,
        {{ linktree_exported_at() }} as exported_at,
        _source_file,
        _sha256,
        _batch_id,
        _row_number,
        _landed_at,
        _ingested_at
    from source
),

latest_export_per_day as (
    -- captures overlap (7-day and 365-day windows): the newest capture's figures win per
    -- account, social icon and day; days only older captures cover are kept, never deleted
    select * from typed
    qualify
        row_number() over (
            partition by account, social_name, report_date
            order by exported_at desc, _source_file desc, _row_number desc
        ) = 1
)

select * from latest_export_per_day
