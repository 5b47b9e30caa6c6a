-- The marketplace's sellers as they are now: the latest version of each seller.
with

source as (
    select * from {{ source('shop_db', 'sellers') }}
),

typed as (
    select
        seller_id,
        zip_code_prefix,
        city,
        state,
        created_at::timestamp as created_at,
        updated_at::timestamp as updated_at,
        {{ landing_metadata('snapshot_id') }}::timestamp as snapshot_at,
        {{ lineage_columns() }}
    from source
),

latest_version as (
    select * from typed
    {{ latest_export(
        partition_by=['seller_id'],
        order_by=['updated_at desc', 'snapshot_at desc'],
    ) }}
)

select * from latest_version
