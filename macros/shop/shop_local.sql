{#- The shop's own time of a UTC timestamp (the application stores UTC without a zone):
    days, weeks and months of the shop marts are the shop's, in `var('shop_timezone')`. -#}
{% macro shop_local_time(column) -%}
timezone('{{ var("shop_timezone") }}', ({{ column }})::timestamp at time zone 'UTC')
{%- endmacro %}

{% macro shop_local_date(column) -%}
cast({{ shop_local_time(column) }} as date)
{%- endmacro %}
