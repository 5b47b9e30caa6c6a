{#- A whole staging model for a DistroKid stats-page chart by period (Apple Music's months or
    weeks): the page covers the last 365 days, so its first period usually starts before the
    window does and is partial. Each row is flagged `is_window_start` (the first period of
    its page); per account and `period` the newest page wins, except that a complete period
    (from any page) beats the partial first period of a newer page's window; periods only
    older pages cover are kept. -#}
{% macro distrokid_partial_first_period(relation, period, columns) -%}
with

typed as (
    {{ account_typed_select(relation, columns) | indent(4) }}
),

flagged as (
    select
        *,
        {{ period }} = min({{ period }}) over (partition by _sha256) as is_window_start
    from typed
),

latest_export as (
    select * from flagged
    {{ latest_export(
        partition_by=['account', period],
        order_by=['is_window_start asc', '_landed_at desc'],
    ) }}
)

select * from latest_export
{%- endmacro %}
