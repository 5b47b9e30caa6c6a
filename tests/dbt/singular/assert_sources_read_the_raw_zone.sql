-- Every source compiles to the raw-zone location the `raw_dataset_location` macro gives:
-- the project-wide `external_location` in dbt_project.yml and the macro must not drift.
-- One row per source whose compiled relation differs.
{{ config(tags=['convention']) }}

{%- set mismatches = [] -%}
{%- for node in graph.sources.values() if node.package_name == project_name -%}
{%- set compiled = source(node.source_name, node.name) | string -%}
{%- set expected = raw_dataset_location(node.schema, node.identifier) | trim -%}
{%- if compiled != expected -%}
{%- do mismatches.append((node.unique_id, compiled | replace("'", "''"))) -%}
{%- endif -%}
{%- endfor %}

with

mismatches as (
    select
        null::varchar as source_id,
        null::varchar as compiled_relation
    where false
    {%- for unique_id, compiled in mismatches %}
    union all
    select
        '{{ unique_id }}' as source_id,
        '{{ compiled }}' as compiled_relation
    {%- endfor %}
)

select * from mismatches
