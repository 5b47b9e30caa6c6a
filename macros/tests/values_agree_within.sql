{#- Fails on every row where `column_a` and `column_b` differ by more than `tolerance`
    (absolute), or by more than `tolerance` times the larger magnitude when `relative` is
    true. A row where either value is null passes (e.g. a ratio with a zero denominator):
    pair with not_null where both must be set. -#}
{% test values_agree_within(model, column_a, column_b, tolerance, relative=false) %}

{%- if tolerance is none or tolerance < 0 -%}
    {{ exceptions.raise_compiler_error(
        "values_agree_within on " ~ model ~ ": give a tolerance >= 0"
    ) }}
{%- endif -%}

select
    *,
    abs(({{ column_a }})::double - ({{ column_b }})::double) as difference
from {{ model }}
where
    ({{ column_a }}) is not null
    and ({{ column_b }}) is not null
    and abs(({{ column_a }})::double - ({{ column_b }})::double)
    {%- if relative %}
        > {{ tolerance }} * greatest(abs(({{ column_a }})::double), abs(({{ column_b }})::double))
    {%- else %}
        > {{ tolerance }}
    {%- endif %}

{% endtest %}
