-- Views and clicks per device class over the capture's window (captures are not additive):
-- the newest capture per account (macro `linktree_breakdown`).
{{ linktree_breakdown('devices', columns=['name as device_class']) }}
