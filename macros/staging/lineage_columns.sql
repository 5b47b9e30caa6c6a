{#- The six lineage columns every staging model passes through from raw (where the row came
    from, and when it was landed and ingested), as the last items of a select list. -#}
{% macro lineage_columns(relation=none) -%}
{%- set prefix = relation ~ '.' if relation else '' -%}
{%- for column in ['_source_file', '_sha256', '_batch_id', '_row_number', '_landed_at', '_ingested_at'] -%}
{{ prefix }}{{ column }}{{ ',\n' if not loop.last }}
{%- endfor -%}
{%- endmacro %}
