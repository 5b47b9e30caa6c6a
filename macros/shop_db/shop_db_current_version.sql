{#- The `qualify` that keeps a row's current version: the application's newest `updated_at`
    for `key`, and of two reads of the same version, the newer snapshot's. -#}
{% macro shop_db_current_version(key) -%}
{{ latest_export(partition_by=[key], order_by=['updated_at desc', 'snapshot_at desc']) }}
{%- endmacro %}
