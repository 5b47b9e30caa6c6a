with

source as (
    select * from {{ source('tiktok', 'video_stats') }}
),

typed as (
    select
        id as video_id,
        -- `video_<id>.json` does not name the account: only the landing metadata does
        {{ landing_account() }} as account,
        make_timestamp(create_time::bigint * 1000000) as created_at,
        "desc" as caption,
        title as video_title,
        duration::integer as duration_seconds,
        views::bigint as views,
        likes::bigint as likes,
        comments::bigint as comments,
        shares::bigint as shares,
        share_url,
        cover_image_url,
        -- the file carries no export time: it was taken when it was landed
        _landed_at as exported_at,
        _landed_at::date as snapshot_date,
        {{ lineage_columns() }}
    from source
),

latest_snapshot_per_video as (
    -- each file is a snapshot of a video's running totals: the newest one per video wins
    select * from typed
    {{ latest_export(partition_by='video_id', order_by='exported_at desc') }}
)

select * from latest_snapshot_per_video
