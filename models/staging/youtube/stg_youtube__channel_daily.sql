-- The channel's daily totals: the analytics reports whose only dimension is `day`.
-- Overlapping windows: per account and day the newest export wins; older exports keep the
-- days newer ones do not cover, and a day no export covers stays missing (macro
-- `youtube_report`; the metric columns are `youtube_report_metrics`).
-- The API's camelCase names must be quoted to keep their case readable, and some of
-- its metric names (comments, shares) are SQL keywords.
-- noqa: disable=RF04,RF06
{{ youtube_report(
    source('youtube', 'analytics_report'), dimensions=['day'], key='report_date', columns=[
        "strptime(day, '%Y-%m-%d')::date as report_date",
    ]
) }}
