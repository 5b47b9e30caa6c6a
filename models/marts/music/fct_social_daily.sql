{#- One row per platform, account, video and day. Neither source gives per-video figures
    per day (TikTok's and YouTube's per-video figures are running totals: see
    fct_social_video_totals), so every row today is an account-level row carrying the
    sentinel video id; per-video daily rows would come with `grain_level = 'video'`. -#}

with

tiktok_days as (
    select
        account,
        report_date,
        video_views,
        profile_views,
        likes,
        comments,
        shares
    from {{ ref('stg_tiktok__overview') }}
),

youtube_days as (
    select
        account,
        report_date,
        views,
        likes,
        comments,
        shares,
        estimated_minutes_watched,
        subscribers_gained,
        subscribers_lost
    from {{ ref('stg_youtube__channel_daily') }}
),

tiktok as (
    select
        'tiktok' as platform,
        account,
        '__account__' as video_id,
        report_date,
        'account' as grain_level,
        video_views as views,
        profile_views,
        likes,
        comments,
        shares,
        null::bigint as minutes_watched,
        null::bigint as subscribers_gained,
        null::bigint as subscribers_lost
    from tiktok_days
),

youtube as (
    select
        'youtube' as platform,
        account,
        '__account__' as video_id,
        report_date,
        'account' as grain_level,
        views,
        null::bigint as profile_views,
        likes,
        comments,
        shares,
        estimated_minutes_watched as minutes_watched,
        subscribers_gained,
        subscribers_lost
    from youtube_days
),

final as (
    select * from tiktok
    union all
    select * from youtube
)

select * from final
