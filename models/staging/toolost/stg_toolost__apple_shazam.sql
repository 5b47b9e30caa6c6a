with

source as (
    select * from {{ source('toolost', 'apple_shazam') }}
),

typed as (
    select
        json_extract_string(_landing_metadata, '$.account') as account,
        date::date as shazam_date,
        -- Shazam counts are JSON strings, under the key `streams`
        streams::bigint as shazams,
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
    -- each response covers a rolling window that overlaps the previous ones: per account and
    -- day the newest export wins (corrections replace older figures); days only older
    -- exports cover are kept, days no export covers stay missing
    select * from typed
    qualify
        row_number() over (
            partition by account, shazam_date
            order by _landed_at desc, _source_file desc, _row_number desc
        ) = 1
)

select * from latest_export
