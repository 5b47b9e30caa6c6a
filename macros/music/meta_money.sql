{#- A Meta Marketing API amount in the currency's minor unit (budgets, bid caps, spend caps)
    as an amount in the currency, exact: divided by Meta's currency offset, 100 for most
    currencies and 1 for those without a minor unit at Meta (JPY, KRW, ...). Null stays null;
    a null currency gives null (never assume one). -#}
{% macro meta_minor_to_major(expression, currency) -%}
(
    {{ expression }}::decimal(38, 8)
    / case
        when {{ currency }} is null then null
        when {{ currency }} in (
            'CLP', 'COP', 'CRC', 'HUF', 'ISK', 'IDR', 'JPY', 'KRW', 'PYG', 'TWD', 'VND'
        ) then 1
        else 100
    end
)::decimal(18, 8)
{%- endmacro %}
