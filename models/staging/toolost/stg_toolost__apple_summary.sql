with

source as (
    select * from {{ source('toolost', 'apple_summary') }}
),

typed as (
    select
        json_extract_string(_landing_metadata, '$.account') as account,
        "streamTotal"::bigint as streams_total,  -- noqa: RF06
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
    -- the window's total: per account only the newest export is kept (it reconciles with
    -- the newest export's tracks and countries)
    select * from typed
    qualify
        dense_rank() over (
            partition by account
            order by _landed_at desc, _source_file desc
        ) = 1
)

select * from latest_export
