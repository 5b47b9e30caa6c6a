{#- One row per platform, account and day: every figure is the whole account's (neither
    source gives per-video figures per day; TikTok's and YouTube's per-video figures are
    running totals: see fct_social_video_totals). No sentinel or constant column: summing
    views over accounts and days never double counts. -#}

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
        report_date,
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
        report_date,
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
