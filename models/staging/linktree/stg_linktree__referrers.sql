-- Views and clicks per referrer over the capture's window (captures are not additive): the
-- newest capture per account (macro `linktree_breakdown`).
{{ linktree_breakdown('referrers', columns=['name as referrer_name']) }}
