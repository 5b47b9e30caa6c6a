with

source as (
    select * from {{ source('distrokid', 'apple_music_monthly') }}
),

typed as (
    select
        json_extract_string(_landing_metadata, '$.account') as account,
        field as month_label,
        -- Apple's months are written MM-YY (`09-24` = September 2024)
        strptime(field, '%m-%y')::date as month_start,
        value::bigint as streams,
        _layout,
        _source_file,
        _sha256,
        _batch_id,
        _row_number,
        _landed_at,
        _ingested_at
    from source
),

flagged as (
    select
        *,
        -- a page's first month usually starts before its 365-day window does: partial
        month_start = min(month_start) over (partition by _sha256) as is_window_start
    from typed
),

latest_export as (
    -- per account and month the newest page wins, except that a complete month (from any page)
    -- beats the partial first month of a newer page's window; months only older pages cover
    -- are kept
    select * from flagged
    qualify
        row_number() over (
            partition by account, month_start
            order by
                is_window_start asc,
                _landed_at desc,
                _source_file desc,
                _row_number desc
        ) = 1
)

select * from latest_export
