with

source as (
    select * from {{ source('toolost', 'apple_tracks') }}
),

typed as (
    select
        json_extract_string(_landing_metadata, '$.account') as account,
        isrc,
        track as track_title,
        release as release_title,
        cover as cover_url,
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
    -- totals over the response's window, which rolls: an older export's totals are not a
    -- part of the newer one's, so per account only the newest export is kept (a track with
    -- no streams in the newest window is absent, not stale)
    select * from typed
    qualify
        dense_rank() over (
            partition by account
            order by _landed_at desc, _source_file desc
        ) = 1
)

select * from latest_export
