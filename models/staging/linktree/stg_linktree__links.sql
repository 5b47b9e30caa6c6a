-- Clicks per link over the capture's window (captures are not additive), with Linktree's
-- breakdown as JSON: the newest capture per account (macro `linktree_capture`).
{{ linktree_capture('links', columns=[
    'id as link_id',
    'clicks_total::bigint as clicks',
    'breakdown as breakdown_json',
]) }}
