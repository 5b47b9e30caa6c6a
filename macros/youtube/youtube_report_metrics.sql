{#- The metric columns of a YouTube Analytics report, renamed and typed: the same list in
    every report staging model (by day, month, video or country). -#}
{% macro youtube_report_metrics() -%}
views::bigint as views,
"estimatedMinutesWatched"::bigint as estimated_minutes_watched,
"averageViewDuration"::bigint as average_view_duration_seconds,
"averageViewPercentage"::double as average_view_percentage,
"subscribersGained"::bigint as subscribers_gained,
"subscribersLost"::bigint as subscribers_lost,
likes::bigint as likes,
dislikes::bigint as dislikes,
comments::bigint as comments,
shares::bigint as shares,
"videoThumbnailImpressions"::bigint as thumbnail_impressions,
-- kept as the API writes it: the sample reports do not show whether it is a
-- percentage or a fraction (Studio's CSV uses percent)
"videoThumbnailImpressionsClickRate"::double as thumbnail_impressions_click_rate,
"estimatedRevenue"::decimal(18, 6) as estimated_revenue_usd
{%- endmacro %}
