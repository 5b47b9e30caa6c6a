{#- Fails (one row) when the model has no rows. -#}
{% test not_empty(model) %}

with

counted as (
    select count(*) as n_rows
    from {{ model }}
)

select *
from counted
where n_rows = 0

{% endtest %}
