with

source as (
    select * from {{ source('linktree', 'socials') }}
),

typed as (
    select
        -- Linktree's responses do not name the account: only the landing metadata does
        json_extract_string(_landing_metadata, '$.account') as account,
        name as social_name,
        clicks_total::bigint as clicks,
        -- the profile's views over the capture window, on every row
        views_total::bigint as window_profile_views,
        {{ linktree_exported_at() }} as exported_at,
        exported_at::date as snapshot_date,
        _source_file,
        _sha256,
        _batch_id,
        _row_number,
        _landed_at,
        _ingested_at
    from source
),

latest_capture_per_account as (
    -- the figures cover the capture's window (captures are not additive):
    -- the newest capture per account is the current picture
    select * from typed
    qualify
        dense_rank() over (
            partition by account
            order by exported_at desc, _source_file desc
        ) = 1
)

select * from latest_capture_per_account
