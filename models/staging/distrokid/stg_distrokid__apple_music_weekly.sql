-- Apple Music streams per account and week from the stats page. Weeks are written WW/YY, ISO
-- weeks (Monday to Sunday) numbered from the Monday of ISO week 1 of 20YY: `53/24` is the
-- week from Monday 2024-12-30. The page's first week is usually partial: per account and
-- week the newest page wins, but a complete week beats a newer page's partial first one
-- (macro `distrokid_partial_first_period`, which adds `is_window_start`).
{% set week_start -%}
date_trunc('week', make_date(2000 + split_part(field, '/', 2)::integer, 1, 4))::date
        + (split_part(field, '/', 1)::integer - 1) * 7
{%- endset %}
{{ distrokid_partial_first_period(
    source('distrokid', 'apple_music_weekly'), period='week_start', columns=[
        'field as week_label',
        "split_part(field, '/', 1)::integer as week_number",
        week_start ~ ' as week_start',
        'value::bigint as streams',
    ]
) }}
