with

source as (
    select * from {{ source('toolost', 'apple_tracks') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        isrc,
        track as track_title,
        release as release_title,
        cover as cover_url,
        streams::bigint as streams,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- totals over the response's window, which rolls: an older export's totals are not a
    -- part of the newer one's, so per account only the newest export is kept (a track with
    -- no streams in the newest window is absent, not stale)
    select * from typed
    {{ latest_export(partition_by='account', keep='export') }}
)

select * from latest_export
