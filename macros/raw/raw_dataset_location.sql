{#- The raw-zone location of one dataset, as a DuckDB table function call:

        read_parquet('<LAKE_ROOT>/raw/_source=<source>/_dataset=<dataset>/*/*.parquet',
            hive_partitioning = true, union_by_name = true)

    dbt sources get the same string from `sources: +meta: external_location` in
    dbt_project.yml (dbt-duckdb cannot call project macros from YAML); this macro is for SQL
    that reads raw without a source (analyses, ad hoc checks), and the singular test
    `assert_sources_read_the_raw_zone` proves the two agree for every source. -#}
{% macro raw_dataset_location(source_name, dataset_name, lake_root=none) -%}
    {%- set root = lake_root if lake_root is not none else env_var('LAKE_ROOT', flags.PROFILES_DIR ~ '/datalake') -%}
    read_parquet('{{ root }}/raw/_source={{ source_name }}/_dataset={{ dataset_name }}/*/*.parquet', hive_partitioning = true, union_by_name = true)
{%- endmacro %}
