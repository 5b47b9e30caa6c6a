{#- Like dbt's `relationships`, on a subset: fails on every child row (matching
    `from_condition`) whose non-null `column_name` has no parent row in `to` (matching
    `to_condition`) with that `field`. -#}
{% test relationships_where(model, column_name, to, field, from_condition="true", to_condition="true") %}

with

children as (
    select {{ column_name }} as child_key
    from {{ model }}
    where {{ column_name }} is not null and ({{ from_condition }})
),

parents as (
    select {{ field }} as parent_key
    from {{ to }}
    where {{ to_condition }}
)

select children.child_key
from children
left join parents
    on children.child_key = parents.parent_key
where parents.parent_key is null

{% endtest %}
