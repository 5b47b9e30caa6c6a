{#- amount * rate for money, safe at any realistic magnitude: DuckDB types DECIMAL(18, 8) *
    DECIMAL(18, 8) as DECIMAL(18, 16) (overflow above 92.23), so the amount is widened to
    DECIMAL(38, 10) first (the product has 20 integer digits) and rounded half away from zero
    to `scale` decimals. -#}
{% macro convert_money(amount, rate, scale=8) -%}
round({{ amount }}::decimal(38, 10) * {{ rate }}, {{ scale }})
{%- endmacro %}
