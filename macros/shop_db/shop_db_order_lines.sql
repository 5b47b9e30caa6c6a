{#- The shop database's order lines (`order_items`, `payments`) as the application holds
    them now. These tables have no `updated_at`: every extract re-reads the complete lines of
    each order whose `updated_at` moved, in the same snapshot as the order. So an order's
    current lines are exactly the raw lines of the newest snapshot that read the order; a line
    absent from that snapshot was deleted (the application rewrote the order), and an order
    read with no lines has none left.

    `shop_db_reread_orders()`: the orders to rebuild, with their newest snapshot: every order
    in a full build; in an incremental one, the orders in raw orders files ingested since the
    model's published rows (a file ingested late still counts: it is new to the model).
    `shop_db_order_lines(table)`: the raw lines of `table` at those snapshots, with
    `snapshot_at` (select list: the raw columns and the lineage ones).
    `shop_db_delete_reread_lines()`: the pre-hook of an incremental lines model: delete the
    published lines of the orders about to be rebuilt (also those left with no lines). -#}
{% macro shop_db_reread_orders() -%}
    select
        order_id,
        max({{ landing_metadata('snapshot_id') }}::timestamp) as snapshot_at
    from {{ source('shop_db', 'orders') }}
    {% if is_incremental() -%}
        where order_id in (
            select order_id from {{ source('shop_db', 'orders') }}
            {{ new_raw_rows() }}
        )
    {%- endif %}
    group by order_id
{%- endmacro %}

{% macro shop_db_order_lines(table) -%}
    select
        lines.*,
        reread.snapshot_at
    from {{ source('shop_db', table) }} as lines
    inner join ({{ shop_db_reread_orders() }}) as reread
        on
            lines.order_id = reread.order_id
            and {{ landing_metadata('snapshot_id') }}::timestamp = reread.snapshot_at
{%- endmacro %}

{% macro shop_db_delete_reread_lines() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where order_id in (
            select order_id from {{ source('shop_db', 'orders') }}
            {{ new_raw_rows() }}
        )
    {%- endif -%}
{%- endmacro %}
