-- The channel's monthly totals: the analytics reports whose only dimension is `month`. Per
-- account and month the newest export wins (a month still running grows with each export);
-- months only older exports cover are kept (macro `youtube_report`; the metric columns are
-- `youtube_report_metrics`).
-- The API's camelCase names must be quoted to keep their case readable, and some of
-- its metric names (comments, shares) are SQL keywords.
-- noqa: disable=RF04,RF06
{{ youtube_report(
    source('youtube', 'analytics_report'), dimensions=['month'], key='report_month', columns=[
        "strptime(month, '%Y-%m')::date as report_month",
    ]
) }}
