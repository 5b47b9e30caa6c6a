-- The application's customers as they are now: the latest version of each customer (raw
-- keeps every version an extract read). Soft-deleted customers (an erasure request) stay,
-- flagged `is_deleted`.
with

source as (
    select * from {{ source('shop_db', 'customers') }}
),

typed as (
    select
        customer_id,
        email,
        full_name,
        phone,
        zip_code_prefix,
        city,
        state,
        marketing_opt_in::boolean as has_marketing_opt_in,
        created_at::timestamp as created_at,
        updated_at::timestamp as updated_at,
        deleted_at::timestamp as deleted_at,
        deleted_at is not null as is_deleted,
        {{ landing_metadata('snapshot_id') }}::timestamp as snapshot_at,
        {{ lineage_columns() }}
    from source
),

latest_version as (
    select * from typed
    {{ latest_export(
        partition_by=['customer_id'],
        order_by=['updated_at desc', 'snapshot_at desc'],
    ) }}
)

select * from latest_version
