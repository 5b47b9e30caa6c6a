with

source as (
    select * from {{ source('toolost', 'spotify_discovery') }}
),

typed as (
    select
        json_extract_string(_landing_metadata, '$.account') as account,
        date::date as discovery_month,
        streams::bigint as streams,
        -- the Discovery Mode fee, USD, exact to 8 decimals
        fees::decimal(18, 8) as fees_usd,
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
    -- per account and month the newest export wins; months only older exports cover are kept
    select * from typed
    qualify
        row_number() over (
            partition by account, discovery_month
            order by _landed_at desc, _source_file desc, _row_number desc
        ) = 1
)

select * from latest_export
