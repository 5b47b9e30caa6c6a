-- Totals per country over the report's window: the analytics reports whose only dimension is
-- `country`. Per account and country the newest export wins (totals as of the newest
-- export; macro `youtube_report`, the metric columns are `youtube_report_metrics`).
-- The API's camelCase names must be quoted to keep their case readable, and some of
-- its metric names (comments, shares) are SQL keywords.
-- noqa: disable=RF04,RF06
{{ youtube_report(
    source('youtube', 'analytics_report'), dimensions=['country'], key='country_code', columns=[
        'country as country_code',
    ]
) }}
