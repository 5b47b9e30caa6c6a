with

source as (
    select * from {{ source('distrokid', 'apple_music_daily') }}
),

typed as (
    select
        json_extract_string(_landing_metadata, '$.account') as account,
        field::date as stream_date,
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
    -- the page shows the last 365 days: per account and day the newest page wins; days
    -- only older pages cover are kept, days no page covers stay missing
    select * from typed
    qualify
        row_number() over (
            partition by account, stream_date
            order by _landed_at desc, _source_file desc, _row_number desc
        ) = 1
)

select * from latest_export
