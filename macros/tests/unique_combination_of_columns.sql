{#- Fails once per combination of `combination_of_columns` that occurs on more than one row.
    Nulls compare equal (two rows with the same nulls are duplicates). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- if combination_of_columns is string or combination_of_columns | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        "unique_combination_of_columns on " ~ model ~ ": give a list of column names"
    ) }}
{%- endif -%}

select
    {% for column in combination_of_columns -%}
        {{ column }},
    {% endfor -%}
    count(*) as n_rows
from {{ model }}
group by all
having count(*) > 1

{% endtest %}
