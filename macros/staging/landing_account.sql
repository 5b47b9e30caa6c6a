{#- A value of the landing metadata (`lake land --account ...` and the extractors write it),
    with an optional SQL fallback for files landed without it. -#}
{% macro landing_metadata(key, fallback=none) -%}
{%- if fallback is none -%}
json_extract_string(_landing_metadata, '$.{{ key }}')
{%- else -%}
coalesce(json_extract_string(_landing_metadata, '$.{{ key }}'), {{ fallback }})
{%- endif -%}
{%- endmacro %}

{#- The account a row was landed for: the landing metadata's `account`, else `fallback`. -#}
{% macro landing_account(fallback=none) -%}
{{ landing_metadata('account', fallback) }}
{%- endmacro %}

{#- The first capture group of `pattern` in the landing file's path, null when it does not
    match: the fallback for files a person downloaded and landed by hand. -#}
{% macro source_file_part(pattern) -%}
nullif(regexp_extract(_source_file, '{{ pattern }}', 1), '')
{%- endmacro %}
