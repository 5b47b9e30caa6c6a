{#- When a Linktree GraphQL answer was captured: the time in the extractor's file name
    (graphql_<YYYYMMDD_HHMMSS_micro>.json), else the landing time (a file dropped by hand). -#}
{% macro linktree_exported_at() -%}
{{ file_name_time('graphql_(\d{8}_\d{6}_\d{6})\.json$', '%Y%m%d_%H%M%S_%f') }}
{%- endmacro %}
