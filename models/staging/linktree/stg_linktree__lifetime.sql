-- The profile's lifetime totals: they only grow, and each capture restates them, so the
-- newest capture per account is the current picture (macro `linktree_capture`).
-- Linktree's click-through rate is clicks / views as it reports it: it can exceed 1.
{{ linktree_capture('lifetime', columns=[
    'views_total::bigint as total_views',
    'clicks_total::bigint as total_clicks',
    'clicks_profile::bigint as link_clicks',
    'clicks_socials::bigint as social_clicks',
    'subscribers_total::bigint as total_subscribers',
    '"clickThroughRate"::double as click_through_rate',
    'payments as payments_json',
]) }}
