-- Apple Music streams per account and day from the stats page. The page shows the last 365
-- days: per account and day the newest page wins (macro `daily_series_per_account`).
{{ daily_series_per_account(source('distrokid', 'apple_music_daily'), day='stream_date', columns=[
    'field::date as stream_date',
    'value::bigint as streams',
]) }}
