with

source as (
    select * from {{ source('toolost', 'spotify_streams') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        date::date as stream_date,
        -- Spotify counts are JSON strings: typed here
        streams::bigint as streams,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- each response covers a rolling window that overlaps the previous ones: per account and
    -- day the newest export wins (corrections replace older figures); days only older
    -- exports cover are kept, days no export covers stay missing
    select * from typed
    {{ latest_export(partition_by=['account', 'stream_date']) }}
)

select * from latest_export
