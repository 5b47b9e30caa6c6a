{#- A product title as the set of tokens the competitor title match compares: lower case,
    accents stripped, quantity phrases (`(1 unidade)`, `2 un.`) and marketing words
    (var('competitor_title_noise_words')) dropped, split on anything not a letter or digit,
    distinct. -#}
{% macro title_tokens(column) -%}
list_distinct(list_filter(
    regexp_split_to_array(
        regexp_replace(
            regexp_replace(
                strip_accents(lower({{ column }})),
                '\d+\s*(unidades|unidade|unid|und|un)\b\.?', ' ', 'g'
            ),
            '[^a-z0-9]+', ' ', 'g'
        ),
        ' '
    ),
    token -> token <> '' and not list_contains(
        {{ var('competitor_title_noise_words') | tojson | replace('"', "'") }}, token
    )
))
{%- endmacro %}
