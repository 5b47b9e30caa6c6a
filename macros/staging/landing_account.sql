{#- A value of the landing metadata (`lake land --account ...` and the extractors write it),
    with an optional SQL fallback for files landed without it. -#}
{% macro landing_metadata(key, fallback=none) -%}
{%- if fallback is none -%}
json_extract_string(_landing_metadata, '$.{{ key }}')
{%- else -%}
coalesce(json_extract_string(_landing_metadata, '$.{{ key }}'), {{ fallback }})
{%- endif -%}
{%- endmacro %}

{#- The account a row was landed for, never null: the landing metadata's `account`, else
    `fallback` (what the file itself says: a part of its name, a field of its content), else
    the configured default account (`LAKE_DEFAULT_ACCOUNT`, default `default`), so a file
    landed without `--account` (the README's `make fixtures`) still belongs to one account. -#}
{% macro landing_account(fallback=none) -%}
{%- set default = "'" ~ default_account() ~ "'" -%}
{{ landing_metadata('account', default if fallback is none else fallback ~ ', ' ~ default) }}
{%- endmacro %}

{#- The account of files landed without one: `LAKE_DEFAULT_ACCOUNT`, default `default`. -#}
{% macro default_account() -%}
{{ env_var('LAKE_DEFAULT_ACCOUNT', 'default') | replace("'", "''") }}
{%- endmacro %}

{#- The first capture group of `pattern` in the landing file's path, null when it does not
    match: the fallback for files a person downloaded and landed by hand. -#}
{% macro source_file_part(pattern) -%}
nullif(regexp_extract(_source_file, '{{ pattern }}', 1), '')
{%- endmacro %}

{#- When the file was exported, from a time stamp in its name: the first capture group of
    `pattern` parsed with `format`, else the landing time (a renamed file states nothing
    else). -#}
{% macro file_name_time(pattern, format) -%}
coalesce(
    try_strptime(regexp_extract(_source_file, '{{ pattern }}', 1), '{{ format }}'),
    _landed_at
)
{%- endmacro %}
