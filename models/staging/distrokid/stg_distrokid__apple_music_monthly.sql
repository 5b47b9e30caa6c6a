-- Apple Music streams per account and month from the stats page. Apple's months are written
-- MM-YY (`09-24` = September 2024). The page's first month is usually partial: per account
-- and month the newest page wins, but a complete month beats a newer page's partial first
-- one (macro `distrokid_partial_first_period`, which adds `is_window_start`).
{{ distrokid_partial_first_period(
    source('distrokid', 'apple_music_monthly'), period='month_start', columns=[
        'field as month_label',
        "strptime(field, '%m-%y')::date as month_start",
        'value::bigint as streams',
    ]
) }}
