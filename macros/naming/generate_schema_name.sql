{#- Custom schemas are used exactly as written (`staging`, `curated`, `snapshots`, `seeds`),
    not prefixed with the target schema (dbt's default would give `main_staging`). Models
    without a custom schema land in the target schema (`main`). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
