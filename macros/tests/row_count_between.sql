{#- Fails (one row) when the model's row count is below `min_value` or above `max_value`
    (bounds inclusive; either may be omitted). -#}
{% test row_count_between(model, min_value=none, max_value=none) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error(
        "row_count_between on " ~ model ~ ": give min_value, max_value or both"
    ) }}
{%- endif -%}

with

counted as (
    select count(*) as n_rows
    from {{ model }}
)

select *
from counted
where
    false
    {%- if min_value is not none %}
        or n_rows < {{ min_value }}
    {%- endif %}
    {%- if max_value is not none %}
        or n_rows > {{ max_value }}
    {%- endif %}

{% endtest %}
