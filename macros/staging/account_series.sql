{#- The `typed` select of a staging model: `account` (the landing metadata's), the model's
    own renamed and typed `columns` in order, `_layout` and the lineage columns, read from
    `relation` (only the rows matching `where`, when given). -#}
{% macro account_typed_select(relation, columns, where=none) -%}
select
    {{ landing_account() }} as account,
    {%- for column in columns %}
    {{ column | indent(4) }},
    {%- endfor %}
    _layout,
    {{ lineage_columns() | indent(4) }}
from {{ relation }}
{%- if where %}
where {{ where }}
{%- endif %}
{%- endmacro %}

{#- A whole staging model for a series with one row per account and key (a day, a month, a
    video, ...): `account_typed_select`, then per account and `key` the newest export wins
    (`latest_export(keep='row')`): a newer export corrects the keys it covers, keys only older
    exports cover are kept, keys no export covers stay missing. -#}
{% macro latest_per_account_and_key(relation, key, columns, where=none) -%}
with

typed as (
    {{ account_typed_select(relation, columns, where) | indent(4) }}
),

latest_export as (
    select * from typed
    {{ latest_export(partition_by=['account', key]) }}
)

select * from latest_export
{%- endmacro %}

{#- A daily series per account (exports whose rolling windows overlap): per account and
    `day` the newest export wins. -#}
{% macro daily_series_per_account(relation, day, columns) -%}
{{ latest_per_account_and_key(relation, day, columns) }}
{%- endmacro %}
