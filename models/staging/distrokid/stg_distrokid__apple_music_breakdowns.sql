with

source as (
    select * from {{ source('distrokid', 'apple_music_breakdowns') }}
),

typed as (
    select
        json_extract_string(_landing_metadata, '$.account') as account,
        series as breakdown,
        field as item,
        id as item_id,
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

latest_export as (
    -- one-year totals over a rolling window: an older page's totals are not part of the
    -- newer one's, so per account only the newest page is kept
    select * from typed
    qualify
        dense_rank() over (
            partition by account
            order by _landed_at desc, _source_file desc
        ) = 1
)

select * from latest_export
