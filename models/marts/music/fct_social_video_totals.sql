{#- Running totals per video, as of the newest snapshot: never summed across snapshots or
    added to fct_social_daily (they cover a video's whole life or a report window). -#}

with

tiktok_videos as (
    select
        account,
        video_id,
        video_title,
        caption,
        created_at,
        duration_seconds,
        views,
        likes,
        comments,
        shares,
        snapshot_date
    from {{ ref('stg_tiktok__video_stats') }}
),

youtube_api_videos as (
    select
        account,
        video_id,
        views,
        likes,
        comments,
        shares,
        estimated_minutes_watched,
        _landed_at
    from {{ ref('stg_youtube__video_totals') }}
),

youtube_studio_videos as (
    select
        account,
        video_id,
        video_title,
        published_date,
        duration_seconds,
        views,
        watch_time_hours,
        _landed_at
    from {{ ref('stg_youtube__studio_video_totals') }}
),

tiktok as (
    select
        'tiktok' as platform,
        account,
        video_id,
        snapshot_date,
        'tiktok_video_stats' as source_report,
        coalesce(nullif(video_title, ''), caption) as video_title,
        created_at::date as published_date,
        duration_seconds,
        views,
        likes,
        comments,
        shares,
        null::decimal(18, 4) as minutes_watched
    from tiktok_videos
),

youtube_api as (
    select
        'youtube' as platform,
        youtube_api_videos.account,
        youtube_api_videos.video_id,
        youtube_api_videos._landed_at::date as snapshot_date,
        'youtube_analytics_by_video' as source_report,
        youtube_studio_videos.video_title,
        youtube_studio_videos.published_date,
        youtube_studio_videos.duration_seconds,
        youtube_api_videos.views,
        youtube_api_videos.likes,
        youtube_api_videos.comments,
        youtube_api_videos.shares,
        youtube_api_videos.estimated_minutes_watched::decimal(18, 4) as minutes_watched
    from youtube_api_videos
    left join youtube_studio_videos
        on
            youtube_api_videos.account = youtube_studio_videos.account
            and youtube_api_videos.video_id = youtube_studio_videos.video_id
),

youtube_studio_only as (
    -- Studio downloads count only for videos the Analytics API reports do not list (one
    -- row per video: the two reports' windows differ, so they are never added)
    select
        'youtube' as platform,
        studio.account,
        studio.video_id,
        studio._landed_at::date as snapshot_date,
        'youtube_studio_table_data' as source_report,
        studio.video_title,
        studio.published_date,
        studio.duration_seconds,
        studio.views,
        null::bigint as likes,
        null::bigint as comments,
        null::bigint as shares,
        (studio.watch_time_hours * 60)::decimal(18, 4) as minutes_watched
    from youtube_studio_videos as studio
    anti join youtube_api_videos as api
        on
            studio.account = api.account
            and studio.video_id = api.video_id
),

final as (
    select * from tiktok
    union all
    select * from youtube_api
    union all
    select * from youtube_studio_only
)

select * from final
