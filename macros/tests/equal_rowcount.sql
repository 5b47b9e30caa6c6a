{#- Fails (one row) when the model and `compare_model` have different row counts. -#}
{% test equal_rowcount(model, compare_model) %}

with

model_count as (
    select count(*) as n_rows
    from {{ model }}
),

compare_count as (
    select count(*) as n_rows
    from {{ compare_model }}
)

select
    model_count.n_rows as model_rows,
    compare_count.n_rows as compare_rows
from model_count
cross join compare_count
where model_count.n_rows != compare_count.n_rows

{% endtest %}
