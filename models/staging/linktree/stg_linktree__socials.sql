-- Clicks per social icon over the capture's window (captures are not additive), with the
-- profile's views over that window on every row: the newest capture per account (macro
-- `linktree_capture`).
{{ linktree_capture('socials', columns=[
    'name as social_name',
    'clicks_total::bigint as clicks',
    'views_total::bigint as window_profile_views',
]) }}
