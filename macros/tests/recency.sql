{#- Fails (one row) when the newest `field` is older than `interval` `datepart`s before now
    (UTC), or when the model has no rows with a `field` at all. `field` is a TIMESTAMP in UTC
    or a DATE. -#}
{% test recency(model, field, datepart, interval) %}

{%- if datepart not in ["minute", "hour", "day", "week", "month", "year"] -%}
    {{ exceptions.raise_compiler_error(
        "recency on " ~ model ~ ": datepart must be minute, hour, day, week, month or year"
    ) }}
{%- endif -%}

with

newest as (
    select max({{ field }})::timestamp as newest_value
    from {{ model }}
),

threshold as (
    select
        newest_value,
        (now() at time zone 'UTC') - interval ({{ interval }}) {{ datepart }} as oldest_accepted
    from newest
)

select *
from threshold
where newest_value is null or newest_value < oldest_accepted

{% endtest %}
