{#- `ref()` without the database name: `staging.stg_x`, not `"build"."staging"."stg_x"`.
    The build database (`build.duckdb`) is published by copying it (to `lake.duckdb`), and a
    view whose SQL names the catalog `build` would not resolve in the published file, nor
    when a reader attaches it under another alias. Schema-qualified names resolve in the
    view's own database. -#}
{% macro ref() -%}
    {%- set relation = builtins.ref(*varargs, **kwargs) -%}
    {%- if relation is none or relation is string -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return(relation.include(database=false)) }}
{%- endmacro %}
