{#- An amount split into `parts` shares that add up to it exactly, to the 8th decimal: every
    share gets the amount's units (1e-8) divided by `parts`, and the shares at `position`
    1 .. remainder one unit more. (`amount / parts` is a DOUBLE in DuckDB: three shares of
    100.00 would be 33.33333333 each and lose a unit.) For amounts >= 0. -#}
{% macro split_money(amount, parts, position) -%}
{%- set units = "((" ~ amount ~ ")::decimal(38, 8) * 100000000)::hugeint" -%}
(
    (
        {{ units }} // ({{ parts }})
        + case when ({{ position }}) <= {{ units }} % ({{ parts }}) then 1 else 0 end
    )::decimal(38, 0)
    * 0.00000001::decimal(9, 8)
)::decimal(18, 8)
{%- endmacro %}
