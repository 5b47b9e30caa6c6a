{#- The window order that picks the newest export: `order_by` first (default: the newest
    landing), then the tie-breakers `_source_file desc` and, when one row is kept per key,
    `_row_number desc`, so the pick never depends on the order rows are read in. -#}
{% macro latest_export_order(order_by=none, keep='row') -%}
{%- set order_by = ['_landed_at desc'] if order_by is none else order_by -%}
{%- set order_by = [order_by] if order_by is string else order_by -%}
{%- set tie_breakers = ['_source_file desc'] + (['_row_number desc'] if keep == 'row' else []) -%}
{{ (order_by + tie_breakers | reject('in', order_by) | list) | join(', ') }}
{%- endmacro %}

{#- dense_rank() of a row's export among the exports of its partition: 1 = the newest. -#}
{% macro export_rank(partition_by=[], order_by=none) -%}
{%- set partition_by = [partition_by] if partition_by is string else partition_by -%}
dense_rank() over (
    {%- if partition_by %} partition by {{ partition_by | join(', ') }}{% endif %}
    order by {{ latest_export_order(order_by, keep='export') }}
)
{%- endmacro %}

{#- The `qualify` clause of the latest-export rule.
    keep='row': one row per `partition_by` key, from the newest export that has the key
    (older exports keep the keys newer ones do not cover).
    keep='export': every row of the newest export per `partition_by` (an export replaces
    the older ones as a whole). -#}
{% macro latest_export(partition_by=[], order_by=none, keep='row') -%}
{%- if keep not in ['row', 'export'] -%}
{{ exceptions.raise_compiler_error("latest_export: keep must be 'row' or 'export', not " ~ keep) }}
{%- endif -%}
{%- set partition_by = [partition_by] if partition_by is string else partition_by -%}
{%- if keep == 'export' -%}
qualify {{ export_rank(partition_by, order_by) }} = 1
{%- else -%}
qualify row_number() over (
    {%- if partition_by %} partition by {{ partition_by | join(', ') }}{% endif %}
    order by {{ latest_export_order(order_by, keep='row') }}
) = 1
{%- endif -%}
{%- endmacro %}
