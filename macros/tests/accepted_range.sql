{#- Fails on every row whose value lies outside [min_value, max_value] (or the open interval
    when `inclusive` is false). Either bound may be omitted; null values pass (pair with
    not_null). Restrict the rows checked with dbt's own `config: {where: ...}`. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error(
        "accepted_range on " ~ model ~ "." ~ column_name ~ ": give min_value, max_value or both"
    ) }}
{%- endif -%}

{%- set lower = ">=" if inclusive else ">" -%}
{%- set upper = "<=" if inclusive else "<" -%}

select *
from {{ model }}
where
    {{ column_name }} is not null
    and not (
        true
        {%- if min_value is not none %}
            and {{ column_name }} {{ lower }} {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
            and {{ column_name }} {{ upper }} {{ max_value }}
        {%- endif %}
    )

{% endtest %}
