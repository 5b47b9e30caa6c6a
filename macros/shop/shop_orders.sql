{#- The orders whose lines `fct_order_items` rebuilds in an incremental run.
    `shop_reread_order_ids()`: the orders whose current version (`stg_shop_db__orders`) was
    ingested after the newest order version the mart holds: a re-read order brings all its
    lines again, or none when the application deleted them, so the pre-hook
    (`shop_delete_reread_order_lines()`) deletes their lines first. Every order in a full
    build. The watermark is a literal read before the pre-hook runs, so the pre-hook and the
    model name the same orders.
    `shop_rebuilt_order_ids()`: those, and the orders with a line whose product changed
    category since it was built (read at run time, after the pre-hook, which leaves these
    lines alone; delete+insert on the key replaces them), so an incremental run gives what
    a full refresh gives. -#}
{% macro shop_reread_order_ids() -%}
    select order_id from {{ ref('stg_shop_db__orders') }}
    {% if is_incremental() -%}
        where _ingested_at > {{ incremental_watermark('order_ingested_at') }}
    {%- endif %}
{%- endmacro %}

{% macro shop_rebuilt_order_ids() -%}
    {{ shop_reread_order_ids() }}
    {% if is_incremental() -%}
        union
        select built.order_id
        from {{ this }} as built
        left join {{ ref('stg_shop_db__products') }} as products
            on built.product_id = products.product_id
        where built.category_id
            is distinct from coalesce(
                nullif(products.category_id, ''), '{{ shop_no_category() }}'
            )
    {%- endif %}
{%- endmacro %}

{% macro shop_delete_reread_order_lines() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where order_id in ({{ shop_reread_order_ids() }})
    {%- endif -%}
{%- endmacro %}

{#- The category of a line whose product has none, and the bucket of an order without
    lines (its payments still count, in their own row of the revenue mart). -#}
{% macro shop_no_category() -%}(no category){%- endmacro %}

{% macro shop_no_items() -%}(no items){%- endmacro %}

{#- Statuses that end an order without a sale: counted apart in the revenue marts. -#}
{% macro shop_voided_statuses() -%}('canceled', 'unavailable'){%- endmacro %}

{#- Split an order's `amount` across its rows (one per category) by `share` (0..1, summing to
    1 per order), in cents, so the parts add up to the amount exactly: every row takes its
    share rounded to the cent, and the row flagged `is_remainder` (the largest category)
    takes what is left. -#}
{% macro shop_split_amount(amount, share, partition_by='order_id') -%}
    case
        when is_remainder
            then {{ amount }} - sum(
                case when is_remainder then 0 else round({{ amount }} * {{ share }}, 2) end
            ) over (partition by {{ partition_by }})
        else round({{ amount }} * {{ share }}, 2)
    end
{%- endmacro %}
