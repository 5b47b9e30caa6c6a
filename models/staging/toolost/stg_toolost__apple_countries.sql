with

source as (
    select * from {{ source('toolost', 'apple_countries') }}
),

typed as (
    select
        json_extract_string(_landing_metadata, '$.account') as account,
        country as country_code,
        streams::bigint as streams,
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
    -- totals over the response's window: per account only the newest export is kept
    select * from typed
    qualify
        dense_rank() over (
            partition by account
            order by _landed_at desc, _source_file desc
        ) = 1
)

select * from latest_export
