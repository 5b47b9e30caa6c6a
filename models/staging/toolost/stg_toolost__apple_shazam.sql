-- Shazams per account and day. Shazam counts are JSON strings, under the key `streams`. Each
-- response covers a rolling window that overlaps the previous ones: per account and day the
-- newest export wins (macro `daily_series_per_account`).
{{ daily_series_per_account(source('toolost', 'apple_shazam'), day='shazam_date', columns=[
    'date::date as shazam_date',
    'streams::bigint as shazams',
]) }}
