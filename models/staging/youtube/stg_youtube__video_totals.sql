-- Totals per video over the report's window: the analytics reports whose only dimension is
-- `video`. Per account and video the newest export wins (the report's window is a request
-- parameter the response does not carry: the totals are as of the newest export; macro
-- `youtube_report`, the metric columns are `youtube_report_metrics`).
-- The API's camelCase names must be quoted to keep their case readable, and some of
-- its metric names (comments, shares) are SQL keywords.
-- noqa: disable=RF04,RF06
{{ youtube_report(
    source('youtube', 'analytics_report'), dimensions=['video'], key='video_id', columns=[
        'video as video_id',
    ]
) }}
