-- Views and clicks per country over the capture's window (captures are not additive): the
-- newest capture per account (macro `linktree_breakdown`).
{{ linktree_breakdown('countries', columns=[
    'name as country_name',
    '"countryCode" as country_code',
]) }}
