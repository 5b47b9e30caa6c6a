{#- A whole Linktree staging model for a dataset whose figures cover one capture's window
    (not additive across captures): `columns` are the model's own renamed and typed
    columns; the account, the capture time, the snapshot date and the lineage are added;
    per account the newest capture is kept whole. -#}
{% macro linktree_capture(dataset, columns) -%}
with

source as (
    select * from {{ source('linktree', dataset) }}
),

typed as (
    select
        -- Linktree's responses do not name the account: only the landing metadata does
        {{ landing_account() }} as account,
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        {{ linktree_exported_at() }} as exported_at,
        exported_at::date as snapshot_date,
        {{ lineage_columns() }}
    from source
),

latest_capture_per_account as (
    -- the newest capture per account is the current picture
    select * from typed
    {{ latest_export(partition_by='account', order_by='exported_at desc', keep='export') }}
)

select * from latest_capture_per_account
{%- endmacro %}

{#- A Linktree breakdown (views and clicks per country, city, device or referrer over the
    capture's window): `columns` name the breakdown's item; the metrics are the same in
    every breakdown. -#}
{% macro linktree_breakdown(dataset, columns) -%}
{{ linktree_capture(dataset, columns + [
    'views_total::bigint as views',
    'clicks_total::bigint as clicks',
    '"clickThroughRate"::double as click_through_rate',
]) }}
{%- endmacro %}
