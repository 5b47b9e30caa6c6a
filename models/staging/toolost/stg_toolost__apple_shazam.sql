with

source as (
    select * from {{ source('toolost', 'apple_shazam') }}
),

typed as (
    select
        {{ landing_account() }} as account,
        date::date as shazam_date,
        -- Shazam counts are JSON strings, under the key `streams`
        streams::bigint as shazams,
        _layout,
        {{ lineage_columns() }}
    from source
),

latest_export as (
    -- each response covers a rolling window that overlaps the previous ones: per account and
    -- day the newest export wins (corrections replace older figures); days only older
    -- exports cover are kept, days no export covers stay missing
    select * from typed
    {{ latest_export(partition_by=['account', 'shazam_date']) }}
)

select * from latest_export
