{#- Where a node lands, by the folder it lives in, so that adding a domain is adding folders:
      models/marts/<domain>/...        -> schema <domain> (`music`, `shop`)
      models/intermediate/<domain>/... -> schema `intermediate`
      any node with a custom `schema`  -> that schema exactly as written (`staging`,
                                          `snapshots`, `seeds`), never `<target>_<custom>`
    Anything else lands in the target schema (`main`). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set fqn = node.fqn if node is not none and node.fqn is defined else [] -%}
    {%- if custom_schema_name is not none -%}
        {{ custom_schema_name | trim }}
    {%- elif node.resource_type == 'model' and fqn | length > 3 and fqn[1] == 'marts' -%}
        {{ fqn[2] | trim }}
    {%- elif node.resource_type == 'model' and fqn | length > 2 and fqn[1] == 'intermediate' -%}
        intermediate
    {%- else -%}
        {{ target.schema | trim }}
    {%- endif -%}
{%- endmacro %}
