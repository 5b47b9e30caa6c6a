{#- The raw bank-details rows of each account's newest export, read from the raw zone
    directly (not through staging), with earnings as DECIMAL(18, 8): what the
    reconciliation tests compare staging and the royalty mart with. The newest export is
    found here with max() (greatest export time, `distrokid_exported_at`, then greatest
    `_source_file`), apart from the staging model's window function. -#}
{% macro distrokid_latest_raw_earnings() -%}
with

raw_rows as (
    select
        {{ landing_account() }} as account,
        _source_file,
        {{ distrokid_exported_at() }} as exported_at,
        "Earnings (USD)"::decimal(18, 8) as earnings_usd
    from {{ source('distrokid', 'bank_details') }}
),

latest_landing as (
    select
        account,
        max(exported_at) as exported_at
    from raw_rows
    group by account
),

latest_file as (
    select
        raw_rows.account,
        max(raw_rows._source_file) as source_file
    from raw_rows
    inner join latest_landing
        on
            raw_rows.account is not distinct from latest_landing.account
            and raw_rows.exported_at = latest_landing.exported_at
    group by raw_rows.account
)

select raw_rows.earnings_usd
from raw_rows
inner join latest_file
    on
        raw_rows.account is not distinct from latest_file.account
        and raw_rows._source_file = latest_file.source_file
{%- endmacro %}
