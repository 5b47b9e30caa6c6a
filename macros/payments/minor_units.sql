{#- An amount in a currency's minor unit (Stripe's integers) as a decimal in the major unit:
    `1234, 'brl'` -> 12.34; zero-decimal currencies (`jpy`, `krw`, ...) are not divided. -#}
{% macro minor_to_decimal(amount, currency) -%}
(
    {{ amount }}::decimal(18, 2)
    / case
        when lower({{ currency }}) in (
            'bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'pyg', 'vnd', 'xaf'
        ) then 1
        else 100
    end
)::decimal(18, 2)
{%- endmacro %}
