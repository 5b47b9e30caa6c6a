-- Apple Music streams per account and day. Apple's stream counts are JSON integers (text in
-- raw). Each response covers a rolling window that overlaps the previous ones: per account
-- and day the newest export wins (macro `daily_series_per_account`).
{{ daily_series_per_account(source('toolost', 'apple_streams'), day='stream_date', columns=[
    'date::date as stream_date',
    'streams::bigint as streams',
]) }}
