-- Incremental: a build reads only the orders files ingested since the published version
-- (`new_raw_rows`); their rows compete with the published row of the same order, and the
-- latest version (greatest `updated_at`, then the newest snapshot) replaces it
-- (delete+insert on order_id). A full refresh reads every file; both give the same rows.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='order_id',
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('shop_db', 'orders') }}
    {{ new_raw_rows() }}
),

typed as (
    select
        order_id,
        customer_id,
        status as order_status,
        channel,
        currency,
        purchased_at::timestamp as purchased_at,
        approved_at::timestamp as approved_at,
        delivered_carrier_at::timestamp as delivered_carrier_at,
        delivered_customer_at::timestamp as delivered_customer_at,
        estimated_delivery_date::date as estimated_delivery_date,
        updated_at::timestamp as updated_at,
        {{ landing_metadata('snapshot_id') }}::timestamp as snapshot_at,
        {{ lineage_columns() }}
    from source
),

{% if is_incremental() -%}
published_orders as (
    -- the published rows of the orders the new files cover: they compete with them
    select * from {{ this }}
    where order_id in (select order_id from typed)
),
{%- endif %}

candidates as (
    select * from typed
    {% if is_incremental() -%}
        union all by name
        select * from published_orders
    {%- endif %}
),

latest_version as (
    select * from candidates
    {{ latest_export(
        partition_by=['order_id'],
        order_by=['updated_at desc', 'snapshot_at desc'],
    ) }}
)

select * from latest_version
