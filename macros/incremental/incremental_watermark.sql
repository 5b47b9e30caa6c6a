{#- The newest `column` value the model's published table holds, as a SQL literal, for an
    incremental run's filter: `where _ingested_at > {{ incremental_watermark() }}`.
    A literal, not a subquery, so DuckDB can skip raw Parquet row groups by their statistics.
    An empty table (or a full build) gives `-infinity`: every row is new. -#}
{% macro incremental_watermark(column='_ingested_at', where=none) -%}
    {%- set value = none -%}
    {%- if execute and is_incremental() -%}
        {%- set query -%}
            select max({{ column }})::varchar from {{ this }}{% if where %} where {{ where }}{% endif %}
        {%- endset -%}
        {%- set value = run_query(query).columns[0].values()[0] -%}
    {%- endif -%}
    {{- "'" ~ value ~ "'::timestamp" if value else "'-infinity'::timestamp" -}}
{%- endmacro %}

{#- The `where` clause an incremental model puts on its raw source: only rows ingested after
    the newest its published table holds (nothing in a full build: every row). Rows of a file
    ingested later are all newer than that, whatever day they are about, so corrections of
    old days come through. -#}
{% macro new_raw_rows(column='_ingested_at') -%}
    {%- if is_incremental() -%}
        where {{ column }} > {{ incremental_watermark(column) }}
    {%- endif -%}
{%- endmacro %}
