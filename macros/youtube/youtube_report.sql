{#- The dimensions a YouTube Analytics API report can be broken down by (the raw columns of
    `source('youtube', 'analytics_report')`, which holds every report). -#}
{% macro youtube_report_dimension_columns() -%}
{{ return([
    'day', 'month', 'video', 'country', '"insightTrafficSourceType"', '"deviceType"',
    '"ageGroup"', 'gender', '"subscribedStatus"', '"creatorContentType"',
]) }}
{%- endmacro %}

{#- SQL condition selecting the analytics-report rows whose dimension set is exactly
    `dimensions`: those set, every other dimension null. -#}
{% macro youtube_report_dimensions(dimensions) -%}
{%- set dimensions = [dimensions] if dimensions is string else dimensions -%}
{%- set unknown = dimensions | reject('in', youtube_report_dimension_columns()) | list -%}
{%- if unknown or not dimensions -%}
{{ exceptions.raise_compiler_error("youtube_report_dimensions: unknown or no dimensions " ~ unknown) }}
{%- endif -%}
{%- set others = youtube_report_dimension_columns() | reject('in', dimensions) | list -%}
{%- for dimension in dimensions -%}
{{ dimension }} is not null and {% endfor -%}
coalesce({{ others | join(', ') }}) is null
{%- endmacro %}

{#- A whole staging model for one kind of YouTube Analytics report: the rows of `relation`
    whose dimensions are exactly `dimensions`, typed (`account`, the model's `columns`, the
    report metrics, `_layout`, the lineage), then per account and `key` the newest export
    wins. -#}
{% macro youtube_report(relation, dimensions, key, columns) -%}
{{ latest_per_account_and_key(
    relation,
    key,
    columns + [youtube_report_metrics()],
    where=youtube_report_dimensions(dimensions),
) }}
{%- endmacro %}
